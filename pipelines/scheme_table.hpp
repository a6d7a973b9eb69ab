// The one table of source kinds: a row per URL scheme, saying how its launch text
// is built and who may create a source of it. A new kind of source is one row here
// (plus its builder in pipelines/source_launch.cpp). Pure.
#pragma once

#include <string>
#include <vector>

#include "pipelines/source_launch.hpp"

namespace sy {

enum class scheme_access : uint8_t {
  api,          // HTTP API, yardctl and the config file
  config_only,  // runs commands or arbitrary pipelines: the config file only
};

struct scheme_row {
  const char* scheme;
  scheme_access access;
  /// nullptr: a go2rtc scheme this build does not run (known, so that the API can
  /// answer "insecure producer" as go2rtc does, but never built).
  launch_result (*build)(const source_spec&);
};

const std::vector<scheme_row>& scheme_table();
/// The row of a (lower-case) scheme, nullptr if unknown.
const scheme_row* find_scheme(const std::string& scheme);
/// Schemes this build can run, in table order (GET /api/schemes).
std::vector<std::string> supported_schemes();

enum class source_verdict {
  ok,
  not_supported,  // "streams: source not supported"
  insecure,       // "streams: source from insecure producer"
  with_spaces,    // "streams: source with spaces may be insecure"
};

/// Whether `text` may become a stream source. `trusted` is true for sources from
/// the config file, which may use config_only schemes.
source_verdict check_source(const std::string& text, bool trusted);

/// go2rtc's error text for a verdict (without the trailing newline).
const char* verdict_text(source_verdict v);

/// Launch text for one source URL, through its scheme's builder.
launch_result source_launch(const std::string& url);

/// The URL the native RTSP reader (pipelines/hub/rtsp_reader.hpp) takes this source
/// as: plain rtsp:// over TCP (the default transport). Empty when the source needs
/// a GStreamer pipeline (rtsps://, #transport=udp, any other scheme).
std::string native_rtsp_url(const std::string& url);

}  // namespace sy
