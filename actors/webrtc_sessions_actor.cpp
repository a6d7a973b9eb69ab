#include "actors/webrtc_sessions_actor.hpp"

#include <map>
#include <random>
#include <string>

namespace sy {
namespace {

struct sessions_state {
  static constexpr const char* name = "webrtc_sessions";
  std::map<std::string, webrtc_session_actor> by_id;
  std::map<caf::actor_addr, std::string> id_of;
  std::mt19937_64 random;

  // 16 characters of [0-9a-z]: unguessable enough for a Location, unique here.
  std::string add(const webrtc_session_actor& session) {
    static const char alphabet[] = "0123456789abcdefghijklmnopqrstuvwxyz";
    std::string id;
    do {
      id.clear();
      for (int i = 0; i < 16; ++i) id += alphabet[random() % 36];
    } while (by_id.count(id));
    by_id.emplace(id, session);
    id_of.emplace(session.address(), id);
    return id;
  }

  const webrtc_session_actor* find(const std::string& id) const {
    auto it = by_id.find(id);
    return it == by_id.end() ? nullptr : &it->second;
  }

  void forget(const caf::actor_addr& session) {
    auto it = id_of.find(session);
    if (it == id_of.end()) return;
    by_id.erase(it->second);
    id_of.erase(it);
  }
};

// `seed` for the ids. (It is also what CAF 0.17 needs: spawning a function with no
// argument but self binds a null std::tuple<>, which UBSan reports.)
webrtc_sessions_actor::behavior_type sessions_behavior(webrtc_sessions_actor::stateful_pointer<sessions_state> self,
                                                       uint64_t seed) {
  self->state.random.seed(seed);
  self->set_down_handler([self](caf::down_msg& down) { self->state.forget(down.source); });
  self->set_exit_handler([self](caf::exit_msg& exit) {
    for (auto& entry : self->state.by_id) self->send_exit(entry.second, exit.reason);
    self->quit(exit.reason);
  });
  return {
      [self](caf::put_atom, const webrtc_session_actor& session) {
        self->monitor(session);
        return self->state.add(session);
      },
      [self](candidate_atom, const std::string& id, const std::string& candidate) {
        auto* session = self->state.find(id);
        if (session) self->send(*session, candidate_atom::value, candidate);
        return session != nullptr;
      },
      [self](caf::delete_atom, const std::string& id) {
        auto* session = self->state.find(id);
        if (!session) return false;
        self->send(*session, caf::delete_atom::value);
        self->state.forget(session->address());  // a second DELETE finds none
        return true;
      },
  };
}

}  // namespace

webrtc_sessions_actor spawn_webrtc_sessions(caf::actor_system& sys) {
  return sys.spawn(sessions_behavior, uint64_t{std::random_device{}()});
}

}  // namespace sy
