// Real RTSP clients (ffprobe, ffmpeg) against a real daemon restreaming a fake camera.
#include <doctest/doctest.h>

#include <csignal>
#include <cstdio>
#include <atomic>
#include <future>
#include <regex>
#include <sstream>
#include <thread>

#include "tests/support/daemon.hpp"
#include "tests/support/fake_camera.hpp"
#include "tests/support/media_probe.hpp"
#include "tests/support/rtsp_raw_client.hpp"

using namespace sy::test;

TEST_CASE("ffprobe and ffmpeg read a test stream over RTSP/TCP and RTSP/UDP") {
  daemon_process d{"streams:\n  pattern: \"test:?size=640x360&fps=25\"\n"};
  auto probe = ffprobe_video(d.rtsp_url("pattern"));
  CHECK(probe.ok);
  CHECK(probe.codec == "h264");
  CHECK(probe.width == 640);
  CHECK(probe.height == 360);
  auto tcp = ffmpeg_count_frames(d.rtsp_url("pattern"), 3, "tcp");
  CHECK(tcp >= 60);  // 3 s at 25 fps, allowing for start-up
  auto udp = ffmpeg_count_frames(d.rtsp_url("pattern"), 3, "udp");
  CHECK(udp >= 60);
  auto missing = ffprobe_video(d.rtsp_url("nope"));
  CHECK_FALSE(missing.ok);
}

TEST_CASE("a camera's H.264 and AAC are restreamed untouched") {
  camera_options opts;
  opts.size = "352x288";
  opts.audio = "aac";
  fake_camera cam{opts};
  REQUIRE(cam.start() > 0);
  daemon_process d{"streams:\n  cam: \"" + cam.url() + "\"\n"};
  auto [code, out] = ffprobe_entries(d.rtsp_url("cam"), "stream=codec_name,width,height,sample_rate");
  CHECK(code == 0);
  CHECK(out.find("h264,352,288") != std::string::npos);
  CHECK(out.find("aac,16000") != std::string::npos);
}

TEST_CASE("a relay stream whose source is another Switchyard stream's RTSP URL plays") {
  daemon_process upstream{"streams:\n  origin: \"test:?size=320x240\"\n"};
  daemon_process relay{"streams:\n  relayed: \"" + upstream.rtsp_url("origin") + "\"\n"};
  auto probe = ffprobe_video(relay.rtsp_url("relayed"));
  CHECK(probe.ok);
  CHECK(probe.width == 320);
  CHECK(ffmpeg_count_frames(relay.rtsp_url("relayed"), 2) >= 35);
}

TEST_CASE("10 RTSP clients at once share one connection to the camera") {
  fake_camera cam;
  REQUIRE(cam.start() > 0);
  daemon_process d{"streams:\n  cam: \"" + cam.url() + "\"\n"};
  std::vector<std::future<int>> clients;
  for (int i = 0; i < 10; ++i)
    clients.push_back(std::async(std::launch::async, [&] { return ffmpeg_count_frames(d.rtsp_url("cam"), 4, "tcp", 180); }));
  int short_of_frames = 0;
  for (auto& f : clients) short_of_frames += f.get() >= 75 ? 0 : 1;
  CHECK(short_of_frames == 0);
  if (short_of_frames) std::fprintf(stderr, "daemon output:\n%s\n", d.process->output().c_str());
  CHECK(cam.client_count() == 1);
}

TEST_CASE("an alias made by PATCH shares its stream: GET shows the camera, RTSP plays, one camera connection") {
  fake_camera cam;
  REQUIRE(cam.start() > 0);
  daemon_process d{"streams:\n  cam: \"" + cam.url() + "\"\n"};
  auto c = d.client();
  auto patch = c.Patch("/api/streams?name=door&src=cam", "", "text/plain");
  REQUIRE(patch);
  CHECK(patch->status == 200);
  auto one = c.Get("/api/streams?src=door");
  REQUIRE(one);
  CHECK(one->body.find("\"url\": \"" + cam.url() + "\"") != std::string::npos);
  // A stream whose source names another stream shares it too (in-process, no RTSP hop).
  auto put = put_stream(c, "hall", "cam");
  REQUIRE(put);
  CHECK(put->status == 200);
  auto direct = std::async(std::launch::async, [&] { return ffmpeg_count_frames(d.rtsp_url("cam"), 4); });
  auto via_alias = std::async(std::launch::async, [&] { return ffmpeg_count_frames(d.rtsp_url("door"), 4); });
  auto via_source = std::async(std::launch::async, [&] { return ffmpeg_count_frames(d.rtsp_url("hall"), 4); });
  CHECK(direct.get() >= 75);
  CHECK(via_alias.get() >= 75);
  CHECK(via_source.get() >= 75);
  auto probe = ffprobe_video(d.rtsp_url("door"));
  CHECK(probe.ok);
  CHECK(probe.width == 320);
  CHECK(cam.client_count() == 1);
}

TEST_CASE("when the camera dies and comes back, a connected client gets frames again") {
  fake_camera cam;
  int port = cam.start();
  REQUIRE(port > 0);
  daemon_process d{"streams:\n  cam: \"" + cam.url() + "\"\n"};
  REQUIRE(ffprobe_video(d.rtsp_url("cam")).ok);
  child_process client{ffmpeg_reader_argv(d.rtsp_url("cam"), 60)};
  std::this_thread::sleep_for(std::chrono::seconds(3));
  auto before = frames_so_far(client.output());
  CHECK(before > 0);
  cam.stop();
  std::this_thread::sleep_for(std::chrono::seconds(3));
  auto during = frames_so_far(client.output());
  REQUIRE(cam.start(port) == port);
  std::this_thread::sleep_for(std::chrono::seconds(8));
  auto after = frames_so_far(client.output());
  CHECK(after - during >= 50);  // media flows again to the same client connection
  CHECK(client.wait(std::chrono::milliseconds(0)) == -1);  // which never dropped
  CHECK(cam.client_count() >= 2);  // the daemon reconnected to the camera
}

// gst-rtsp-server (the fake camera) seeks its shared media when another client plays
// it, which throws the camera's RTP clock back by seconds, as some cameras do when
// their encoder restarts. A viewer through Switchyard must see time go on.
TEST_CASE("when the camera's RTP clock jumps, a viewer's timestamps keep advancing with the frames") {
  fake_camera cam;
  REQUIRE(cam.start() > 0);
  daemon_process d{"streams:\n  cam: \"" + cam.url() + "\"\n"};
  REQUIRE(ffprobe_video(d.rtsp_url("cam")).ok);
  auto viewer = std::async(std::launch::async, [&] {
    return run_process({"ffprobe", "-v", "error", "-rtsp_transport", "tcp", "-select_streams", "v:0", "-read_intervals",
                        "%+#150", "-show_entries", "packet=pts_time", "-of", "csv=p=0", d.rtsp_url("cam")},
                       std::chrono::seconds(40));
  });
  for (int i = 0; i < 2; ++i) {  // two other clients of the camera, a few seconds apart
    std::this_thread::sleep_for(std::chrono::seconds(2));
    CHECK(ffprobe_video(cam.url()).ok);
  }
  auto [code, out] = viewer.get();
  REQUIRE(code == 0);
  std::vector<double> pts;
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);)
    if (!line.empty() && line != "N/A") pts.push_back(std::stod(line));
  REQUIRE(pts.size() >= 140);
  int stalled = 0, backwards = 0;
  for (size_t i = 1; i < pts.size(); ++i) {
    if (pts[i] < pts[i - 1]) ++backwards;
    else if (pts[i] - pts[i - 1] < 0.01) ++stalled;  // 25 fps: frames are 40 ms apart
  }
  CHECK(backwards == 0);
  // A frame cut by the camera's seek may reach the viewer in two parts with one
  // timestamp (at most once per jump); a clock held back would stall ~125 frames.
  CHECK(stalled <= 2);
  CHECK(pts.back() - pts.front() > 5.0);  // ~150 frames at 25 fps span about 6 s
}

TEST_CASE("deleting a stream ends its RTSP sessions promptly") {
  daemon_process d{"streams:\n  doomed: \"test:?size=320x240\"\n"};
  REQUIRE(ffprobe_video(d.rtsp_url("doomed")).ok);
  auto started = std::chrono::steady_clock::now();
  auto client = std::async(std::launch::async, [&] { return ffmpeg_count_frames(d.rtsp_url("doomed"), 60, "tcp", 90); });
  std::this_thread::sleep_for(std::chrono::seconds(3));
  auto c = d.client();
  REQUIRE(c.Delete("/api/streams?src=doomed"));
  client.wait();
  auto took = std::chrono::steady_clock::now() - started;
  CHECK(took < std::chrono::seconds(20));  // well before the 60 s the client asked for
  CHECK_FALSE(ffprobe_video(d.rtsp_url("doomed")).ok);
}

TEST_CASE("H.265 video and Opus, PCMU and AAC audio are restreamed untouched") {
  {
    daemon_process d{"streams:\n  hevc: \"test:?size=320x240&codec=h265\"\n  opus: \"test:?size=320x240&audio=opus\"\n"
                     "  pcma: \"test:?size=320x240&audio=pcma\"\n"};
    for (auto [name, expect] : {std::pair<std::string, std::string>{"hevc", "hevc,320,240"}, {"opus", "opus,48000"},
                                {"pcma", "pcm_alaw,8000"}}) {
      CAPTURE(name);
      auto [code, out] = ffprobe_entries(d.rtsp_url(name), "stream=codec_name,width,height,sample_rate");
      CHECK(code == 0);
      CHECK(out.find(expect) != std::string::npos);
    }
  }
  camera_options opts;
  opts.audio = "pcmu";
  fake_camera cam{opts};
  REQUIRE(cam.start() > 0);
  daemon_process d{"streams:\n  cam: \"" + cam.url() + "\"\n"};
  auto [code, out] = ffprobe_entries(d.rtsp_url("cam"), "stream=codec_name,sample_rate");
  CHECK(code == 0);
  CHECK(out.find("pcm_mulaw,8000") != std::string::npos);
}

TEST_CASE("a new RTSP client on a running stream starts on a keyframe") {
  camera_options opts;
  opts.gop = 100;  // 4 s: a client that waited for the next keyframe would often start mid-GOP
  fake_camera cam{opts};
  REQUIRE(cam.start() > 0);
  daemon_process d{"streams:\n  cam: \"" + cam.url() + "\"\npreload:\n  cam: video\n"};
  std::this_thread::sleep_for(std::chrono::seconds(2));
  for (int i = 0; i < 3; ++i) {
    auto [code, out] = first_video_packet_flags(d.rtsp_url("cam"), "tcp");
    CHECK(code == 0);
    CHECK(out.rfind("K", 0) == 0);  // the first packet carries the keyframe flag
    std::this_thread::sleep_for(std::chrono::milliseconds(700));
  }
}

TEST_CASE("a client that joins while another is watching starts on a keyframe, over TCP and UDP") {
  camera_options opts;
  opts.gop = 50;  // 2 s: joiners land mid-GOP
  fake_camera cam{opts};
  REQUIRE(cam.start() > 0);
  daemon_process d{"streams:\n  cam: \"" + cam.url() + "\"\n"};
  child_process watcher{ffmpeg_reader_argv(d.rtsp_url("cam"), 60)};  // keeps the stream watched
  for (int i = 0; i < 150 && frames_so_far(watcher.output()) < 25; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  REQUIRE(frames_so_far(watcher.output()) >= 25);
  for (std::string transport : {"tcp", "udp", "tcp", "udp"}) {
    CAPTURE(transport);
    auto [code, out] = first_video_packet_flags(d.rtsp_url("cam"), transport);
    CAPTURE(out);
    CHECK(code == 0);
    CHECK(out.rfind("K", 0) == 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(700));
  }
  auto before = frames_so_far(watcher.output());
  std::this_thread::sleep_for(std::chrono::seconds(2));
  CHECK(frames_so_far(watcher.output()) - before >= 35);  // the watcher never noticed the joiners
  {  // a joiner that vanishes while it waits for the keyframe (no TEARDOWN)
    child_process vanishing{ffmpeg_reader_argv(d.rtsp_url("cam"), 60)};
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    vanishing.signal(SIGKILL);
    vanishing.wait(std::chrono::seconds(10));
  }
  // Once everyone has left, the stream's RTSP output ends and lets go of the stream.
  watcher.signal(SIGINT);
  watcher.wait(std::chrono::seconds(10));
  auto c = d.client();
  bool released = false;
  for (int i = 0; i < 100 && !released; ++i) {
    auto res = c.Get("/api/streams?src=cam");
    released = res && std::regex_search(res->body, std::regex(R"("consumers":\s*null)"));
    if (!released) std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  CHECK(released);
}

TEST_CASE("a joiner of a watched stream gets a keyframe first and a whole frame within 0.5 s of PLAY, over TCP and UDP") {
  camera_options opts;
  opts.gop = 50;  // 2 s: waiting for the next keyframe would take 1 s on average
  fake_camera cam{opts};
  REQUIRE(cam.start() > 0);
  daemon_process d{"streams:\n  cam: \"" + cam.url() + "\"\n"};
  child_process watcher{ffmpeg_reader_argv(d.rtsp_url("cam"), 60)};
  for (int i = 0; i < 150 && frames_so_far(watcher.output()) < 25; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  REQUIRE(frames_so_far(watcher.output()) >= 25);
  int delay_ms = 0;
  for (std::string transport : {"tcp", "udp", "tcp", "udp", "tcp", "udp"}) {
    CAPTURE(transport);
    std::this_thread::sleep_for(std::chrono::milliseconds(300 + (delay_ms += 170) % 900));  // land anywhere in the GOP
    rtsp_raw_client joiner{d.rtsp_port, 1 << 20};
    REQUIRE_MESSAGE(joiner.play(d.rtsp_url("cam"), transport), joiner.error());
    auto first = joiner.read_first_video(3000);
    CAPTURE(first.first_packet_ms);
    CAPTURE(first.first_frame_ms);
    REQUIRE(first.received);
    CHECK(first.starts_on_keyframe);
    CHECK(first.first_frame_ms >= 0);
    CHECK(first.first_frame_ms < 500);
  }
  CHECK(watcher.wait(std::chrono::milliseconds(0)) == -1);  // the watcher kept going
}

// Each RTSP viewer has its own bounded queue: a slow one falls behind alone, loses
// its queue and resumes at a later keyframe, while the fast one keeps its frame rate.
TEST_CASE("a slow RTSP/TCP reader neither slows another viewer nor makes the daemon buffer without bound") {
  // ~250 KB/s of noise (it does not compress), read by one client at 10 KB/s.
  daemon_process d{"streams:\n  busy: \"test:?size=640x360&fps=25&bitrate=2000&pattern=snow\"\n"};
  rtsp_raw_client slow{d.rtsp_port};
  REQUIRE_MESSAGE(slow.play(d.rtsp_url("busy")), slow.error());
  std::atomic<bool> stop{false};
  std::atomic<long> slow_bytes{0};
  std::thread reader([&] {
    while (!stop) {
      auto n = slow.read_some(1024, 100);
      if (n < 0) break;  // the server gave up on it: allowed
      slow_bytes += n;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  });
  std::this_thread::sleep_for(std::chrono::seconds(10));  // the slow reader's backlog builds up
  auto rss_before = rss_mib(d.process->pid());
  constexpr int seconds = 50;  // 60 s of lag in all
  auto frames = ffmpeg_count_frames(d.rtsp_url("busy"), seconds, "tcp", seconds + 60);
  auto rss_after = rss_mib(d.process->pid());
  stop = true;
  reader.join();
  CHECK(frames >= seconds * 25 * 9 / 10);  // the other viewer keeps the full frame rate
  MESSAGE("daemon RSS grew " << rss_after - rss_before << " MiB while the slow reader lagged");
#if !defined(__SANITIZE_ADDRESS__)  // ASan's quarantine of freed memory grows RSS by itself
  CHECK(rss_after - rss_before < 8);  // MiB (~11 if the lag were buffered): it is dropped
#endif
  CHECK(slow_bytes < (seconds + 15) * 12 * 1024);  // it really read slowly (a test of the test)
  CHECK(d.process->wait(std::chrono::milliseconds(0)) == -1);  // still running
}
