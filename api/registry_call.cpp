#include "api/registry_call.hpp"

#include <memory>

namespace sy {
namespace {
// Destroyed when the thread ends: HTTP pool threads end before the actor system.
thread_local std::unique_ptr<caf::scoped_actor> caller;
thread_local caf::actor_system* caller_system = nullptr;
}  // namespace

caf::scoped_actor& thread_caller(caf::actor_system& sys) {
  if (!caller || caller_system != &sys) {
    caller.reset();
    caller = std::make_unique<caf::scoped_actor>(sys, true);  // hidden: not a running actor
    caller_system = &sys;
  }
  return *caller;
}

void retire_thread_caller() {
  caller.reset();
  caller_system = nullptr;
}

}  // namespace sy
