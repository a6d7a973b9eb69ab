// Latency the relay adds: two RTSP clients in this process read the same camera,
// one directly and one through Switchyard. Codecs pass through untouched, so each
// H.264 access unit is identified by a hash of its last bytes; the added latency is
// the arrival-time difference of the same unit on both paths.
#include <gst/gst.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <mutex>
#include <thread>

#include "bench/appsink_reader.hpp"
#include "bench/bench_util.hpp"
#include "tests/support/daemon.hpp"
#include "tests/support/fake_camera.hpp"

namespace {

struct arrivals {
  std::mutex mutex;
  std::map<uint64_t, int64_t> at;  // unit hash -> monotonic us
};

uint64_t unit_hash(GstBuffer* buf) {
  GstMapInfo map;
  if (!gst_buffer_map(buf, &map, GST_MAP_READ)) return 0;
  uint64_t h = 1469598103934665603ull;
  size_t from = map.size > 64 ? map.size - 64 : 0;
  for (size_t i = from; i < map.size; ++i) h = (h ^ map.data[i]) * 1099511628211ull;
  gst_buffer_unmap(buf, &map);
  return h ^ map.size;
}

GstElement* reader(const std::string& url, const std::string& transport, arrivals& out) {
  return sy::bench::appsink_reader(
      "rtspsrc location=" + url + " protocols=" + transport + " latency=0 ! rtph264depay ! video/x-h264,alignment=au ! "
      "h264parse ! video/x-h264,stream-format=byte-stream,alignment=au ! appsink name=sink sync=false",
      [&out](GstBuffer* buf, int64_t now) {
        auto h = unit_hash(buf);
        std::lock_guard<std::mutex> lock{out.mutex};
        out.at.emplace(h, now);
      });
}

}  // namespace

int main(int argc, char** argv) {
  gst_init(&argc, &argv);
  sy::test::camera_options opts;
  opts.size = "640x360";
  sy::test::fake_camera cam{opts};
  cam.start();
  sy::test::daemon_process d{"streams:\n  cam: \"" + cam.url() + "\"\npreload:\n  cam: \"video\"\n"};
  std::this_thread::sleep_for(std::chrono::seconds(2));
  arrivals direct, relayed;
  std::string transport = argc > 2 ? argv[2] : "tcp";
  auto* a = reader(cam.url(), transport, direct);
  auto* b = reader(d.rtsp_url("cam"), transport, relayed);
  gst_element_set_state(a, GST_STATE_PLAYING);
  gst_element_set_state(b, GST_STATE_PLAYING);
  std::this_thread::sleep_for(std::chrono::seconds(argc > 1 ? std::atoi(argv[1]) : 10));
  gst_element_set_state(a, GST_STATE_NULL);
  gst_element_set_state(b, GST_STATE_NULL);
  std::vector<double> added;
  for (auto& [h, t] : relayed.at) {
    auto it = direct.at.find(h);
    if (it != direct.at.end()) added.push_back(double(t - it->second) / 1000.0);
  }
  std::printf("latency the relay adds (RTSP/%s readers, %zu matched frames): median %.2f ms, p90 %.2f ms, p99 %.2f ms\n",
              transport.c_str(), added.size(), sy::bench::percentile(added, 50), sy::bench::percentile(added, 90),
              sy::bench::percentile(added, 99));
  gst_object_unref(a);
  gst_object_unref(b);
  return 0;
}
