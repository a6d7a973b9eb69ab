#include "actors/protocol.hpp"

namespace sy {
namespace {
constexpr auto category = caf::atom("switchyard");

const char* code_name(errc code) {
  switch (code) {
    case errc::none: return "none";
    case errc::invalid_name: return "invalid_name";
    case errc::no_sources: return "no_sources";
    case errc::source_not_supported: return "source_not_supported";
    case errc::insecure_source: return "insecure_source";
    case errc::source_with_spaces: return "source_with_spaces";
    case errc::not_found: return "not_found";
    case errc::already_exists: return "already_exists";
    case errc::source_failed: return "source_failed";
    case errc::persist_failed: return "persist_failed";
    case errc::shutting_down: return "shutting_down";
    case errc::expired: return "expired";
  }
  return "unknown";
}
}  // namespace

const char* state_name(stream_state s) {
  switch (s) {
    case stream_state::idle: return "idle";
    case stream_state::starting: return "starting";
    case stream_state::running: return "running";
    case stream_state::retrying: return "retrying";
    case stream_state::failed: return "failed";
  }
  return "unknown";
}

deadline deadline::after(std::chrono::milliseconds wait) {
  auto now = std::chrono::steady_clock::now().time_since_epoch();  // CLOCK_MONOTONIC
  return {std::chrono::duration_cast<std::chrono::nanoseconds>(now + wait).count()};
}

bool deadline::passed() const {
  auto now = std::chrono::steady_clock::now().time_since_epoch();
  return monotonic_ns != 0 && std::chrono::duration_cast<std::chrono::nanoseconds>(now).count() > monotonic_ns;
}

caf::error make_error(errc code, std::string text) {
  return caf::error(static_cast<uint8_t>(code), category, caf::make_message(std::move(text)));
}

errc error_code(const caf::error& err) {
  return err.category() == category ? static_cast<errc>(err.code()) : errc::none;
}

std::string error_text(const caf::error& err) {
  if (err.category() == category && err.context().match_elements<std::string>())
    return err.context().get_as<std::string>(0);
  if (err.category() == caf::atom("system"))
    return caf::to_string(static_cast<caf::sec>(err.code()));
  return caf::to_string(err);
}

void register_protocol(caf::actor_system_config& cfg) {
  cfg.add_message_type<track_info>("sy::track_info");
  cfg.add_message_type<std::vector<track_info>>("std::vector<sy::track_info>");
  cfg.add_message_type<consumer_info>("sy::consumer_info");
  cfg.add_message_type<std::vector<consumer_info>>("std::vector<sy::consumer_info>");
  cfg.add_message_type<stream_status>("sy::stream_status");
  cfg.add_message_type<stream_info>("sy::stream_info");
  cfg.add_message_type<std::vector<stream_info>>("std::vector<sy::stream_info>");
  cfg.add_message_type<origin>("sy::origin");
  cfg.add_message_type<put_mode>("sy::put_mode");
  cfg.add_message_type<deadline>("sy::deadline");
  cfg.add_message_type<put_request>("sy::put_request");
  cfg.add_message_type<std::vector<put_request>>("std::vector<sy::put_request>");
  cfg.add_message_type<change_ack>("sy::change_ack");
  cfg.add_message_type<stream_event>("sy::stream_event");
  cfg.add_message_type<stream_actor>("sy::stream_actor");
  cfg.add_message_type<stream_listener>("sy::stream_listener");
  cfg.add_message_type<webrtc_session_actor>("sy::webrtc_session_actor");
  cfg.add_error_category(category, [](uint8_t code, caf::atom_value, const caf::message& ctx) {
    auto out = std::string{"switchyard::"} + code_name(static_cast<errc>(code));
    if (ctx.match_elements<std::string>()) out += ": " + ctx.get_as<std::string>(0);
    return out;
  });
}

}  // namespace sy
