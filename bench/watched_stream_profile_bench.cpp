// Where the fixed cost of a watched stream goes: the daemon's CPU, thread by thread,
// for one 720p25 H.264 camera with one RTSP/TCP reader (GStreamer names its task
// threads after their element's pad). go2rtc's total for the same is printed beside
// it when ../shared/peers has it.
//   watched_stream_profile_bench [window seconds]      (default 20)
#include <gst/gst.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <thread>

#include "bench/bench_util.hpp"
#include "bench/go2rtc_peer.hpp"
#include "bench/restream_camera.hpp"
#include "tests/support/daemon.hpp"
#include "tests/support/media_probe.hpp"

using namespace std::chrono;

int main(int argc, char** argv) {
  gst_init(&argc, &argv);
  int window = argc > 1 ? std::atoi(argv[1]) : 20;
  sy::bench::restream_camera camera;
  if (camera.url.empty()) return std::printf("profile: cannot start the camera\n"), 1;
  sy::test::daemon_process d{"streams:\n  cam: \"" + camera.url + "\"\n"};
  auto pid = d.process->pid();
  sy::test::child_process reader(sy::test::ffmpeg_reader_argv(d.rtsp_url("cam"), 3600));
  std::this_thread::sleep_for(seconds(5));
  auto before = sy::bench::thread_cpu_seconds(pid);
  auto total0 = sy::bench::cpu_seconds(pid);
  auto t0 = steady_clock::now();
  std::this_thread::sleep_for(seconds(window));
  auto after = sy::bench::thread_cpu_seconds(pid);
  auto elapsed = duration<double>(steady_clock::now() - t0).count();
  auto total = (sy::bench::cpu_seconds(pid) - total0) / elapsed * 100;
  std::vector<std::pair<double, std::string>> rows;
  for (auto& [name, secs] : after) {
    auto used = (secs - (before.count(name) ? before[name] : 0.0)) / elapsed * 100;
    if (used > 0) rows.emplace_back(used, name);
  }
  std::sort(rows.rbegin(), rows.rend());
  std::printf("watched stream, 1 RTSP reader: switchyard CPU %.2f %% of a core over %d s; by thread:\n", total, window);
  for (auto& [used, name] : rows) std::printf("  %-16s %5.2f %%\n", name.c_str(), used);
  reader.signal(SIGKILL);
  if (sy::bench::go2rtc_peer::binary().empty()) return 0;
  sy::bench::go2rtc_peer peer{"streams:\n  cam: \"" + camera.url + "\"\n"};
  sy::test::child_process peer_reader(sy::test::ffmpeg_reader_argv(peer.rtsp_url("cam"), 3600));
  std::this_thread::sleep_for(seconds(5));
  auto p0 = sy::bench::cpu_seconds(peer.process->pid());
  t0 = steady_clock::now();
  std::this_thread::sleep_for(seconds(window));
  auto peer_total = (sy::bench::cpu_seconds(peer.process->pid()) - p0) /
                    duration<double>(steady_clock::now() - t0).count() * 100;
  std::printf("watched stream, 1 RTSP reader: go2rtc CPU %.2f %% of a core\n", peer_total);
  return 0;
}
