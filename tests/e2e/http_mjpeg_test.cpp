// Real clients (ffmpeg, ffprobe, a scripted WebSocket client) against MJPEG outputs:
// GET /api/stream.mjpeg and the WebSocket API's `mjpeg`.
#include <doctest/doctest.h>

#include <chrono>
#include <csignal>
#include <regex>
#include <string>
#include <thread>

#include "tests/support/daemon.hpp"
#include "tests/support/fake_camera.hpp"
#include "tests/support/media_probe.hpp"
#include "tests/support/process.hpp"
#include "tests/support/ws_client.hpp"

using namespace sy::test;
using namespace std::chrono;

namespace {

std::string mjpeg_url(const daemon_process& d, const std::string& name) {
  return d.http_url("/api/stream.mjpeg?src=" + name);
}

std::vector<std::string> mjpeg_reader(const std::string& url) {
  return {"ffmpeg", "-nostdin", "-loglevel", "error", "-stats", "-i", url, "-f", "null", "-"};
}

int count(const std::string& text, const std::string& needle) {
  int n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}


}  // namespace

TEST_CASE("ffmpeg reads stream.mjpeg of an H.264 test stream: JPEGs at its size and frame rate") {
  daemon_process d{"streams:\n  pattern: \"test:?size=320x240&fps=25\"\n"};
  auto [code, out] = run_process({"ffprobe", "-v", "error", "-show_entries", "stream=codec_name,width,height", "-of",
                                  "csv=p=0", mjpeg_url(d, "pattern")},
                                 seconds(30));
  CHECK(code == 0);
  CHECK(out.find("mjpeg,320,240") != std::string::npos);
  child_process reader{mjpeg_reader(mjpeg_url(d, "pattern"))};
  std::this_thread::sleep_for(seconds(4));
  reader.signal(SIGINT);
  reader.wait(seconds(10));
  CHECK(frames_so_far(reader.output()) >= 60);  // ~4 s at 25 fps, after start-up
  CHECK(consumers_gone(d, "pattern"));
}

TEST_CASE("MJPEG viewers of a relayed camera share one encoder; errors answer 400/404") {
  fake_camera cam;
  REQUIRE(cam.start() > 0);
  daemon_process d{"streams:\n  cam: \"" + cam.url() + "\"\n"};
  child_process a{mjpeg_reader(mjpeg_url(d, "cam"))};
  child_process b{mjpeg_reader(mjpeg_url(d, "cam"))};
  std::this_thread::sleep_for(seconds(4));
  auto c = d.client();
  auto res = c.Get("/api/streams?src=cam");
  REQUIRE(res);
  CHECK(count(res->body, "\"format_name\": \"mjpeg\"") == 1);  // one branch for both viewers
  a.signal(SIGINT);
  b.signal(SIGINT);
  a.wait(seconds(10));
  b.wait(seconds(10));
  CHECK(frames_so_far(a.output()) >= 40);
  CHECK(frames_so_far(b.output()) >= 40);
  CHECK(consumers_gone(d, "cam"));
  auto none = c.Get("/api/stream.mjpeg");
  REQUIRE(none);
  CHECK(none->status == 400);
  auto missing = c.Get("/api/stream.mjpeg?src=nope");
  REQUIRE(missing);
  CHECK(missing->status == 404);
}

TEST_CASE("the WebSocket API's mjpeg sends one JPEG per binary message") {
  daemon_process d{"streams:\n  pattern: \"test:?size=320x240\"\n"};
  ws_client ws{d.api_port, "/api/ws?src=pattern"};
  REQUIRE(ws.ok());
  ws.send_text(R"({"type":"mjpeg"})");
  int jpegs = 0;
  for (int i = 0; i < 10; ++i) {
    auto f = ws.next(seconds(10));
    REQUIRE(f.opcode == 2);
    bool whole = f.payload.size() > 4 && f.payload.compare(0, 2, "\xff\xd8") == 0 &&
                 f.payload.compare(f.payload.size() - 2, 2, "\xff\xd9") == 0;
    jpegs += whole;
  }
  CHECK(jpegs == 10);
  ws.drop();
  CHECK(consumers_gone(d, "pattern"));
}
