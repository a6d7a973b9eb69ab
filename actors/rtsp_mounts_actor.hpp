// rtsp_mounts actor: keeps this node's RTSP mount table in step with the registry.
//
// Spawned by main with the already-bound server (api/rtsp/rtsp_server.hpp implements
// mount_target); it subscribes itself to the registry's stream events: `added`
// mounts rtsp://host:port/NAME, `replaced` and `removed` unmount it, closing the
// path's client sessions (and `replaced` mounts it again). Dies on exit; the server
// (and its clients) go with the last reference.
// Never: block (the server marshals mount changes to its own thread).
#pragma once

#include <caf/all.hpp>

#include <memory>
#include <string>

#include "actors/protocol.hpp"

namespace sy {

/// What the actor drives: an RTSP server's mount table.
class mount_target {
 public:
  virtual ~mount_target() = default;
  virtual void mount(const std::string& name) = 0;
  virtual void unmount(const std::string& name) = 0;  // also closes the path's sessions
};

stream_listener spawn_rtsp_mounts(caf::actor_system& sys, std::shared_ptr<mount_target> server,
                                  const registry_actor& registry);

}  // namespace sy
