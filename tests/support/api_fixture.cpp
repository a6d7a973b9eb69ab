#include "tests/support/api_fixture.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "actors/config_writer_actor.hpp"
#include "actors/registry_actor.hpp"
#include "daemon/daemon_config.hpp"
#include "tests/support/daemon.hpp"

namespace sy::test {

std::string quick_config(const std::string& streams_yaml) {
  return "# written by the test fixture\n"
         "switchyard:\n  linger: 2s\n  start_timeout: 8s\n  backoff_min: 500ms\n  backoff_max: 2s\n"
         "  stall_timeout: 4s\n" +
         streams_yaml;
}

api_fixture::api_fixture(const std::string& yaml) : dir(make_temp_dir()) {
  config_path = dir + "/switchyard.yaml";
  std::ofstream(config_path) << yaml;
  daemon_config cfg;
  REQUIRE(apply_config_text(yaml, cfg) == "");
  writer_ = spawn_config_writer(env.sys, config_path, yaml);
  registry = spawn_registry(env.sys, {cfg.stream, writer_});
  for (auto& [name, sources] : cfg.streams)
    REQUIRE(ask<change_ack>(env.calls, registry, caf::put_atom::value,
                            put_request{name, sources, origin::config, put_mode::upsert}, deadline{}));
  api_context ctx;
  ctx.calls = &env.calls;
  ctx.registry = registry;
  ctx.config_path = config_path;
  ctx.rtsp_listen = "127.0.0.1:8554";
  ctx.rtsp_default_query = cfg.rtsp_default_query;
  http_ = std::make_unique<http_server>(ctx, 32);
  port = http_->bind({"127.0.0.1", 0});
  REQUIRE(port > 0);
  http_->start();
}

api_fixture::~api_fixture() {
  http_.reset();
  caf::anon_send_exit(registry, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(writer_, caf::exit_reason::user_shutdown);
  registry = nullptr;
  writer_ = nullptr;
  env.calls.close();
  env.sys.await_all_actors_done();
  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);
}

httplib::Client api_fixture::client() const {
  httplib::Client c{"127.0.0.1", port};
  c.set_read_timeout(std::chrono::seconds(30));
  return c;
}

}  // namespace sy::test
