#include "actors/stream_client.hpp"

namespace sy {

caf::expected<attachment> attach_stream(blocking_calls& calls, const registry_actor& registry,
                                        const std::string& name, consumer_kind kind) {
  auto stream = calls.call<stream_actor>(registry, calls.timeouts().request, lookup_atom::value, name);
  if (!stream) return stream.error();
  auto held = calls.call<lease>(*stream, calls.timeouts().media, attach_atom::value, kind);
  if (!held) return held.error();
  return attachment{*stream, std::move(*held)};
}

void detach_stream(const stream_actor& stream, uint64_t lease_id) {
  if (stream) caf::anon_send(stream, detach_atom::value, lease_id);
}

caf::expected<attachment> attach_transcode(blocking_calls& calls, const attachment& attached, consumer_kind kind,
                                           const std::string& media, std::vector<std::string> encodings) {
  auto held = calls.call<lease>(attached.stream, calls.timeouts().media, transcode_atom::value, kind, media,
                                std::move(encodings));
  if (!held) return held.error();
  return attachment{attached.stream, *held};
}

caf::expected<attachment> publish_stream(blocking_calls& calls, const registry_actor& registry,
                                         const std::string& name) {
  auto stream = calls.call<stream_actor>(registry, calls.timeouts().request, publish_atom::value, name);
  if (!stream) return stream.error();
  auto held = calls.call<lease>(*stream, calls.timeouts().request, publish_atom::value);
  if (!held) {
    // A stream made for this publisher must not outlive it (one that has a
    // publisher already is that one's).
    if (error_code(held.error()) != errc::already_exists)
      caf::anon_send(registry, unpublish_atom::value, name, stream->address());
    return held.error();
  }
  return attachment{*stream, std::move(*held)};
}

source_notify_fn publisher_notify(const attachment& published) {
  return [addr = published.stream.address(), id = published.held.id](source_event ev) {
    if (auto stream = caf::actor_cast<stream_actor>(addr)) caf::anon_send(stream, pubevent_atom::value, id, std::move(ev));
  };
}

void unpublish_stream(const registry_actor& registry, const std::string& name, const attachment& published) {
  detach_stream(published);
  if (registry) caf::anon_send(registry, unpublish_atom::value, name, published.stream.address());
}

caf::expected<stream_status> probe_stream(blocking_calls& calls, const registry_actor& registry,
                                          const std::string& name) {
  auto stream = calls.call<stream_actor>(registry, calls.timeouts().request, lookup_atom::value, name);
  if (!stream) return stream.error();
  return calls.call<stream_status>(*stream, calls.timeouts().media, probe_atom::value);
}

}  // namespace sy
