#include "actors/rtsp_mounts_actor.hpp"

namespace sy {
namespace {

struct mounts_state {
  static constexpr const char* name = "rtsp_mounts";
  std::shared_ptr<mount_target> server;

  // A mount replaces whatever was at that path and closes its sessions.
  void on_changed(const stream_event& ev) {
    if (ev.change == stream_event::removed) server->unmount(ev.name);
    else server->mount(ev.name);
  }
};

stream_listener::behavior_type mounts_behavior(stream_listener::stateful_pointer<mounts_state> self,
                                               std::shared_ptr<mount_target> server, registry_actor registry) {
  self->state.server = std::move(server);
  self->send(registry, subscribe_atom::value, caf::actor_cast<stream_listener>(self));
  return {
      [self](changed_atom, const stream_event& ev) { self->state.on_changed(ev); },
  };
}

}  // namespace

stream_listener spawn_rtsp_mounts(caf::actor_system& sys, std::shared_ptr<mount_target> server,
                                  const registry_actor& registry) {
  return sys.spawn(mounts_behavior, std::move(server), registry);
}

}  // namespace sy
