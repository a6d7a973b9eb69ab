// Restream cost, side by side with go2rtc in the same run: CPU (% of one core) and
// RSS of each server for one 1280x720 25 fps H.264 camera re-served to N RTSP/TCP
// clients. The camera is a separate process looping a pre-encoded clip (no
// encoding); readers are `ffmpeg -rtsp_transport tcp -i URL -c copy -f null -`,
// each counting frames. go2rtc is ../shared/peers/go2rtc-1.9.9 (or $GO2RTC_BIN);
// without it only Switchyard is measured.
//   restream_bench [--streams K] [window seconds] [N...]   (default: 1 stream; 10 s; 1 10 50)
// With K streams (all from the same camera process, each its own connection to it),
// N readers watch each stream.
#include <gst/gst.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <thread>

#include "bench/bench_util.hpp"
#include "bench/go2rtc_peer.hpp"
#include "bench/restream_camera.hpp"
#include "tests/support/daemon.hpp"
#include "tests/support/media_probe.hpp"

using namespace std::chrono;
using sy::test::child_process;

namespace {

struct figures {
  double cpu = 0;  // % of one core
  double rss = 0;  // MiB
  double min_fps = 0;
  double median_fps = 0;
};

// N readers of each URL for `window` seconds, after a settling time; the server is `pid`.
figures measure(pid_t pid, const std::vector<std::string>& urls, int n, int window) {
  std::vector<std::unique_ptr<child_process>> readers;
  for (auto& url : urls)
    for (int i = 0; i < n; ++i)
      readers.push_back(std::make_unique<child_process>(sy::test::ffmpeg_reader_argv(url, 3600)));
  std::this_thread::sleep_for(seconds(4 + int(readers.size()) / 25));  // let every reader connect and settle
  auto cpu0 = sy::bench::cpu_seconds(pid);
  auto t0 = steady_clock::now();
  std::vector<int> start_frames;
  for (auto& r : readers) start_frames.push_back(sy::test::frames_so_far(r->output()));
  std::this_thread::sleep_for(seconds(window));
  figures f;
  f.cpu = (sy::bench::cpu_seconds(pid) - cpu0) / duration<double>(steady_clock::now() - t0).count() * 100;
  f.rss = sy::bench::rss_mib(pid);
  std::vector<double> fps;
  for (size_t i = 0; i < readers.size(); ++i)
    fps.push_back(double(sy::test::frames_so_far(readers[i]->output()) - start_frames[i]) / window);
  f.min_fps = sy::bench::percentile(fps, 0);
  f.median_fps = sy::bench::percentile(fps, 50);
  readers.clear();
  std::this_thread::sleep_for(seconds(2));
  return f;
}

void print(const char* server, int streams, int n, const figures& f) {
  std::printf("restream 720p25 H.264, %2d stream(s) x %3d RTSP clients, %-10s: CPU %5.1f %% of a core, "
              "RSS %5.1f MiB, frames/s per reader min %.1f median %.1f\n",
              streams, n, server, f.cpu, f.rss, f.min_fps, f.median_fps);
}

// The streams: section naming `k` streams cam0.. on the camera, and their RTSP paths.
std::string streams_yaml(int k, const std::string& camera) {
  std::string yaml = "streams:\n";
  for (int i = 0; i < k; ++i) yaml += "  cam" + std::to_string(i) + ": \"" + camera + "\"\n";
  return yaml;
}

}  // namespace

int main(int argc, char** argv) {
  gst_init(&argc, &argv);
  int first = 1, streams = 1;
  if (argc > 2 && std::string(argv[1]) == "--streams") {
    streams = std::max(1, std::atoi(argv[2]));
    first = 3;
  }
  int window = argc > first ? std::atoi(argv[first]) : 10;
  std::vector<int> counts;
  for (int i = first + 1; i < argc; ++i) counts.push_back(std::atoi(argv[i]));
  if (counts.empty()) counts = {1, 10, 50};
  sy::bench::restream_camera camera;
  if (camera.url.empty()) {
    std::printf("restream: cannot start the camera\n");
    return 1;
  }
  auto yaml = streams_yaml(streams, camera.url);
  sy::test::daemon_process d{yaml};
  std::unique_ptr<sy::bench::go2rtc_peer> peer;
  if (!sy::bench::go2rtc_peer::binary().empty()) {
    peer = std::make_unique<sy::bench::go2rtc_peer>(yaml);
    if (!peer->up()) peer.reset();
  }
  std::vector<std::string> ours_urls, their_urls;
  for (int i = 0; i < streams; ++i) {
    ours_urls.push_back(d.rtsp_url("cam" + std::to_string(i)));
    if (peer) their_urls.push_back(peer->rtsp_url("cam" + std::to_string(i)));
  }
  if (!peer) std::printf("restream: go2rtc not found (../shared/peers or $GO2RTC_BIN): Switchyard only\n");
  for (int n : counts) {
    auto ours = measure(d.process->pid(), ours_urls, n, window);
    print("switchyard", streams, n, ours);
    if (!peer) continue;
    auto theirs = measure(peer->process->pid(), their_urls, n, window);
    print("go2rtc", streams, n, theirs);
    std::printf("restream %2d stream(s) x %3d clients: CPU ratio switchyard/go2rtc %.2f, RSS ratio %.2f\n", streams, n,
                theirs.cpu > 0 ? ours.cpu / theirs.cpu : 0.0, theirs.rss > 0 ? ours.rss / theirs.rss : 0.0);
  }
  return 0;
}
