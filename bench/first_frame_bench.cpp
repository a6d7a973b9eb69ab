// Time to first decoded frame for a new ffmpeg RTSP client joining a stream that 5
// others watch, with a 2 s GOP (median of 10), through Switchyard and straight from
// the camera. The time includes ffmpeg's own start-up and probing (run alone
// against a stream that is ready, that is most of it).
#include <gst/gst.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <thread>

#include "bench/bench_util.hpp"
#include "tests/support/daemon.hpp"
#include "tests/support/fake_camera.hpp"
#include "tests/support/media_probe.hpp"

using namespace std::chrono;

double first_frame_seconds(const std::string& url) {
  auto t0 = steady_clock::now();
  auto [code, out] = sy::test::run_process({"ffmpeg", "-nostdin", "-v", "error", "-rtsp_transport", "tcp", "-i", url,
                                            "-frames:v", "1", "-f", "null", "-"},
                                           seconds(30));
  return code == 0 ? duration<double>(steady_clock::now() - t0).count() : -1;
}

int main(int argc, char** argv) {
  gst_init(&argc, &argv);
  sy::test::camera_options opts;
  opts.size = "1280x720";
  opts.gop = 50;  // 2 s at 25 fps
  sy::test::fake_camera cam{opts};
  cam.start();
  sy::test::daemon_process d{"streams:\n  cam: \"" + cam.url() + "\"\npreload:\n  cam: \"video\"\n"};
  std::vector<std::unique_ptr<sy::test::child_process>> watchers;
  for (int i = 0; i < 5; ++i)
    watchers.push_back(std::make_unique<sy::test::child_process>(sy::test::ffmpeg_reader_argv(d.rtsp_url("cam"), 600)));
  std::this_thread::sleep_for(seconds(4));  // the stream is running and watched
  std::vector<double> relay, direct;
  for (int i = 0; i < 10; ++i) {
    relay.push_back(first_frame_seconds(d.rtsp_url("cam")));
    direct.push_back(first_frame_seconds(cam.url()));
    std::this_thread::sleep_for(milliseconds(337 * (i % 3)));  // land at different GOP phases
  }
  std::printf("time to first decoded frame, joining 5 watchers (2 s GOP, median of 10): via switchyard %.2f s (p90 %.2f), "
              "camera direct %.2f s (p90 %.2f)\n",
              sy::bench::percentile(relay, 50), sy::bench::percentile(relay, 90),
              sy::bench::percentile(direct, 50), sy::bench::percentile(direct, 90));
  return 0;
}
