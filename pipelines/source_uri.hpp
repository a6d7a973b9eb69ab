// Source URLs: parsing go2rtc's `scheme:rest#opt=val#flag` form, telling a stream
// name from a URL, and masking credentials. Pure: no GStreamer, no I/O.
// Which schemes exist and may be used: pipelines/scheme_table.hpp.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace sy {

struct source_spec {
  std::string scheme;  // lower-case: "rtsp", "rtsps", "test", ...
  std::string url;     // the URL without its #options
  std::map<std::string, std::string> options;  // #key=value (a bare #flag maps to "")
  std::map<std::string, std::string> query;    // ?key=value of the URL itself
};

/// Splits a source URL into scheme, URL, query and #options.
source_spec parse_source(const std::string& text);

/// A source that names another stream instead of a URL (no scheme: "cam1", "camera.x").
/// Whether that stream exists is the registry's to say.
bool is_stream_reference(const std::string& text);

/// For rtsp://HOST[:PORT]/PATH with a loopback HOST (127.0.0.1, localhost, [::1]):
/// PATH without its query; empty for anything else. go2rtc treats such a URL as
/// naming one of its own streams.
std::string loopback_rtsp_path(const std::string& url);

/// `scheme://user:pass@host/...` -> `scheme://***@host/...`; anything else unchanged.
std::string mask_credentials(const std::string& url);

}  // namespace sy
