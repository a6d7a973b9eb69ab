// Headless Chromium (Debian's) plays Switchyard's HTTP outputs: <video src> on
// stream.mp4, and MSE fed by /api/ws as go2rtc's player and Frigate do it. A
// screenshot per mode is left in the artefacts directory.
#include <doctest/doctest.h>

#include <chrono>
#include <regex>
#include <string>

#include "tests/support/browser.hpp"
#include "tests/support/daemon.hpp"

using namespace sy::test;
using namespace std::chrono;

namespace {

// Resolves once the <video> has played more than a second (or after 20 s with what it has).
const char* wait_playing = R"(
  const t0 = Date.now();
  const check = () => {
    if (v.currentTime > 1.0) resolve({time: v.currentTime, width: v.videoWidth, height: v.videoHeight});
    else if (Date.now() - t0 > 20000) resolve({time: v.currentTime, error: v.error ? v.error.message || String(v.error.code) : 'stalled'});
    else setTimeout(check, 100);
  };
  check();
)";

double played(const std::string& result) {
  std::smatch m;
  return std::regex_search(result, m, std::regex(R"("time":([0-9.]+))")) ? std::stod(m[1]) : 0;
}

}  // namespace

TEST_CASE("Chromium plays stream.mp4 in a <video src> and the stream over MSE from /api/ws") {
  daemon_process d{"streams:\n  pattern: \"test:?size=640x360&fps=25\"\n"};
  browser b;
  REQUIRE(b.ok());
  auto base = "127.0.0.1:" + std::to_string(d.api_port);

  std::string error;
  auto file = b.evaluate(std::string(R"(new Promise((resolve) => {
    const v = document.createElement('video');
    v.id = 'file'; v.muted = true; v.autoplay = true; v.width = 320;
    v.src = 'http://)") + base + R"(/api/stream.mp4?src=pattern';
    document.body.appendChild(v);)" + wait_playing + "})",
                         seconds(40), &error);
  CAPTURE(error);
  CAPTURE(file);
  CHECK(played(file) > 1.0);
  CHECK(file.find("\"width\":640") != std::string::npos);
  b.screenshot(artifacts_dir() + "/browser-stream-mp4.png");

  auto mse = b.evaluate(std::string(R"(new Promise((resolve) => {
    const v = document.createElement('video');
    v.id = 'mse'; v.muted = true; v.width = 320;
    document.body.appendChild(v);
    const ms = new MediaSource();
    v.src = URL.createObjectURL(ms);
    ms.addEventListener('sourceopen', () => {
      const ws = new WebSocket('ws://)") + base + R"(/api/ws?src=pattern');
      ws.binaryType = 'arraybuffer';
      let sb = null;
      const queue = [];
      const pump = () => { if (sb && !sb.updating && queue.length) sb.appendBuffer(queue.shift()); };
      ws.onopen = () => ws.send(JSON.stringify({type: 'mse', value: 'avc1.640029,avc1.64002A,avc1.640033,mp4a.40.2,opus'}));
      ws.onmessage = (e) => {
        if (typeof e.data === 'string') {
          const m = JSON.parse(e.data);
          if (m.type !== 'mse') return resolve({time: 0, error: m.value});
          sb = ms.addSourceBuffer(m.value);
          sb.addEventListener('updateend', pump);
          v.play();
          return;
        }
        queue.push(e.data);
        pump();
      };
    });)" + wait_playing + "})",
                        seconds(40), &error);
  CAPTURE(error);
  CAPTURE(mse);
  CHECK(played(mse) > 1.0);
  CHECK(mse.find("\"width\":640") != std::string::npos);
  b.screenshot(artifacts_dir() + "/browser-mse.png");
}

namespace {

// Polls `condition` (a JavaScript expression) in the page until it holds, up to 20 s.
bool page_until(browser& b, const std::string& condition) {
  auto result = b.evaluate("new Promise((resolve) => { const t0 = Date.now(); const check = () => { if (" + condition +
                               ") resolve(true); else if (Date.now() - t0 > 20000) resolve(false); else "
                               "setTimeout(check, 100); }; check(); })",
                           seconds(30));
  return result == "true";
}

}  // namespace

TEST_CASE("the web page at / lists, adds and deletes streams; its player plays over MSE, HLS and MJPEG") {
  daemon_process d{"streams:\n  pattern: \"test:?size=320x240&fps=25\"\n"};
  browser b;
  REQUIRE(b.ok());
  auto base = "http://127.0.0.1:" + std::to_string(d.api_port) + "/";
  REQUIRE(b.navigate(base));
  CHECK(page_until(b, "document.querySelectorAll('tr.stream').length === 1"));
  CHECK(b.evaluate("document.querySelector('tr.stream').dataset.name", seconds(5)) == "\"pattern\"");
  CHECK(b.evaluate("[...document.querySelectorAll('tr.stream a')].map(a => a.textContent).join(',')", seconds(5)) ==
        "\"player,rtsp,mp4,m3u8,mjpeg,jpeg,ws\"");
  b.screenshot(artifacts_dir() + "/browser-page-list.png");

  // Add through the form; a bad source shows the API's error and adds nothing.
  b.evaluate("const f = document.getElementById('add'); f.name.value = 'bad'; f.src.value = 'bogus://x'; "
             "f.requestSubmit(); true",
             seconds(5));
  CHECK(page_until(b, "document.getElementById('add-error').textContent.includes('source')"));
  b.evaluate("const g = document.getElementById('add'); g.name.value = 'second'; g.src.value = 'test:?size=160x120'; "
             "g.requestSubmit(); true",
             seconds(5));
  CHECK(page_until(b, "document.querySelectorAll('tr.stream').length === 2"));
  auto c = d.client();
  auto listed = c.Get("/api/streams?src=second");
  REQUIRE(listed);
  CHECK(listed->status == 200);
  b.evaluate("window.confirm = () => true; document.querySelector('tr[data-name=second] button.delete').click(); true",
             seconds(5));
  CHECK(page_until(b, "document.querySelectorAll('tr.stream').length === 1"));
  auto gone = c.Get("/api/streams?src=second");
  REQUIRE(gone);
  CHECK(gone->status == 404);

  REQUIRE(b.navigate(base + "stream.html?src=pattern"));
  CHECK(page_until(b, "document.body.dataset.mode === 'mse' && document.getElementById('video').currentTime > 1"));
  b.screenshot(artifacts_dir() + "/browser-player-mse.png");

  REQUIRE(b.navigate(base + "stream.html?src=pattern&mode=hls"));
  CHECK(page_until(b, "document.body.dataset.mode === 'hls' && document.getElementById('video').currentTime > 2"));
  CHECK(b.evaluate("document.getElementById('video').videoWidth", seconds(5)) == "320");
  b.screenshot(artifacts_dir() + "/browser-player-hls.png");

  // Chromium's own HLS plays the fMP4 variant too (Safari's, from the WebSocket `hls`).
  auto fmp4_hls = b.evaluate(R"(new Promise((resolve) => {
    const v = document.createElement('video');
    v.muted = true;
    document.body.appendChild(v);
    v.src = 'api/stream.m3u8?src=pattern&mp4';
    v.play().catch(() => {});
    setTimeout(() => resolve({time: v.currentTime, width: v.videoWidth,
                              error: v.error ? v.error.message : ''}), 6000);
  }))",
                             seconds(20));
  CAPTURE(fmp4_hls);
  CHECK(played(fmp4_hls) > 2.0);

  REQUIRE(b.navigate(base + "stream.html?src=pattern&mode=mjpeg"));
  CHECK(page_until(b, "document.body.dataset.mode === 'mjpeg' && document.getElementById('mjpeg').naturalWidth === 320"));
  b.screenshot(artifacts_dir() + "/browser-player-mjpeg.png");
}

TEST_CASE("the player falls back to the browser's HLS without MSE (Safari on iOS), and to MJPEG without either") {
  daemon_process d{"streams:\n  pattern: \"test:?size=320x240&fps=25\"\n"};
  auto base = "http://127.0.0.1:" + std::to_string(d.api_port) + "/";
  {
    browser b;
    REQUIRE(b.ok());
    REQUIRE(b.add_init_script("delete window.MediaSource; delete window.ManagedMediaSource;"));
    REQUIRE(b.navigate(base + "stream.html?src=pattern"));
    CHECK(page_until(b, "document.body.dataset.mode === 'hls' && document.getElementById('video').currentTime > 1"));
    b.screenshot(artifacts_dir() + "/browser-player-fallback-hls.png");
  }
  browser b;
  REQUIRE(b.ok());
  REQUIRE(b.add_init_script("delete window.MediaSource; HTMLMediaElement.prototype.canPlayType = () => '';"));
  REQUIRE(b.navigate(base + "stream.html?src=pattern"));
  CHECK(page_until(b, "document.body.dataset.mode === 'mjpeg' && document.getElementById('mjpeg').naturalWidth === 320"));
  b.screenshot(artifacts_dir() + "/browser-player-fallback-mjpeg.png");
}
