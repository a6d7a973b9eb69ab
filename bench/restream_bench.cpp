// Restream cost: CPU% (of one core) and RSS of the daemon for one 1280x720 25 fps
// H.264 camera re-served to 1, 10 and 50 RTSP clients. The camera is a separate
// process looping a pre-encoded clip (no encoding); readers are
// `ffmpeg -rtsp_transport tcp -i URL -c copy -f null -`, each counting frames.
#include <gst/gst.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <regex>
#include <thread>

#include "bench/bench_util.hpp"
#include "tests/support/daemon.hpp"
#include "tests/support/media_probe.hpp"

using namespace std::chrono;
using sy::test::child_process;

int main(int argc, char** argv) {
  gst_init(&argc, &argv);
  std::string clip = "/tmp/switchyard-bench-720p25.h264";
  if (sy::test::run_process({"gst-launch-1.0", "-q", "videotestsrc", "num-buffers=250", "pattern=snow", "!",
                             "video/x-raw,width=1280,height=720,framerate=25/1", "!", "x264enc",
                             "speed-preset=ultrafast", "tune=zerolatency", "key-int-max=50", "bitrate=2000", "!",
                             "video/x-h264,stream-format=byte-stream", "!", "filesink", "location=" + clip},
                            seconds(120)).first != 0) {
    std::printf("restream: cannot encode the clip\n");
    return 1;
  }
  child_process camera({sy::test::program_path("FAKE_CAMERA_BIN"), "--clip", clip, "--fps", "25"});
  auto port_line = camera.wait_for("PORT ", seconds(20));
  auto cam_url = "rtsp://127.0.0.1:" + port_line.substr(5) + "/stream";
  sy::test::daemon_process d{"streams:\n  cam: \"" + cam_url + "\"\n"};
  int window = argc > 1 ? std::atoi(argv[1]) : 10;
  for (int n : {1, 10, 50}) {
    std::vector<std::unique_ptr<child_process>> readers;
    for (int i = 0; i < n; ++i)
      readers.push_back(std::make_unique<child_process>(sy::test::ffmpeg_reader_argv(d.rtsp_url("cam"), 3600)));
    std::this_thread::sleep_for(seconds(4));  // let every reader connect and settle
    auto pid = d.process->pid();
    auto cpu0 = sy::bench::cpu_seconds(pid);
    auto t0 = steady_clock::now();
    std::vector<int> start_frames;
    for (auto& r : readers) start_frames.push_back(sy::test::frames_so_far(r->output()));
    std::this_thread::sleep_for(seconds(window));
    auto cpu = (sy::bench::cpu_seconds(pid) - cpu0) / duration<double>(steady_clock::now() - t0).count() * 100;
    std::vector<double> fps;
    for (size_t i = 0; i < readers.size(); ++i)
      fps.push_back(double(sy::test::frames_so_far(readers[i]->output()) - start_frames[i]) / window);
    std::printf("restream 720p25 H.264 to %2d RTSP clients: daemon CPU %5.1f %% of a core, RSS %.1f MiB, "
                "frames/s per reader min %.1f median %.1f\n",
                n, cpu, sy::bench::rss_mib(pid), sy::bench::percentile(fps, 0), sy::bench::percentile(fps, 50));
    readers.clear();
    std::this_thread::sleep_for(seconds(1));
  }
  return 0;
}
