// api_fixture: the HTTP API in-process, for route tests where a daemon process adds
// nothing: a real actor system, registry and config writer (on a config file in a
// temporary directory), and the real HTTP server on 127.0.0.1, port 0.
#pragma once

#include <httplib.h>

#include <memory>
#include <string>

#include "actors/protocol.hpp"
#include "api/http/http_server.hpp"
#include "tests/support/actor_fixture.hpp"

namespace sy::test {

class api_fixture {
 public:
  /// `yaml` is the config file's text; its streams are loaded as the daemon does.
  explicit api_fixture(const std::string& yaml);
  ~api_fixture();

  httplib::Client client() const;

  actor_env env;
  std::string dir;
  std::string config_path;
  registry_actor registry;
  int port = 0;

 private:
  config_writer_actor writer_;
  std::unique_ptr<http_server> http_;
};

/// The config text used by api tests: short stream timings plus `streams_yaml`.
std::string quick_config(const std::string& streams_yaml);

}  // namespace sy::test
