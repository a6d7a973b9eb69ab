#include "actors/webrtc_session_actor.hpp"

#include <malloc.h>

#include <chrono>

namespace sy {

bool webrtc_peer_parts::ended() const { return sender ? sender->ended() : !receiver || receiver->ended(); }

void webrtc_peer_parts::add_candidate(const std::string& candidate) {
  if (sender) sender->add_candidate(candidate);
  else if (receiver) receiver->add_candidate(candidate);
}

webrtc_peer_parts::~webrtc_peer_parts() {
  sender.reset();    // unsubscribes before the stream hears we left
  receiver.reset();  // pushes nothing more
  for (auto& t : transcodes) detach_stream(t);
  if (!dst.empty()) unpublish_stream(registry, dst, att);
  else detach_stream(att);  // ignores a session that never attached
}

namespace {

constexpr auto check_period = std::chrono::milliseconds(250);

// Runs as a one-shot detached actor: stopping webrtcbin can block.
// A session's webrtcbin and its threads' buffers leave glibc's arenas holding
// freed pages; handing them back after each teardown kept the daemon at 74 MiB
// instead of 96 MiB after 770 viewers of 20 at a time (both flat from the second
// round on: no leak, a high-water mark).
void destroy_parts(caf::blocking_actor*, webrtc_peer_parts* parts) {
  delete parts;
  malloc_trim(0);
}

struct session_state {
  static constexpr const char* name = "webrtc_session";
  std::unique_ptr<webrtc_peer_parts> parts;

  template <class Self>
  void on_tick(Self* self) {
    if (parts->ended()) return end(self);
    self->delayed_send(self, check_period, tick_atom::value);
  }

  template <class Self>
  void end(Self* self) {
    if (parts) self->system().template spawn<caf::detached>(destroy_parts, parts.release());
    self->quit();
  }
};

webrtc_session_actor::behavior_type session_behavior(webrtc_session_actor::stateful_pointer<session_state> self,
                                                     webrtc_peer_parts* parts) {
  self->state.parts.reset(parts);
  self->set_exit_handler([self](caf::exit_msg&) { self->state.end(self); });
  self->delayed_send(self, check_period, tick_atom::value);
  return {
      [self](candidate_atom, const std::string& candidate) {
        if (self->state.parts) self->state.parts->add_candidate(candidate);
      },
      [self](caf::delete_atom) { self->state.end(self); },
      [self](tick_atom) { self->state.on_tick(self); },
  };
}

}  // namespace

webrtc_session_actor spawn_webrtc_session(caf::actor_system& sys, std::unique_ptr<webrtc_peer_parts> parts) {
  return sys.spawn(session_behavior, parts.release());
}

}  // namespace sy
