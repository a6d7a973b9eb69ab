#include "actors/attach_client.hpp"

namespace sy {
namespace {

// The stream answers by itself when its own start timeout expires; the request
// waits a little longer so that the stream's reason, not a timeout, comes back.
constexpr auto reply_margin = std::chrono::seconds(2);

caf::expected<caf::actor> lookup(caf::actor_system& sys, const registry_actor& registry, const std::string& name) {
  if (!registry) return make_error(errc::shutting_down, "registry is gone");
  caf::scoped_actor self{sys};
  caf::expected<caf::actor> out{caf::actor{}};
  self->request(registry, std::chrono::seconds(5), lookup_atom::value, name)
      .receive([&](caf::actor& a) { out = std::move(a); }, [&](caf::error& e) { out = std::move(e); });
  return out;
}

}  // namespace

caf::expected<attachment> attach_stream(caf::actor_system& sys, const registry_actor& registry,
                                        const std::string& name, const std::string& kind,
                                        std::chrono::milliseconds timeout) {
  auto stream = lookup(sys, registry, name);
  if (!stream) return stream.error();
  caf::scoped_actor self{sys};
  caf::expected<attachment> out{attachment{}};
  self->request(*stream, timeout + reply_margin, attach_atom::value, kind)
      .receive([&](hub_ptr& hub) { out = attachment{*stream, std::move(hub)}; },
               [&](caf::error& e) { out = std::move(e); });
  return out;
}

void detach_stream(const caf::actor& stream, uint64_t id) {
  if (stream) caf::anon_send(stream, detach_atom::value, id);
}

caf::expected<stream_status> probe_stream(caf::actor_system& sys, const registry_actor& registry,
                                          const std::string& name, std::chrono::milliseconds timeout) {
  auto stream = lookup(sys, registry, name);
  if (!stream) return stream.error();
  caf::scoped_actor self{sys};
  caf::expected<stream_status> out{stream_status{}};
  self->request(*stream, timeout + reply_margin, probe_atom::value)
      .receive([&](stream_status& st) { out = std::move(st); }, [&](caf::error& e) { out = std::move(e); });
  return out;
}

}  // namespace sy
