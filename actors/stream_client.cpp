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

caf::expected<stream_status> probe_stream(blocking_calls& calls, const registry_actor& registry,
                                          const std::string& name) {
  auto stream = calls.call<stream_actor>(registry, calls.timeouts().request, lookup_atom::value, name);
  if (!stream) return stream.error();
  return calls.call<stream_status>(*stream, calls.timeouts().media, probe_atom::value);
}

}  // namespace sy
