// Real clients (ffprobe, ffmpeg, a raw HTTP reader) against GET /api/stream.mp4 and
// /api/frame.mp4 of a daemon.
#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <memory>
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

TEST_CASE("ffprobe decodes stream.mp4 of a test stream: H.264 at its size, 3 s of frames, then the file ends") {
  daemon_process d{"streams:\n  pattern: \"test:?size=640x360&fps=25\"\n"};
  auto c = d.client();
  auto head = c.Get("/api/stream.mp4?src=pattern&duration=1");
  REQUIRE(head);
  CHECK(head->status == 200);
  CHECK(head->get_header_value("Content-Type").rfind("video/mp4; codecs=\"avc1.", 0) == 0);
  auto [code, out] = ffprobe_count_streams(d.http_url("/api/stream.mp4?src=pattern&duration=3"));
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
  auto [code, out] = ffprobe_count_streams(d.http_url("/api/stream.mp4?src=cam&duration=3"));
  CHECK(code == 0);
  CHECK(std::regex_search(out, std::regex(R"(h264,352,288,\d+)")));
  CHECK(out.find("aac,16000") != std::string::npos);
  auto c = d.client();
  auto res = c.Get("/api/stream.mp4?src=cam&duration=1&filename=front%20door.mp4");
  REQUIRE(res);
  CHECK(res->get_header_value("Content-Disposition") == "attachment; filename=\"front door.mp4\"");
  CHECK(res->get_header_value("Content-Type").find("mp4a.40.2") != std::string::npos);
}

TEST_CASE("stream.mp4 of a camera whose audio MP4 cannot carry (PCMU) is its video alone, not nothing") {
  camera_options opts;
  opts.size = "320x240";
  opts.audio = "pcmu";
  fake_camera cam{opts};
  REQUIRE(cam.start() > 0);
  daemon_process d{"streams:\n  cam: \"" + cam.url() + "\"\n"};
  auto c = d.client();
  auto head = c.Get("/api/stream.mp4?src=cam&duration=1");
  REQUIRE(head);
  CHECK(head->status == 200);
  CHECK(std::regex_match(head->get_header_value("Content-Type"), std::regex(R"(video/mp4; codecs="avc1\.[0-9a-f]{6}")")));
  auto [code, out] = ffprobe_count_streams(d.http_url("/api/stream.mp4?src=cam&duration=2"));
  CHECK(code == 0);
  CHECK(std::regex_search(out, std::regex(R"(^h264,320,240,\d+\s*$)")));
}

TEST_CASE("frame.mp4 is one keyframe with a Content-Length that ffprobe decodes") {
  daemon_process d{"streams:\n  pattern: \"test:?size=320x240\"\n"};
  auto c = d.client();
  auto res = c.Get("/api/frame.mp4?src=pattern");
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(res->get_header_value("Content-Type") == "video/mp4");
  CHECK(res->get_header_value("Content-Length") == std::to_string(res->body.size()));
  auto [code, out] = ffprobe_count_streams(d.http_url("/api/frame.mp4?src=pattern"));
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
                         d.http_url("/api/stream.mp4?src=pattern"), "-c", "copy", "-f", "null", "-"}};
  for (int i = 0; i < 5; ++i) {
    child_process leaver{{"ffmpeg", "-nostdin", "-loglevel", "error", "-i",
                          d.http_url("/api/stream.mp4?src=pattern"), "-c", "copy", "-f", "null", "-"}};
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

namespace {

// A client that asks for `path` and then reads 1 KB a second.
struct slow_http_reader {
  int fd = -1;
  std::atomic<bool> stop{false};
  std::atomic<long> bytes{0};
  std::thread thread;

  slow_http_reader(int port, const std::string& path) {
    fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int small = 4096;  // a small receive window, so that the server's side fills up
    ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(uint16_t(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    auto request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    REQUIRE(::send(fd, request.data(), request.size(), MSG_NOSIGNAL) == ssize_t(request.size()));
    thread = std::thread([this] {
      char buf[1024];
      while (!stop) {
        auto n = ::recv(fd, buf, sizeof buf, MSG_DONTWAIT);
        if (n == 0) break;  // the server gave up on it: allowed
        if (n > 0) bytes += n;
        std::this_thread::sleep_for(seconds(1));
      }
    });
  }
  ~slow_http_reader() {
    stop = true;
    thread.join();
    ::close(fd);
  }
};

}  // namespace

TEST_CASE("a stream.mp4 viewer reading 1 KB/s neither slows another viewer nor makes the daemon buffer without bound") {
  // ~1 MB/s of noise (it does not compress).
  daemon_process d{"streams:\n  busy: \"test:?size=640x360&fps=25&bitrate=8000&pattern=snow\"\n"};
  slow_http_reader slow{d.api_port, "/api/stream.mp4?src=busy"};
  std::this_thread::sleep_for(seconds(5));
  auto rss_before = rss_mib(d.process->pid());
  constexpr int window = 25;
  child_process watcher{{"ffmpeg", "-nostdin", "-loglevel", "error", "-stats", "-t", std::to_string(window), "-i",
                         d.http_url("/api/stream.mp4?src=busy"), "-c", "copy", "-f", "null", "-"}};
  watcher.wait(seconds(window + 60));
  auto rss_after = rss_mib(d.process->pid());
  CHECK(frames_so_far(watcher.output()) >= window * 25 * 9 / 10);  // the other viewer keeps the full frame rate
  MESSAGE("daemon RSS grew " << rss_after - rss_before << " MiB while the slow reader lagged ~" << window << " MB");
#if !defined(__SANITIZE_ADDRESS__)  // ASan's quarantine of freed memory grows RSS by itself
  CHECK(rss_after - rss_before < 14);  // MiB: the viewer's queue is capped at 8 MiB, then skips to a keyframe
#endif
  CHECK(slow.bytes < (window + 15) * 1024 + 64 * 1024);  // it really read slowly (a test of the test)
}

TEST_CASE("50 stream.mp4 viewers joining and leaving for 60 s leave no consumer, thread or fd behind") {
  daemon_process d{"streams:\n  pattern: \"test:?size=320x240&fps=25\"\n"};
  auto pid = d.process->pid();
  {  // a first viewer, so that the baseline includes the stream's own threads
    auto c = d.client();
    CHECK(c.Get("/api/frame.mp4?src=pattern"));
  }
  std::this_thread::sleep_for(seconds(1));
  auto fds_before = open_fds(pid);
  auto until = steady_clock::now() + seconds(60);
  int joined = 0;
  while (steady_clock::now() < until) {
    std::vector<std::unique_ptr<child_process>> batch;
    for (int i = 0; i < 10; ++i, ++joined)
      batch.push_back(std::make_unique<child_process>(std::vector<std::string>{
          "curl", "-s", "-o", "/dev/null", "--max-time", std::to_string(1 + i % 3),
          d.http_url("/api/stream.mp4?src=pattern")}));
    for (auto& p : batch) p->wait(seconds(20));
  }
  MESSAGE(joined << " viewers joined and left");
  CHECK(joined >= 50);
  CHECK(consumers_gone(d, "pattern"));
  // Connections close at once; idle HTTP threads leave after 30 s.
  bool settled = false;
  for (int i = 0; i < 450 && !settled; ++i) {
    settled = open_fds(pid) <= fds_before + 2 && threads_of(pid) <= 40;
    if (!settled) std::this_thread::sleep_for(milliseconds(100));
  }
  CHECK(open_fds(pid) <= fds_before + 2);
  CHECK(threads_of(pid) <= 40);
  CHECK(d.process->wait(milliseconds(0)) == -1);  // still running
}

TEST_CASE("stream.mp4 of an H.265 stream carries it as hvc1 with its codec string; ffprobe decodes it") {
  daemon_process d{"streams:\n  hevc: \"test:?codec=h265&size=320x240&fps=25\"\n"};
  auto c = d.client();
  auto head = c.Get("/api/stream.mp4?src=hevc&duration=1");
  REQUIRE(head);
  CHECK(head->status == 200);
  CHECK(std::regex_match(head->get_header_value("Content-Type"), std::regex(R"(video/mp4; codecs="hvc1\.1\.6\.L\d+(\.[0-9A-F]+)*")")));
  auto [code, out] = ffprobe_count_streams(d.http_url("/api/stream.mp4?src=hevc&duration=3"));
  CHECK(code == 0);
  std::smatch m;
  REQUIRE(std::regex_search(out, m, std::regex(R"(hevc,320,240,(\d+))")));
  CHECK(std::stoi(m[1]) >= 60);
}
