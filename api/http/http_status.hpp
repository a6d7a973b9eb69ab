// The one table from errors to HTTP responses.
#pragma once

#include <httplib.h>

#include <caf/all.hpp>

#include <string>

namespace sy {

/// The HTTP status for an error (CAF's request timeout -> 504).
int http_status(const caf::error& err);

/// Writes the error as go2rtc does: plain text, message + "\n".
void send_error(httplib::Response& res, const caf::error& err);
void send_error(httplib::Response& res, int status, const std::string& text);
/// An output route that could not attach to its stream: 404 "stream not found", 503
/// with the source's reason, or the error's own status.
void send_attach_error(httplib::Response& res, const caf::error& err);
int attach_error_status(const caf::error& err);
std::string attach_error_text(const caf::error& err);

}  // namespace sy
