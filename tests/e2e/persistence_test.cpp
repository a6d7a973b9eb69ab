// kill -9 during a PUT storm: every change that got a 200 survives, and the config
// file always parses (it is replaced atomically, never written in place).
#include <doctest/doctest.h>
#include <yaml-cpp/yaml.h>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>

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
