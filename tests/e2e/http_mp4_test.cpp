// Real clients (ffprobe, ffmpeg, a raw HTTP reader) against GET /api/stream.mp4 and
// /api/frame.mp4 of a daemon.
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

using namespace sy::test;
using namespace std::chrono;

namespace {

std::string http_url(const daemon_process& d, const std::string& path) {
  return "http://127.0.0.1:" + std::to_string(d.api_port) + path;
}

// ffprobe's csv of the streams of `url` (decoding every frame to count them).
std::pair<int, std::string> probe_streams(const std::string& url) {
  return run_process({"ffprobe", "-v", "error", "-count_frames", "-show_entries",
                      "stream=codec_name,width,height,sample_rate,nb_read_frames", "-of", "csv=p=0", url},
                     seconds(60));
}

bool consumers_gone(const daemon_process& d, const std::string& name) {
  auto c = d.client();
  for (int i = 0; i < 50; ++i) {
    auto res = c.Get(("/api/streams?src=" + name).c_str());
    if (res && std::regex_search(res->body, std::regex(R"("consumers":\s*null)"))) return true;
    std::this_thread::sleep_for(milliseconds(100));
  }
  return false;
}

}  // namespace

TEST_CASE("ffprobe decodes stream.mp4 of a test stream: H.264 at its size, 3 s of frames, then the file ends") {
  daemon_process d{"streams:\n  pattern: \"test:?size=640x360&fps=25\"\n"};
  auto c = d.client();
  auto head = c.Get("/api/stream.mp4?src=pattern&duration=1");
  REQUIRE(head);
  CHECK(head->status == 200);
  CHECK(head->get_header_value("Content-Type").rfind("video/mp4; codecs=\"avc1.", 0) == 0);
  auto [code, out] = probe_streams(http_url(d, "/api/stream.mp4?src=pattern&duration=3"));
  CHECK(code == 0);
  std::smatch m;
  REQUIRE(std::regex_search(out, m, std::regex(R"(h264,640,360,(\d+))")));
  CHECK(std::stoi(m[1]) >= 60);  // 3 s at 25 fps, from a keyframe
  CHECK(consumers_gone(d, "pattern"));
}

TEST_CASE("stream.mp4 of a relayed RTSP camera carries its H.264 and AAC; filename makes it an attachment") {
  camera_options opts;
  opts.size = "352x288";
  opts.audio = "aac";
  fake_camera cam{opts};
  REQUIRE(cam.start() > 0);
  daemon_process d{"streams:\n  cam: \"" + cam.url() + "\"\n"};
  auto [code, out] = probe_streams(http_url(d, "/api/stream.mp4?src=cam&duration=3"));
  CHECK(code == 0);
  CHECK(std::regex_search(out, std::regex(R"(h264,352,288,\d+)")));
  CHECK(out.find("aac,16000") != std::string::npos);
  auto c = d.client();
  auto res = c.Get("/api/stream.mp4?src=cam&duration=1&filename=front%20door.mp4");
  REQUIRE(res);
  CHECK(res->get_header_value("Content-Disposition") == "attachment; filename=\"front door.mp4\"");
  CHECK(res->get_header_value("Content-Type").find("mp4a.40.2") != std::string::npos);
}

TEST_CASE("frame.mp4 is one keyframe with a Content-Length that ffprobe decodes") {
  daemon_process d{"streams:\n  pattern: \"test:?size=320x240\"\n"};
  auto c = d.client();
  auto res = c.Get("/api/frame.mp4?src=pattern");
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(res->get_header_value("Content-Type") == "video/mp4");
  CHECK(res->get_header_value("Content-Length") == std::to_string(res->body.size()));
  auto [code, out] = probe_streams(http_url(d, "/api/frame.mp4?src=pattern"));
  CHECK(code == 0);
  CHECK(out.find("h264,320,240,1") != std::string::npos);
  CHECK(consumers_gone(d, "pattern"));
}

TEST_CASE("stream.mp4 and frame.mp4 refuse bad requests with go2rtc's status codes, and change nothing") {
  daemon_process d{"streams:\n  pattern: \"test:?size=320x240\"\n"};
  auto c = d.client();
  for (auto* path : {"/api/stream.mp4", "/api/frame.mp4"}) {
    CAPTURE(path);
    auto none = c.Get(path);
    REQUIRE(none);
    CHECK(none->status == 400);
    auto missing = c.Get((std::string(path) + "?src=nope").c_str());
    REQUIRE(missing);
    CHECK(missing->status == 404);
  }
  auto bad = c.Get("/api/stream.mp4?src=pattern&duration=soon");
  REQUIRE(bad);
  CHECK(bad->status == 400);
  auto list = c.Get("/api/streams");
  REQUIRE(list);
  CHECK(list->body.find("nope") == std::string::npos);
}

TEST_CASE("a stream.mp4 client that leaves mid-stream leaves no consumer behind; another keeps its frames") {
  daemon_process d{"streams:\n  pattern: \"test:?size=320x240&fps=25\"\n"};
  child_process watcher{{"ffmpeg", "-nostdin", "-loglevel", "error", "-stats", "-i",
                         http_url(d, "/api/stream.mp4?src=pattern"), "-c", "copy", "-f", "null", "-"}};
  for (int i = 0; i < 5; ++i) {
    child_process leaver{{"ffmpeg", "-nostdin", "-loglevel", "error", "-i",
                          http_url(d, "/api/stream.mp4?src=pattern"), "-c", "copy", "-f", "null", "-"}};
    std::this_thread::sleep_for(milliseconds(700));
    leaver.signal(SIGKILL);
    leaver.wait(seconds(10));
  }
  std::this_thread::sleep_for(seconds(1));
  watcher.signal(SIGINT);
  watcher.wait(seconds(10));
  CHECK(frames_so_far(watcher.output()) >= 75);  // ~4.5 s at 25 fps
  CHECK(consumers_gone(d, "pattern"));
}
