// rtsp_server actor: owns this node's RTSP mounts (one per stream).
//
// Spawned by main with the already-bound server (api/rtsp_server.hpp implements
// mount_target); the registry sends it (mount_atom, name) on create/replace and
// (unmount_atom, name) on replace/delete. Dies on exit; the server (and its
// clients) go with the last reference.
// Never: block (the server marshals mount changes to its own thread).
#pragma once

#include <caf/all.hpp>

#include <memory>
#include <string>

namespace sy {

/// What the actor drives: an RTSP server's mount table.
class mount_target {
 public:
  virtual ~mount_target() = default;
  virtual void mount(const std::string& name) = 0;
  virtual void unmount(const std::string& name) = 0;  // also closes the path's sessions
};

caf::actor spawn_rtsp_server_actor(caf::actor_system& sys, std::shared_ptr<mount_target> server);

}  // namespace sy
