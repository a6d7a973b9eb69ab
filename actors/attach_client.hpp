// Blocking attach for consumers that live on non-actor threads (HTTP handlers,
// gst-rtsp-server client threads): registry lookup, then attach to the stream
// actor, each with a timeout, each through its own scoped_actor.
#pragma once

#include <caf/all.hpp>

#include <chrono>
#include <string>

#include "actors/protocol.hpp"

namespace sy {

struct attachment {
  caf::actor stream;
  hub_ptr hub;
};

/// Looks `name` up and attaches a consumer of `kind`; `timeout` is the stream's
/// start timeout (the request allows a little more). Errors: errc::not_found,
/// errc::source_failed, or CAF's request_timeout.
caf::expected<attachment> attach_stream(caf::actor_system& sys, const registry_actor& registry,
                                        const std::string& name, const std::string& kind,
                                        std::chrono::milliseconds timeout);

/// Tells the stream the consumer with subscription `id` has left.
void detach_stream(const caf::actor& stream, uint64_t id);

/// Asks the stream to connect its source once and return its live status.
caf::expected<stream_status> probe_stream(caf::actor_system& sys, const registry_actor& registry,
                                          const std::string& name, std::chrono::milliseconds timeout);

}  // namespace sy
