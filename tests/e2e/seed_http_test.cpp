// The seed scenario over HTTP: the request pattern that crashed go2rtc with
// "concurrent map writes". 64 keep-alive clients x 500 mixed requests on shared
// and private names. Afterwards: no 5xx, no crash, the stream list equals a serial
// replay of every acknowledged change (ordered by X-Switchyard-Seq), and the config
// file equals the replay of the persisted ones (PUT and DELETE; PATCH is not).
#include <doctest/doctest.h>
#include <yaml-cpp/yaml.h>

#include <map>
#include <random>
#include <thread>

#include "tests/support/daemon.hpp"
#include "tests/support/durable_config.hpp"

using namespace sy::test;

namespace {

constexpr int clients = 64;
constexpr int requests_per_client = 500;

enum class kind { put, patch, del, list, get, bad };

struct record {
  kind k;
  std::string name;
  std::string source;
  int status = 0;
  uint64_t seq = 0;
};

void client_loop(int port, int id, std::vector<record>& log) {
  httplib::Client c("127.0.0.1", port);
  c.set_keep_alive(true);
  c.set_read_timeout(30, 0);
  std::mt19937 rng(uint32_t(id) * 104729u + 7u);
  for (int i = 0; i < requests_per_client; ++i) {
    record r;
    r.name = rng() % 10 < 6 ? "shared" + std::to_string(rng() % 8)
                            : "p" + std::to_string(id) + "_" + std::to_string(rng() % 4);
    auto roll = rng() % 100;
    r.k = roll < 30 ? kind::put : roll < 40 ? kind::patch : roll < 60 ? kind::del
        : roll < 75 ? kind::list : roll < 90 ? kind::get : kind::bad;
    r.source = "test:?fps=" + std::to_string(1 + rng() % 60);
    auto q = "name=" + url_encode(r.name) + "&src=" + url_encode(r.source);
    httplib::Result res{nullptr, httplib::Error::Unknown};
    switch (r.k) {
      case kind::put: res = c.Put(("/api/streams?" + q).c_str()); break;
      case kind::patch: res = c.Patch(("/api/streams?" + q).c_str(), "", "text/plain"); break;
      case kind::del: res = c.Delete(("/api/streams?src=" + url_encode(r.name)).c_str()); break;
      case kind::list: res = c.Get("/api/streams"); break;
      case kind::get: res = c.Get(("/api/streams?src=" + url_encode(r.name)).c_str()); break;
      case kind::bad: res = c.Put(("/api/streams?name=" + url_encode(r.name) + "&src=exec:evil").c_str()); break;
    }
    if (res) {
      r.status = res->status;
      auto seq = res->get_header_value("X-Switchyard-Seq");
      if (!seq.empty()) r.seq = std::stoull(seq);
    }
    log.push_back(r);
  }
}

}  // namespace

TEST_CASE("64 keep-alive clients x 500 mixed requests: no 5xx, no crash, state equals the serial replay") {
  daemon_process d;
  REQUIRE(d.api_port > 0);
  std::vector<std::vector<record>> logs(clients);
  std::vector<std::thread> threads;
  for (int i = 0; i < clients; ++i) threads.emplace_back(client_loop, d.api_port, i, std::ref(logs[size_t(i)]));
  for (auto& t : threads) t.join();

  std::vector<const record*> changes;
  int failures = 0, server_errors = 0;
  for (auto& log : logs)
    for (auto& r : log) {
      if (r.status >= 500 || r.status == 0) ++server_errors;
      bool expected = r.k == kind::bad ? r.status == 400
                    : r.k == kind::get ? (r.status == 200 || r.status == 404)
                                       : r.status == 200;
      if (!expected) ++failures;
      if ((r.k == kind::put || r.k == kind::patch || r.k == kind::del) && r.status == 200) changes.push_back(&r);
    }
  CHECK(server_errors == 0);
  CHECK(failures == 0);
  std::sort(changes.begin(), changes.end(), [](auto* a, auto* b) { return a->seq < b->seq; });
  for (size_t i = 0; i < changes.size(); ++i) REQUIRE(changes[i]->seq == i + 1);

  std::map<std::string, std::string> memory, file;
  for (auto* r : changes) {
    if (r->k == kind::del) {
      memory.erase(r->name);
      file.erase(r->name);
    } else {
      memory[r->name] = r->source;
      if (r->k == kind::put) file[r->name] = r->source;
    }
  }
  auto c = d.client();
  auto list = c.Get("/api/streams");
  REQUIRE(list);
  std::map<std::string, std::string> listed;
  auto doc = YAML::Load(list->body);  // JSON is YAML
  for (auto kv : doc) listed[kv.first.as<std::string>()] = kv.second["producers"][0]["url"].as<std::string>();
  CHECK(listed == memory);

  std::map<std::string, std::string> on_disk;
  auto cfg = durable_config(d.config_path);
  if (cfg["streams"] && cfg["streams"].IsMap())
    for (auto kv : cfg["streams"]) on_disk[kv.first.as<std::string>()] = kv.second.as<std::string>();
  CHECK(on_disk == file);

  CHECK(d.process->output().find("Sanitizer") == std::string::npos);
  CHECK(d.stop() == 0);
}
