#include "api/registry_call.hpp"

#include <memory>

namespace sy {

caf::scoped_actor& thread_caller(caf::actor_system& sys) {
  // Destroyed when the thread ends: HTTP pool threads end before the actor system.
  thread_local std::unique_ptr<caf::scoped_actor> self;
  thread_local caf::actor_system* owner = nullptr;
  if (!self || owner != &sys) {
    self.reset();
    self = std::make_unique<caf::scoped_actor>(sys, true);  // hidden: not a running actor
    owner = &sys;
  }
  auto& mailbox = (*self)->mailbox();
  while (mailbox.size() > 0) (*self)->dequeue();  // dequeue would block on an empty one
  return *self;
}

}  // namespace sy
