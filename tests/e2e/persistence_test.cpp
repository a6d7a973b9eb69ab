// kill -9 during a storm: every change that got a 200 survives (the journal has it
// before the answer), nothing unacknowledged appears from nowhere, and the config file
// always parses (it is replaced atomically, never written in place).
#include <doctest/doctest.h>
#include <yaml-cpp/yaml.h>

#include <rapidjson/document.h>

#include <atomic>
#include <chrono>
#include <algorithm>
#include <random>
#include <mutex>
#include <set>
#include <thread>

#include "tests/support/actor_fixture.hpp"
#include "tests/support/daemon.hpp"

using namespace sy::test;

TEST_CASE("kill -9 during a PUT storm loses no acknowledged stream and leaves a parseable file") {
  daemon_process d;
  std::set<std::string> acknowledged;
  for (int round = 0; round < 3; ++round) {
    CAPTURE(round);
    REQUIRE(d.api_port > 0);
    std::mutex mutex;
    std::atomic<bool> go{true};
    std::vector<std::thread> storm;
    for (int t = 0; t < 16; ++t)
      storm.emplace_back([&, t] {
        httplib::Client c("127.0.0.1", d.api_port);
        c.set_keep_alive(true);
        c.set_read_timeout(5, 0);
        for (int i = 0; go.load(); ++i) {
          auto name = "r" + std::to_string(round) + "t" + std::to_string(t) + "_" + std::to_string(i);
          auto res = put_stream(c, name, "test:?fps=" + std::to_string(1 + i % 30));
          if (!res) break;  // the daemon is gone
          if (res->status == 200) {
            std::lock_guard<std::mutex> lock{mutex};
            acknowledged.insert(name);
          }
        }
      });
    std::this_thread::sleep_for(std::chrono::milliseconds(700 + 400 * round));
    d.kill9();
    go = false;
    for (auto& t : storm) t.join();

    YAML::Node file;
    CHECK_NOTHROW(file = YAML::LoadFile(d.config_path));
    REQUIRE(d.start());
    auto list = d.client().Get("/api/streams");
    REQUIRE(list);
    auto doc = YAML::Load(list->body);
    size_t missing = 0;
    for (auto& name : acknowledged)
      if (!doc[name]) ++missing;
    CHECK(missing == 0);
    CHECK(acknowledged.size() > 0);
  }
  CHECK(d.stop() == 0);
}

namespace {

std::set<std::string> listed_names(const daemon_process& d) {
  auto list = d.client().Get("/api/streams");
  std::set<std::string> out;
  if (!list || list->status != 200) return out;
  rapidjson::Document doc;
  doc.Parse(list->body.c_str());
  if (!doc.IsObject()) return out;
  for (auto& m : doc.GetObject()) out.insert(m.name.GetString());
  return out;
}

std::set<std::string> yaml_stream_names(const YAML::Node& file) {
  std::set<std::string> out;
  if (file["streams"] && file["streams"].IsMap())
    for (auto kv : file["streams"]) out.insert(kv.first.as<std::string>());
  return out;
}

}  // namespace

TEST_CASE("kill -9 at random moments of a 64-client PUT/DELETE storm on 10,000 streams, 20 rounds: a restart has exactly the acknowledged set") {
  auto t0 = std::chrono::steady_clock::now();
  std::string yaml = "streams:\n";
  std::set<std::string> expected;
  for (int i = 0; i < 10000; ++i) {
    auto name = "pre" + std::to_string(i);
    yaml += "  " + name + ": rtsp://127.0.0.1:1/" + name + "\n";
    expected.insert(name);
  }
  daemon_process d{yaml};
  REQUIRE(d.api_port > 0);
  REQUIRE(listed_names(d) == expected);
  std::mt19937 random{20261201};
  for (int round = 0; round < 20; ++round) {
    CAPTURE(round);
    std::mutex mutex;
    std::set<std::string> put_sent, put_acked, delete_sent, delete_acked;
    std::atomic<bool> go{true};
    std::vector<std::string> victims(expected.begin(), expected.end());  // existing streams to delete
    std::shuffle(victims.begin(), victims.end(), random);
    std::vector<std::thread> storm;
    for (int t = 0; t < 64; ++t)
      storm.emplace_back([&, t] {
        httplib::Client c("127.0.0.1", d.api_port);
        c.set_keep_alive(true);
        c.set_read_timeout(10, 0);
        // Per four requests: two PUTs of new names, a DELETE of an existing stream and
        // one of this client's last PUT, so the registry stays near 10,000.
        std::string last_put;
        for (int i = 0; go.load(); ++i) {
          bool del = i % 2 == 1;
          auto name = !del       ? "r" + std::to_string(round) + "t" + std::to_string(t) + "_" + std::to_string(i)
                      : i % 4 == 1 ? victims[(size_t(t) + 64 * size_t(i / 4)) % victims.size()]
                                   : last_put;
          if (!del) last_put = name;
          {
            std::lock_guard<std::mutex> lock{mutex};
            (del ? delete_sent : put_sent).insert(name);
          }
          auto res = del ? c.Delete(("/api/streams?src=" + name).c_str())
                         : put_stream(c, name, "rtsp://127.0.0.1:1/" + name);
          if (!res) break;  // the daemon is gone
          if (res->status == 200) {
            std::lock_guard<std::mutex> lock{mutex};
            (del ? delete_acked : put_acked).insert(name);
          }
        }
      });
    // The kill lands at a random moment after the storm's first acknowledgement (a
    // sanitizer build can take longer than the shortest delay to answer at all).
    bool acked_any = eventually([&] {
      std::lock_guard<std::mutex> lock{mutex};
      return !put_acked.empty();
    }, std::chrono::seconds(20));
    std::this_thread::sleep_for(std::chrono::milliseconds(std::uniform_int_distribution<int>(0, 1300)(random)));
    d.kill9();
    go = false;
    for (auto& t : storm) t.join();

    YAML::Node file;
    REQUIRE_NOTHROW(file = YAML::LoadFile(d.config_path));  // the file always loads
    REQUIRE(d.start());
    auto now = listed_names(d);
    // Acknowledged: present (PUT) or absent (DELETE). Not acknowledged: either.
    // Nothing else changed.
    for (auto& n : put_acked) expected.insert(n);
    for (auto& n : delete_acked) expected.erase(n);
    size_t missing = 0, resurrected = 0, unexplained = 0;
    for (auto& n : expected)
      if (!now.count(n) && !delete_sent.count(n)) ++missing;
    for (auto& n : delete_acked)
      if (now.count(n)) ++resurrected;
    for (auto& n : now)
      if (!expected.count(n) && !put_sent.count(n)) ++unexplained;
    CHECK(missing == 0);
    CHECK(resurrected == 0);
    CHECK(unexplained == 0);
    CHECK(acked_any);
    // The restart replayed the journal: the YAML file itself catches up at once.
    CHECK(eventually([&] { return yaml_stream_names(YAML::LoadFile(d.config_path)) == now; },
                          std::chrono::seconds(3)));
    expected = now;
    MESSAGE("round " << round << ": " << put_acked.size() << " PUTs and " << delete_acked.size()
                     << " DELETEs acknowledged, " << now.size() << " streams, "
                     << std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() << " s");
  }
  CHECK(d.stop() == 0);
  CHECK(yaml_stream_names(YAML::LoadFile(d.config_path)) == expected);  // a clean stop leaves it complete
}
