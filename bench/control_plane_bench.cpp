// Control plane: PUT+DELETE requests/s and latency with 16 and 64 keep-alive
// clients against a real daemon (changes persisted to its config file, fsync'd,
// group-committed). Prints figures; never fails on speed.
#include <gst/gst.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>

#include "bench/bench_util.hpp"
#include "tests/support/daemon.hpp"

using namespace std::chrono;

int main(int argc, char** argv) {
  gst_init(&argc, &argv);
  double seconds = argc > 1 ? std::atof(argv[1]) : 5.0;
  for (int clients : {16, 64}) {
    sy::test::daemon_process d;
    std::vector<std::vector<double>> latencies(static_cast<size_t>(clients));
    std::atomic<bool> go{true};
    std::atomic<long> errors{0};
    std::vector<std::thread> threads;
    auto start = steady_clock::now();
    for (int i = 0; i < clients; ++i)
      threads.emplace_back([&, i] {
        httplib::Client c("127.0.0.1", d.api_port);
        c.set_keep_alive(true);
        auto& lat = latencies[size_t(i)];
        for (int k = 0; go.load(); ++k) {
          auto name = "b" + std::to_string(i) + "_" + std::to_string(k % 16);
          auto t0 = steady_clock::now();
          auto put = sy::test::put_stream(c, name, "test:");
          auto t1 = steady_clock::now();
          auto del = c.Delete(("/api/streams?src=" + name).c_str());
          auto t2 = steady_clock::now();
          if (!put || put->status != 200 || !del || del->status != 200) {
            if (errors++ < 3)
              std::fprintf(stderr, "error: put %s, delete %s\n",
                           put ? std::to_string(put->status).c_str() : httplib::to_string(put.error()).c_str(),
                           del ? std::to_string(del->status).c_str() : httplib::to_string(del.error()).c_str());
          }
          lat.push_back(duration<double, std::milli>(t1 - t0).count());
          lat.push_back(duration<double, std::milli>(t2 - t1).count());
        }
      });
    std::this_thread::sleep_for(duration<double>(seconds));
    go = false;
    for (auto& t : threads) t.join();
    double elapsed = duration<double>(steady_clock::now() - start).count();
    std::vector<double> all;
    for (auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
    std::printf("control plane, %2d keep-alive clients: %8.0f req/s  p50 %.2f ms  p99 %.2f ms  (%zu requests, %ld errors, persisted)\n",
                clients, double(all.size()) / elapsed, sy::bench::percentile(all, 50), sy::bench::percentile(all, 99),
                all.size(), errors.load());
  }
  return 0;
}
