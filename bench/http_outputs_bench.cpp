// HTTP outputs against RTSP, one Switchyard run: daemon CPU (% of one core) and RSS
// for one 1280x720 25 fps H.264 camera (the restream camera, a separate process)
// re-served to N readers of MSE over /api/ws (WebSocket clients in this process),
// of stream.mp4 (ffmpeg) and of RTSP (ffmpeg), and go2rtc v1.9.9 (if present) with
// the same clients against the same camera in the same run; then time to first byte
// of stream.mp4, stream.mjpeg and frame.mp4 joining a watched stream.
//   http_outputs_bench [window seconds] [N...]   (default: 10 s; 1 10 50)
#include <gst/gst.h>
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <thread>

#include "bench/bench_util.hpp"
#include "bench/go2rtc_peer.hpp"
#include "bench/restream_camera.hpp"
#include "tests/support/daemon.hpp"
#include "tests/support/media_probe.hpp"
#include "tests/support/ws_client.hpp"

using namespace std::chrono;
using sy::test::child_process;

namespace {

std::vector<std::string> http_reader(const std::string& url) {
  return {"ffmpeg", "-nostdin", "-loglevel", "error", "-stats", "-i", url, "-c", "copy", "-f", "null", "-"};
}

void measure(const std::string& what, pid_t pid, int n, int window, const std::function<std::vector<std::string>()>& argv) {
  std::vector<std::unique_ptr<child_process>> readers;
  for (int i = 0; i < n; ++i) readers.push_back(std::make_unique<child_process>(argv()));
  std::this_thread::sleep_for(seconds(4 + n / 25));
  std::vector<int> start;
  for (auto& r : readers) start.push_back(sy::test::frames_so_far(r->output()));
  auto cpu0 = sy::bench::cpu_seconds(pid);
  auto t0 = steady_clock::now();
  std::this_thread::sleep_for(seconds(window));
  double cpu = (sy::bench::cpu_seconds(pid) - cpu0) / duration<double>(steady_clock::now() - t0).count() * 100;
  std::vector<double> fps;
  for (size_t i = 0; i < readers.size(); ++i)
    fps.push_back(double(sy::test::frames_so_far(readers[i]->output()) - start[i]) / window);
  std::printf("%-18s x %3d readers: CPU %5.1f %% of a core, RSS %5.1f MiB, frames/s per reader min %.1f median %.1f\n",
              what.c_str(), n, cpu, sy::bench::rss_mib(pid), sy::bench::percentile(fps, 0), sy::bench::percentile(fps, 50));
  readers.clear();
  std::this_thread::sleep_for(seconds(2));
}

// N MSE viewers over /api/ws, each a thread of this process that counts fragments
// (one per frame: moof boxes in the binary messages).
void measure_mse(const std::string& what, pid_t pid, int port, int n, int window) {
  std::atomic<bool> stop{false};
  std::vector<std::atomic<long>> frames(static_cast<size_t>(n));
  std::vector<std::thread> viewers;
  for (int i = 0; i < n; ++i)
    viewers.emplace_back([&, i] {
      sy::test::ws_client ws{port, "/api/ws?src=cam"};
      ws.send_text(R"({"type":"mse","value":"avc1.640029,mp4a.40.2"})");
      while (!stop) {
        auto f = ws.next(milliseconds(500));
        for (size_t at = f.payload.find("moof"); f.opcode == 2 && at != std::string::npos;
             at = f.payload.find("moof", at + 4))
          ++frames[size_t(i)];
      }
    });
  std::this_thread::sleep_for(seconds(4 + n / 25));
  std::vector<long> start;
  for (auto& f : frames) start.push_back(f.load());
  auto cpu0 = sy::bench::cpu_seconds(pid);
  auto t0 = steady_clock::now();
  std::this_thread::sleep_for(seconds(window));
  double cpu = (sy::bench::cpu_seconds(pid) - cpu0) / duration<double>(steady_clock::now() - t0).count() * 100;
  std::vector<double> fps;
  for (size_t i = 0; i < frames.size(); ++i) fps.push_back(double(frames[i].load() - start[i]) / window);
  std::printf("%-18s x %3d readers: CPU %5.1f %% of a core, RSS %5.1f MiB, frames/s per reader min %.1f median %.1f\n",
              what.c_str(), n, cpu, sy::bench::rss_mib(pid), sy::bench::percentile(fps, 0), sy::bench::percentile(fps, 50));
  stop = true;
  for (auto& v : viewers) v.join();
  std::this_thread::sleep_for(seconds(2));
}

// Seconds from the request to the first `bytes` bytes of the body.
double first_bytes(int port, const std::string& path, size_t bytes) {
  httplib::Client c{"127.0.0.1", port};
  c.set_read_timeout(20, 0);
  size_t got = 0;
  auto t0 = steady_clock::now();
  double at = -1;
  c.Get(path.c_str(), [&](const char*, size_t n) {
    got += n;
    if (got >= bytes) {
      at = duration<double>(steady_clock::now() - t0).count();
      return false;
    }
    return true;
  });
  return at;
}

}  // namespace

int main(int argc, char** argv) {
  gst_init(&argc, &argv);
  int window = argc > 1 ? std::atoi(argv[1]) : 10;
  std::vector<int> counts;
  for (int i = 2; i < argc; ++i) counts.push_back(std::atoi(argv[i]));
  if (counts.empty()) counts = {1, 10, 50};
  sy::bench::restream_camera camera;
  if (camera.url.empty()) return std::printf("http_outputs: cannot start the camera\n"), 1;
  sy::test::daemon_process d{"streams:\n  cam: \"" + camera.url + "\"\n"};
  auto mp4 = "http://127.0.0.1:" + std::to_string(d.api_port) + "/api/stream.mp4?src=cam";
  std::unique_ptr<sy::bench::go2rtc_peer> peer;
  if (!sy::bench::go2rtc_peer::binary().empty()) {
    peer = std::make_unique<sy::bench::go2rtc_peer>("streams:\n  cam: " + camera.url + "\n");
    if (!peer->up()) peer.reset();
  }
  for (int n : counts) {
    measure_mse("mse", d.process->pid(), d.api_port, n, window);
    if (peer) measure_mse("go2rtc mse", peer->process->pid(), peer->api_port, n, window);
    measure("stream.mp4", d.process->pid(), n, window, [&] { return http_reader(mp4); });
    if (peer) {
      auto url = "http://127.0.0.1:" + std::to_string(peer->api_port) + "/api/stream.mp4?src=cam";
      measure("go2rtc stream.mp4", peer->process->pid(), n, window, [&] { return http_reader(url); });
    }
    measure("rtsp", d.process->pid(), n, window, [&] { return sy::test::ffmpeg_reader_argv(d.rtsp_url("cam"), 3600); });
    if (peer)
      measure("go2rtc rtsp", peer->process->pid(), n, window,
              [&] { return sy::test::ffmpeg_reader_argv(peer->rtsp_url("cam"), 3600); });
  }
  // Joining a watched stream (one RTSP viewer keeps it up): the first fragment / JPEG.
  child_process keeper{sy::test::ffmpeg_reader_argv(d.rtsp_url("cam"), 3600)};
  std::this_thread::sleep_for(seconds(4));
  std::vector<double> mp4_t, mjpeg_t, frame_t;
  for (int i = 0; i < 5; ++i) {
    mp4_t.push_back(first_bytes(d.api_port, "/api/stream.mp4?src=cam", 4096));
    mjpeg_t.push_back(first_bytes(d.api_port, "/api/stream.mjpeg?src=cam", 4096));
    frame_t.push_back(first_bytes(d.api_port, "/api/frame.mp4?src=cam", 1));
    std::this_thread::sleep_for(milliseconds(700));
  }
  std::printf("joining a watched stream, median of 5: stream.mp4 first 4 KiB %.3f s, stream.mjpeg first 4 KiB %.3f s "
              "(the stream's encoder starts), frame.mp4 %.3f s\n",
              sy::bench::percentile(mp4_t, 50), sy::bench::percentile(mjpeg_t, 50), sy::bench::percentile(frame_t, 50));
  return 0;
}
