// Idle scale: start-up time and RSS of a daemon configured with 10,000 streams
// (none connected: streams are lazy), and the time to list them all.
#include <gst/gst.h>

#include <chrono>
#include <cstdio>
#include <fstream>

#include "bench/bench_util.hpp"
#include "tests/support/daemon.hpp"

using namespace std::chrono;

int main(int argc, char** argv) {
  gst_init(&argc, &argv);
  int streams = argc > 1 ? std::atoi(argv[1]) : 10000;
  std::string yaml = "streams:\n";
  for (int i = 0; i < streams; ++i)
    yaml += "  cam" + std::to_string(i) + ": rtsp://user:pass@127.0.0.1:1/cam" + std::to_string(i) + "\n";
  auto t0 = steady_clock::now();
  sy::test::daemon_process d{yaml};
  auto started = duration<double>(steady_clock::now() - t0).count();
  if (d.api_port <= 0) {
    std::printf("idle scale: daemon did not start\n");
    return 1;
  }
  auto rss = sy::bench::rss_mib(d.process->pid());
  auto c = d.client();
  auto t1 = steady_clock::now();
  auto list = c.Get("/api/streams");
  auto listed = duration<double, std::milli>(steady_clock::now() - t1).count();
  std::printf("idle scale, %d configured streams: start-up %.2f s (to the api listen line), RSS %.1f MiB, "
              "GET /api/streams %.0f ms (%zu bytes)\n",
              streams, started, rss, listed, list ? list->body.size() : 0);
  return 0;
}
