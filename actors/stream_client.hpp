// stream_client: how a thread that is not an actor (an HTTP handler, an RTSP connection
// client thread) consumes a stream: registry lookup, then attach to the stream actor,
// through blocking_calls with the timeouts it carries.
#pragma once

#include <caf/all.hpp>

#include <string>
#include <vector>

#include "actors/blocking_calls.hpp"
#include "actors/protocol.hpp"

namespace sy {

struct attachment {
  stream_actor stream;
  lease held;
};

/// Looks `name` up (an alias resolves to its target) and attaches a consumer of
/// `kind`. Errors: errc::not_found, errc::source_failed (with the stream's reason),
/// errc::shutting_down, or CAF's request_timeout.
caf::expected<attachment> attach_stream(blocking_calls& calls, const registry_actor& registry,
                                        const std::string& name, consumer_kind kind);

/// For a consumer already `attached` that needs a `media` track in one of
/// `encodings` the stream's source lacks: the lease on the transcode that makes one
/// (see transcode_atom). Detach it like any attachment.
caf::expected<attachment> attach_transcode(blocking_calls& calls, const attachment& attached, consumer_kind kind,
                                           const std::string& media, std::vector<std::string> encodings);

/// Tells the stream the consumer holding lease `lease_id` has left.
void detach_stream(const stream_actor& stream, uint64_t lease_id);
inline void detach_stream(const attachment& att) { detach_stream(att.stream, att.held.id); }

/// A publisher (WHIP) for stream `name`: made for it if the name is free (see
/// publish_atom). Errors: errc::invalid_name, errc::already_exists (it has a
/// publisher), errc::shutting_down, or CAF's request_timeout.
caf::expected<attachment> publish_stream(blocking_calls& calls, const registry_actor& registry,
                                         const std::string& name);
/// Where a publisher's source events go: to the stream it feeds, under its lease.
source_notify_fn publisher_notify(const attachment& published);
/// The publisher of `name` left: its stream hears it, and the registry removes the
/// stream if it was made for it.
void unpublish_stream(const registry_actor& registry, const std::string& name, const attachment& published);

/// Asks the stream to connect its source once and return its live status.
caf::expected<stream_status> probe_stream(blocking_calls& calls, const registry_actor& registry,
                                          const std::string& name);

}  // namespace sy
