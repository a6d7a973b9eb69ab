// WebRTC figures, Switchyard and go2rtc v1.9.9 side by side in one run, both reading
// the same 720p25 H.264 camera (a looped clip, 2 s GOP), watched by headless
// Chromium through go2rtc's JSON API (POST /api/webrtc?src=):
//   - time from the offer to the first decoded frame (median of 10 new viewers);
//   - the server's CPU with 1 and with 10 viewers playing (10 s each);
// then Switchyard alone:
//   - CPU with 1 viewer of an AAC camera, whose Opus comes from the stream's
//     ffmpeg:<itself>#audio=opus transcode;
//   - glass-to-glass latency on loopback: a canvas that paints the time as 20 bars is
//     published over WHIP and watched over WebRTC in the same page, which reads the
//     bars back from each decoded frame (median and p90 over 5 s).
#include <gst/gst.h>

#include <chrono>
#include <cstdio>
#include <regex>
#include <sstream>
#include <string>
#include <thread>

#include "bench/bench_util.hpp"
#include "bench/go2rtc_peer.hpp"
#include "bench/restream_camera.hpp"
#include "tests/support/browser.hpp"
#include "tests/support/daemon.hpp"
#include "tests/support/fake_camera.hpp"

using namespace std::chrono;

namespace {

// Page script helpers: a receive-only peer of `src` answered by the page's own
// origin; `wait_frames` resolves once it has decoded one (or after 10 s).
const char* js_helpers = R"(
  window.sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  window.frames_of = async (pc) => {
    let n = 0;
    (await pc.getStats()).forEach((s) => { if (s.type === 'inbound-rtp' && s.kind === 'video') n = s.framesDecoded || 0; });
    return n;
  };
  window.viewer = async (src) => {
    const pc = new RTCPeerConnection({iceServers: []});
    pc.addTransceiver('video', {direction: 'recvonly'});
    pc.addTransceiver('audio', {direction: 'recvonly'});
    const v = document.createElement('video');
    v.muted = true; v.autoplay = true; document.body.appendChild(v);
    const ms = new MediaStream(); v.srcObject = ms;
    pc.ontrack = (e) => ms.addTrack(e.track);
    pc.video = v;
    await pc.setLocalDescription(await pc.createOffer());
    await new Promise((r) => { if (pc.iceGatheringState === 'complete') r(); else pc.onicegatheringstatechange = () => { if (pc.iceGatheringState === 'complete') r(); }; setTimeout(r, 3000); });
    const res = await fetch('/api/webrtc?src=' + encodeURIComponent(src), {method: 'POST', headers: {'Content-Type': 'application/json'},
                                                                         body: JSON.stringify({type: 'offer', sdp: pc.localDescription.sdp})});
    if (res.status !== 200) throw new Error(res.status + ' ' + await res.text());
    await pc.setRemoteDescription({type: 'answer', sdp: (await res.json()).sdp});
    return pc;
  };
  window.wait_frames = async (pc) => {
    const t0 = performance.now();
    while (performance.now() - t0 < 10000) { if (await frames_of(pc) > 0) return true; await sleep(5); }
    return false;
  };
  window.peers = [];
  1
)";

std::string first_frame_script(const std::string& src) {
  return R"((async () => {
    const ms = [];
    for (let i = 0; i < 10; i++) {
      const t0 = performance.now();
      const pc = await viewer(')" + src + R"(');
      if (await wait_frames(pc)) ms.push(performance.now() - t0);
      pc.close(); pc.video.remove();
      await sleep(300);
    }
    ms.sort((a, b) => a - b);
    return {n: ms.length, median: ms.length ? ms[ms.length >> 1] : -1, max: ms.length ? ms[ms.length - 1] : -1};
  })())";
}

std::string open_viewers_script(const std::string& src, int n) {
  return R"((async () => {
    let ok = 0;
    const failures = [];
    for (let i = 0; i < )" + std::to_string(n) + R"(; i++) {
      const pc = await viewer(')" + src + R"(');
      peers.push(pc);
      if (await wait_frames(pc)) { ok++; continue; }
      let why = 'ice ' + pc.iceConnectionState + ', ' + pc.connectionState;
      (await pc.getStats()).forEach((s) => {
        if (s.type === 'inbound-rtp' && s.kind === 'video')
          why += ', packets ' + s.packetsReceived + ', lost ' + s.packetsLost + ', frames received ' + s.framesReceived +
                 ', decoded ' + s.framesDecoded + ', key ' + s.keyFramesDecoded + ', plis ' + s.pliCount + ', nacks ' + s.nackCount;
      });
      failures.push(why);
    }
    return {playing: ok, failures};
  })())";
}

const char* close_viewers_script = R"((async () => { for (const pc of peers) { pc.close(); pc.video.remove(); } peers = []; await sleep(3500); return 1; })())";

// Publishes a canvas painting performance.now() (20 bits of ms) as 20 black/white bars
// to `dst` over WHIP, watches `dst` over WebRTC, and reads the bars of each decoded frame.
std::string glass_script(const std::string& dst) {
  return R"((async () => {
    const W = 320, H = 240, BITS = 20, MASK = (1 << BITS) - 1;
    const canvas = document.createElement('canvas'); canvas.width = W; canvas.height = H;
    const g = canvas.getContext('2d');
    const paint = () => {
      const t = Math.round(performance.now()) & MASK;
      for (let i = 0; i < BITS; i++) { g.fillStyle = (t >> i) & 1 ? '#fff' : '#000'; g.fillRect(i * 16, 0, 16, H); }
    };
    paint(); const painter = setInterval(paint, 10);
    const pub = new RTCPeerConnection({iceServers: []});
    const tr = pub.addTransceiver(canvas.captureStream(50).getVideoTracks()[0], {direction: 'sendonly'});
    tr.setCodecPreferences(RTCRtpSender.getCapabilities('video').codecs.filter(
        (c) => c.mimeType === 'video/H264' && (c.sdpFmtpLine || '').includes('packetization-mode=1')));
    await pub.setLocalDescription(await pub.createOffer());
    await new Promise((r) => { if (pub.iceGatheringState === 'complete') r(); else pub.onicegatheringstatechange = () => { if (pub.iceGatheringState === 'complete') r(); }; setTimeout(r, 3000); });
    const res = await fetch('/api/webrtc?dst=)" + dst + R"(', {method: 'POST', headers: {'Content-Type': 'application/sdp'}, body: pub.localDescription.sdp});
    if (res.status !== 201) return {error: res.status + ' ' + await res.text()};
    await pub.setRemoteDescription({type: 'answer', sdp: await res.text()});
    await sleep(2000);
    const pc = await viewer(')" + dst + R"(');
    await wait_frames(pc);
    const v = pc.video;
    const c2 = document.createElement('canvas'); c2.width = W; c2.height = H;
    const g2 = c2.getContext('2d', {willReadFrequently: true});
    const lat = [];
    const t0 = performance.now();
    await new Promise((done) => {
      const on_frame = () => {
        const now = Math.round(performance.now()) & MASK;
        g2.drawImage(v, 0, 0, W, H);
        const row = g2.getImageData(0, H >> 1, W, 1).data;
        let t = 0;
        for (let i = 0; i < BITS; i++) if (row[(i * 16 + 8) * 4] > 128) t |= 1 << i;
        const d = (now - t + MASK + 1) & MASK;
        if (d < 5000) lat.push(d);
        if (performance.now() - t0 > 5000) return done();
        v.requestVideoFrameCallback(on_frame);
      };
      v.requestVideoFrameCallback(on_frame);
    });
    clearInterval(painter); pc.close(); pub.close();
    lat.sort((a, b) => a - b);
    return {n: lat.length, median: lat.length ? lat[lat.length >> 1] : -1, p90: lat.length ? lat[Math.floor(lat.length * 0.9)] : -1};
  })())";
}

double number(const std::string& json, const std::string& key) {
  std::smatch m;
  return std::regex_search(json, m, std::regex("\"" + key + "\":(-?[0-9.]+)")) ? std::stod(m[1]) : -1;
}

// The server's CPU (% of one core) over `secs` seconds.
double cpu_percent(pid_t pid, int secs) {
  auto c0 = sy::bench::cpu_seconds(pid);
  std::this_thread::sleep_for(seconds(secs));
  return (sy::bench::cpu_seconds(pid) - c0) * 100.0 / secs;
}

struct server_figures {
  double first_frame_ms = -1, first_frame_max_ms = -1, cpu_idle = -1, cpu1 = -1, cpu10 = -1;
  int playing10 = 0;
};

server_figures measure(sy::test::browser& b, const std::string& origin, pid_t pid, const std::string& src) {
  server_figures f;
  if (!b.navigate(origin + "/api")) return f;
  b.evaluate(js_helpers, seconds(5));
  std::string error;
  auto ff = b.evaluate(first_frame_script(src), seconds(180), &error);
  if (ff.empty()) std::printf("  first frame: %s\n", error.c_str());
  f.first_frame_ms = number(ff, "median");
  f.first_frame_max_ms = number(ff, "max");
  std::this_thread::sleep_for(seconds(4));
  f.cpu_idle = cpu_percent(pid, 5);
  b.evaluate(open_viewers_script(src, 1), seconds(60));
  f.cpu1 = cpu_percent(pid, 10);
  auto ten = b.evaluate(open_viewers_script(src, 9), seconds(120), &error);
  f.playing10 = int(number(ten, "playing")) + 1;
  if (f.playing10 < 10) std::printf("  not playing after 10 s: %s\n", ten.c_str());
  f.cpu10 = cpu_percent(pid, 10);
  b.evaluate(close_viewers_script, seconds(30));
  return f;
}

}  // namespace

int main(int argc, char** argv) {
  gst_init(&argc, &argv);
  sy::bench::restream_camera cam{"scroll"};
  if (cam.url.empty()) {
    std::printf("webrtc: the camera did not start\n");
    return 0;
  }
  sy::test::browser b;
  if (!b.ok()) {
    std::printf("webrtc: Chromium did not start\n");
    return 0;
  }
  std::string streams = "streams:\n  cam: \"" + cam.url + "\"\n";
  server_figures ours, theirs;
  {
    sy::test::daemon_process d{streams};
    ours = measure(b, d.http_url(""), d.process->pid(), "cam");
    std::istringstream log{d.process->output()};
    for (std::string line; std::getline(log, line);)
      if (line.find("[webrtc]") != std::string::npos && line.find(" WRN ") != std::string::npos)
        std::printf("  switchyard: %s\n", line.c_str());
  }
  bool have_go2rtc = !sy::bench::go2rtc_peer::binary().empty();
  if (have_go2rtc) {
    sy::bench::go2rtc_peer peer{streams};
    if (peer.up())
      theirs = measure(b, "http://127.0.0.1:" + std::to_string(peer.api_port), peer.process->pid(), "cam");
  }
  std::printf("WebRTC, 720p25 H.264 camera passed through, Chromium viewers (JSON offer/answer):\n");
  std::printf("  %-34s %12s %12s\n", "", "switchyard", "go2rtc");
  std::printf("  %-34s %9.0f ms %9.0f ms\n", "offer -> first decoded frame (med)", ours.first_frame_ms, theirs.first_frame_ms);
  std::printf("  %-34s %9.0f ms %9.0f ms\n", "offer -> first decoded frame (max)", ours.first_frame_max_ms,
              theirs.first_frame_max_ms);
  std::printf("  %-34s %10.1f %% %10.1f %%\n", "server CPU, stream idle", ours.cpu_idle, theirs.cpu_idle);
  std::printf("  %-34s %10.1f %% %10.1f %%\n", "server CPU, 1 viewer", ours.cpu1, theirs.cpu1);
  std::printf("  %-34s %10.1f %% %10.1f %%   (playing: %d / %d)\n", "server CPU, 10 viewers", ours.cpu10,
              theirs.cpu10, ours.playing10, theirs.playing10);
  if (!have_go2rtc) std::printf("  (go2rtc not found: set GO2RTC_BIN)\n");

  // The AAC camera: its WebRTC viewer takes Opus from the stream's transcode.
  {
    sy::test::camera_options opts;
    opts.size = "1280x720";
    opts.gop = 50;
    opts.audio = "aac";
    sy::test::fake_camera aac{opts};
    aac.start();
    sy::test::daemon_process d{"streams:\n  cam:\n    - \"" + aac.url() + "\"\n    - \"ffmpeg:cam#audio=opus\"\n"};
    if (b.navigate(d.http_url("/api"))) {
      b.evaluate(js_helpers, seconds(5));
      b.evaluate(open_viewers_script("cam", 1), seconds(60));
      std::this_thread::sleep_for(seconds(2));
      auto cpu = cpu_percent(d.process->pid(), 10);
      b.evaluate(close_viewers_script, seconds(30));
      std::printf("  switchyard CPU, 1 viewer of a 720p25 H.264 + AAC camera (AAC -> Opus transcode running): %.1f %%\n",
                  cpu);
    }
  }
  {
    sy::test::daemon_process d{""};
    if (b.navigate(d.http_url("/api"))) {
      b.evaluate(js_helpers, seconds(5));
      std::string error;
      auto g = b.evaluate(glass_script("glass"), seconds(60), &error);
      if (g.empty()) std::printf("  glass-to-glass: %s\n", error.c_str());
      std::printf("  glass-to-glass on loopback, Chromium -> WHIP -> switchyard -> WebRTC -> Chromium, 320x240 canvas: "
                  "median %.0f ms, p90 %.0f ms (%d frames read)\n",
                  number(g, "median"), number(g, "p90"), int(number(g, "n")));
    }
  }
  return 0;
}
