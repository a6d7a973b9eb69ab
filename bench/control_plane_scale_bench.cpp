// The control plane at scale (issue 10's workloads), Switchyard and go2rtc v1.9.9
// (if present) in the same run, each on a temporary config:
//  - storm: 64 keep-alive clients x 300 PUTs of new names (the registry grows from
//    0 to 19,200 streams), every answer checked;
//  - then one client deleting streams one by one for a few seconds;
//  - start-up with 10,000 configured streams: until the last one answers, RSS,
//    idle CPU, GET /api/streams of all; then a 64-client mix of PUT, PATCH, DELETE,
//    GET and GET-list on them;
//  - the first viewer of a lazy stream against one of an awake, idle stream;
//  - sequential PUT (new name) + DELETE with one client on a registry already
//    holding 100, 1,000 and 10,000 streams: does a change cost the same?
// Sources are rtsp://127.0.0.1:1/... (never watched, never connected).
//   control_plane_scale_bench [clients] [puts per client]   (default 64 300)
#include <gst/gst.h>
#include <httplib.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <functional>
#include <memory>
#include <random>
#include <thread>

#include "bench/bench_util.hpp"
#include "bench/go2rtc_peer.hpp"
#include "tests/support/daemon.hpp"

using namespace std::chrono;

namespace {

std::string put_path(const std::string& name) {
  return "/api/streams?name=" + name + "&src=rtsp%3A%2F%2F127.0.0.1%3A1%2F" + name;
}

void storm(const char* who, int port, int clients, int puts) {
  std::vector<std::vector<double>> latencies(static_cast<size_t>(clients));
  std::atomic<long> errors{0};
  std::atomic<bool> first_error{true};
  std::vector<std::thread> threads;
  auto start = steady_clock::now();
  for (int i = 0; i < clients; ++i)
    threads.emplace_back([&, i] {
      httplib::Client c("127.0.0.1", port);
      c.set_keep_alive(true);
      c.set_read_timeout(60, 0);
      for (int k = 0; k < puts; ++k) {
        auto t0 = steady_clock::now();
        auto res = c.Put(put_path("s" + std::to_string(i) + "_" + std::to_string(k)).c_str());
        latencies[size_t(i)].push_back(duration<double, std::milli>(steady_clock::now() - t0).count());
        if (!res || res->status != 200) {
          ++errors;
          if (first_error.exchange(false))
            std::printf("%-10s first error: %s\n", who,
                        res ? (std::to_string(res->status) + " " + res->body.substr(0, 80)).c_str()
                            : httplib::to_string(res.error()).c_str());
        }
      }
    });
  for (auto& t : threads) t.join();
  double elapsed = duration<double>(steady_clock::now() - start).count();
  std::vector<double> all;
  for (auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  std::printf("%-10s storm, %d clients x %d PUTs of new names: %7.0f req/s  p50 %.1f ms  p99 %.1f ms  %ld errors\n",
              who, clients, puts, double(all.size()) / elapsed, sy::bench::percentile(all, 50),
              sy::bench::percentile(all, 99), errors.load());
}

// One client, `op` per request for `seconds`: requests/s.
double sequential(int port, double seconds, const std::function<bool(httplib::Client&, int)>& op, long& errors) {
  httplib::Client c("127.0.0.1", port);
  c.set_keep_alive(true);
  c.set_read_timeout(60, 0);
  auto start = steady_clock::now();
  int n = 0;
  while (duration<double>(steady_clock::now() - start).count() < seconds)
    if (!op(c, n++)) ++errors;
  return n / duration<double>(steady_clock::now() - start).count();
}

void delete_one_by_one(const char* who, int port, int clients, int puts) {
  long errors = 0;
  double rate = sequential(port, 5, [&](httplib::Client& c, int n) {
    auto res = c.Delete(("/api/streams?src=s" + std::to_string(n % clients) + "_" + std::to_string(n / clients)).c_str());
    return res && res->status == 200;
  }, errors);
  (void)puts;
  std::printf("%-10s one client deleting them one by one: %7.0f DELETE/s  %ld errors\n", who, rate, errors);
}

std::string configured(int n) {
  std::string yaml = "streams:\n";
  for (int i = 0; i < n; ++i) yaml += "  pre" + std::to_string(i) + ": rtsp://127.0.0.1:1/pre" + std::to_string(i) + "\n";
  return yaml;
}

void sequential_at(const char* who, int port, int existing) {
  long errors = 0;
  std::string first_error;
  double put = sequential(port, 3, [&](httplib::Client& c, int n) {
    auto res = c.Put(put_path("q" + std::to_string(n)).c_str());
    if (res && res->status != 200 && first_error.empty()) first_error = std::to_string(res->status) + " " + res->body;
    return res && res->status == 200;
  }, errors);
  double del = sequential(port, 3, [](httplib::Client& c, int n) {
    auto res = c.Delete(("/api/streams?src=q" + std::to_string(n)).c_str());
    return res && res->status == 200;
  }, errors);
  std::printf("%-10s one client, %5d streams present: %6.0f PUT/s  %6.0f DELETE/s (persisted)  %ld errors %s\n", who,
              existing, put, del, errors, first_error.substr(0, 80).c_str());
}

// 64 keep-alive clients on a registry already holding `existing` streams, each
// request one of: PUT of a new name (40 %), PATCH of an existing one to a new source
// (25 %), DELETE of an existing one (25 %), GET of one stream (8 %), GET of the whole
// list (2 %).
void mixed(const char* who, int port, int clients, int requests, int existing, bool with_lists = true) {
  static const char* kinds[] = {"PUT", "PATCH", "DELETE", "GET", "GET-list"};
  // latencies[client][kind]: a slow kind shows in the tail without hiding in the mix
  std::vector<std::array<std::vector<double>, 5>> latencies(static_cast<size_t>(clients));
  std::atomic<long> errors{0};
  auto start = steady_clock::now();
  std::vector<std::thread> threads;
  for (int i = 0; i < clients; ++i)
    threads.emplace_back([&, i] {
      httplib::Client c("127.0.0.1", port);
      c.set_keep_alive(true);
      c.set_read_timeout(60, 0);
      std::mt19937 random{uint32_t(i)};
      for (int k = 0; k < requests; ++k) {
        // Each client works on its own slice of the existing names, so a DELETE or
        // PATCH finds its stream.
        auto mine = "pre" + std::to_string((i + clients * k) % existing);
        int dice = int(random() % 100);
        int kind = dice < 40 ? 0 : dice < 65 ? 1 : dice < 90 ? 2 : dice < 98 ? 3 : (with_lists ? 4 : 3);
        auto t0 = steady_clock::now();
        auto res = kind == 0   ? c.Put(put_path("m" + std::to_string(i) + "_" + std::to_string(k)).c_str())
                   : kind == 1 ? c.Patch(("/api/streams?name=" + mine + "&src=rtsp%3A%2F%2F127.0.0.1%3A1%2Fp" +
                                          std::to_string(k)).c_str())
                   : kind == 2 ? c.Delete(("/api/streams?src=" + mine).c_str())
                   : kind == 3 ? c.Get(("/api/streams?src=" + mine).c_str())
                               : c.Get("/api/streams");
        latencies[size_t(i)][size_t(kind)].push_back(duration<double, std::milli>(steady_clock::now() - t0).count());
        // A GET or PATCH of a name deleted earlier in the run answers 404: not an error.
        if (!res || (res->status != 200 && res->status != 404)) ++errors;
      }
    });
  for (auto& t : threads) t.join();
  double elapsed = duration<double>(steady_clock::now() - start).count();
  std::vector<double> all;
  std::string by_kind;
  for (size_t kind = 0; kind < 5; ++kind) {
    std::vector<double> these;
    for (auto& l : latencies) these.insert(these.end(), l[kind].begin(), l[kind].end());
    all.insert(all.end(), these.begin(), these.end());
    char line[96];
    std::snprintf(line, sizeof line, "%s%s p99 %.1f", by_kind.empty() ? "" : ", ", kinds[kind],
                  sy::bench::percentile(these, 99));
    by_kind += line;
  }
  std::printf("%-10s mix of %s, %d clients x %d on %d streams: %7.0f req/s  p50 %.1f ms  p99 %.1f ms  %ld errors "
              "(%s ms)\n",
              who, with_lists ? "PUT/PATCH/DELETE/GET/GET-list" : "PUT/PATCH/DELETE/GET (no GET-list)", clients, requests, existing, double(all.size()) / elapsed, sy::bench::percentile(all, 50),
              sy::bench::percentile(all, 99), errors.load(), by_kind.c_str());
}

// Time to the first stream.mp4 bytes of `n` lazy streams (no actor until this viewer)
// and of `n` whose actor is awake but idle (woken by a snapshot, source disconnected
// after the fixture's 2 s linger): what laziness adds to a first viewer. Medians.
void lazy_first_viewer(int n) {
  std::string yaml = "streams:\n";
  for (int i = 0; i < 2 * n; ++i) yaml += "  t" + std::to_string(i) + ": \"test:?size=320x240&fps=25\"\n";
  sy::test::daemon_process d{yaml};
  httplib::Client c("127.0.0.1", d.api_port);
  c.set_read_timeout(30, 0);
  for (int i = n; i < 2 * n; ++i) c.Get(("/api/frame.jpeg?src=t" + std::to_string(i)).c_str());
  std::this_thread::sleep_for(seconds(4));
  auto first_bytes = [&](int i) {
    auto t0 = steady_clock::now();
    c.Get(("/api/stream.mp4?src=t" + std::to_string(i)).c_str(), [](const char*, size_t) { return false; });
    return duration<double, std::milli>(steady_clock::now() - t0).count();
  };
  std::vector<double> lazy, awake;
  for (int i = 0; i < n; ++i) {  // interleaved, so drift in the machine's load hits both
    lazy.push_back(first_bytes(i));
    awake.push_back(first_bytes(n + i));
  }
  std::printf("switchyard first stream.mp4 bytes of an idle test: stream, %d each: lazy (no actor yet) %.0f ms, "
              "awake %.0f ms (medians)\n",
              n, sy::bench::percentile(lazy, 50), sy::bench::percentile(awake, 50));
}

// Start-up with `n` configured streams: `started` is when the process was spawned and
// `up_at` when it first answered; then until GET ?src=<last> answers, RSS 3 s later,
// CPU over the next 3 s (idle), and GET /api/streams of all of them.
void idle_scale(const char* who, int port, pid_t pid, steady_clock::time_point started, int n) {
  httplib::Client c("127.0.0.1", port);
  auto last = "/api/streams?src=pre" + std::to_string(n - 1);
  for (;;) {
    auto res = c.Get(last.c_str());
    if (res && res->status == 200) break;
    std::this_thread::sleep_for(milliseconds(2));
  }
  double serving = duration<double>(steady_clock::now() - started).count();
  std::this_thread::sleep_for(seconds(3));
  double rss = sy::bench::rss_mib(pid);
  double cpu0 = sy::bench::cpu_seconds(pid);
  std::this_thread::sleep_for(seconds(3));
  double idle = (sy::bench::cpu_seconds(pid) - cpu0) / 3 * 100;
  std::vector<double> lists;
  size_t bytes = 0;
  for (int i = 0; i < 5; ++i) {
    auto t0 = steady_clock::now();
    auto res = c.Get("/api/streams");
    lists.push_back(duration<double, std::milli>(steady_clock::now() - t0).count());
    bytes = res ? res->body.size() : 0;
  }
  std::printf("%-10s %5d streams configured: serving %.2f s  RSS %.1f MiB  idle CPU %.1f %%  GET /api/streams %.0f ms "
              "(%zu KB)\n",
              who, n, serving, rss, idle, sy::bench::percentile(lists, 50), bytes / 1024);
}

}  // namespace

int main(int argc, char** argv) {
  gst_init(&argc, &argv);
  int clients = argc > 1 ? std::atoi(argv[1]) : 64;
  int puts = argc > 2 ? std::atoi(argv[2]) : 300;
  // argv[3]: the parts to run, e.g. "idle,mixed" (all by default); "nolist" runs the
  // mix again with the GET-list share as single GETs, to show what listing costs.
  std::string parts = argc > 3 ? argv[3] : "storm,idle,mixed,nolist,lazy,sequential";
  auto part = [&](const char* name) { return parts.find(name) != std::string::npos; };
  bool peer = !sy::bench::go2rtc_peer::binary().empty();
  if (part("storm")) {
    sy::test::daemon_process d;
    storm("switchyard", d.api_port, clients, puts);
    delete_one_by_one("switchyard", d.api_port, clients, puts);
  }
  if (peer && part("storm")) {
    sy::bench::go2rtc_peer g{"streams:\n"};
    storm("go2rtc", g.api_port, clients, puts);
    std::printf("%-10s still answering after the storm: %s\n", "go2rtc", g.up() ? "yes" : "no (the process is gone)");
    if (g.up()) delete_one_by_one("go2rtc", g.api_port, clients, puts);
  }
  if (part("idle") || part("mixed") || part("nolist")) {
    auto t0 = steady_clock::now();
    sy::test::daemon_process d{configured(10000)};
    if (part("idle")) idle_scale("switchyard", d.api_port, d.process->pid(), t0, 10000);
    if (part("mixed")) mixed("switchyard", d.api_port, clients, puts, 10000);
    if (part("nolist")) mixed("switchyard", d.api_port, clients, puts, 10000, false);
  }
  if (peer && (part("idle") || part("mixed"))) {
    auto t0 = steady_clock::now();  // go2rtc_peer polls every 50 ms until it answers
    sy::bench::go2rtc_peer g{configured(10000)};
    if (part("idle")) idle_scale("go2rtc", g.api_port, g.process->pid(), t0, 10000);
    if (part("mixed")) mixed("go2rtc", g.api_port, clients, puts, 10000);
  }
  if (part("lazy")) lazy_first_viewer(20);
  for (int existing : {100, 1000, 10000}) {
    if (!part("sequential")) break;
    {
      sy::test::daemon_process d{configured(existing)};
      sequential_at("switchyard", d.api_port, existing);
    }
    if (peer) {
      sy::bench::go2rtc_peer g{configured(existing)};
      sequential_at("go2rtc", g.api_port, existing);
    }
  }
  return 0;
}
