// Source URLs: parsing go2rtc's `scheme:rest#opt=val#flag` form and deciding
// whether a source may be used. Pure: no GStreamer, no I/O.
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

enum class source_verdict {
  ok,
  not_supported,  // "streams: source not supported"
  insecure,       // "streams: source from insecure producer"
  with_spaces,    // "streams: source with spaces may be insecure"
};

/// Whether `text` may become a stream source. `trusted` is true for sources from
/// the config file, which may name insecure producers (gst:, exec:, ...).
source_verdict check_source(const std::string& text, bool trusted);

/// go2rtc's error text for a verdict (without the trailing newline).
const char* verdict_text(source_verdict v);

/// The schemes this build accepts, for GET /api/schemes.
const std::vector<std::string>& supported_schemes();

/// `scheme://user:pass@host/...` -> `scheme://***@host/...`; anything else unchanged.
std::string mask_credentials(const std::string& url);

}  // namespace sy
