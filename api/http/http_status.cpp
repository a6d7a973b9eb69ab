#include "api/http/http_status.hpp"

#include "actors/protocol.hpp"

namespace sy {

int http_status(const caf::error& err) {
  switch (error_code(err)) {
    case errc::invalid_name:
    case errc::no_sources:
    case errc::source_not_supported:
    case errc::insecure_source:
    case errc::source_with_spaces: return 400;
    case errc::not_found: return 404;
    case errc::already_exists: return 409;
    case errc::source_failed: return 500;
    case errc::persist_failed: return 500;
    case errc::shutting_down:
    case errc::expired: return 503;
    case errc::none: break;
  }
  if (err == caf::sec::request_timeout) return 504;
  return 500;
}

void send_error(httplib::Response& res, int status, const std::string& text) {
  res.status = status;
  res.set_content(text + "\n", "text/plain; charset=utf-8");
}

void send_error(httplib::Response& res, const caf::error& err) {
  send_error(res, http_status(err), error_text(err));
}

int attach_error_status(const caf::error& err) {
  if (error_code(err) == errc::source_failed) return 503;
  return http_status(err);
}

std::string attach_error_text(const caf::error& err) {
  return error_code(err) == errc::not_found ? "stream not found" : error_text(err);
}

void send_attach_error(httplib::Response& res, const caf::error& err) {
  send_error(res, attach_error_status(err), attach_error_text(err));
}

}  // namespace sy
