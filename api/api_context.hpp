// What HTTP route handlers share: the actor system, the registry handle and the
// daemon facts that GET /api reports. Handlers hold no other state.
#pragma once

#include <caf/all.hpp>

#include <chrono>
#include <functional>
#include <string>

#include "actors/protocol.hpp"

namespace sy {

struct api_context {
  caf::actor_system* sys = nullptr;
  registry_actor registry;
  std::string config_path;        // absolute; empty when running on the embedded default
  std::string rtsp_listen;        // e.g. ":8554"
  std::string rtsp_default_query;
  std::chrono::milliseconds request_timeout{5000};   // registry calls
  std::chrono::milliseconds persist_timeout{30000};  // a taken change's config write
  std::chrono::milliseconds media_timeout{10000};    // waiting for a source's media
  std::function<void(int)> request_exit;             // POST /api/exit
};

}  // namespace sy
