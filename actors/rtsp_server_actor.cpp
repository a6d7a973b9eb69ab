#include "actors/rtsp_server_actor.hpp"

#include "actors/protocol.hpp"

namespace sy {
namespace {

struct rtsp_state {
  std::shared_ptr<mount_target> server;
};

caf::behavior rtsp_behavior(caf::stateful_actor<rtsp_state>* self, std::shared_ptr<mount_target> server) {
  self->state.server = std::move(server);
  return {
      [=](mount_atom, const std::string& name) { self->state.server->mount(name); },
      [=](unmount_atom, const std::string& name) { self->state.server->unmount(name); },
  };
}

}  // namespace

caf::actor spawn_rtsp_server_actor(caf::actor_system& sys, std::shared_ptr<mount_target> server) {
  return sys.spawn(rtsp_behavior, std::move(server));
}

}  // namespace sy
