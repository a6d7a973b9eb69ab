#include "pipelines/scheme_table.hpp"

#include "pipelines/transcode_launch.hpp"

namespace sy {

const std::vector<scheme_row>& scheme_table() {
  static const std::vector<scheme_row> rows{
      {"rtsp", scheme_access::api, rtsp_launch},
      {"rtsps", scheme_access::api, rtsp_launch},
      {"test", scheme_access::api, test_launch},
      // go2rtc's transcoder, built in GStreamer: decodes and encodes, runs no command.
      {"ffmpeg", scheme_access::api, ffmpeg_launch},
      // Switchyard's raw pipelines: whatever GStreamer can build, so never from the API.
      {"gst", scheme_access::config_only, gst_launch},
      // go2rtc's command runners: refused from the API with go2rtc's text, not built.
      {"exec", scheme_access::config_only, nullptr},
      {"echo", scheme_access::config_only, nullptr},
      {"expr", scheme_access::config_only, nullptr},
  };
  return rows;
}

const scheme_row* find_scheme(const std::string& scheme) {
  for (auto& row : scheme_table())
    if (scheme == row.scheme) return &row;
  return nullptr;
}

std::vector<std::string> supported_schemes() {
  std::vector<std::string> out;
  for (auto& row : scheme_table())
    if (row.build) out.push_back(row.scheme);
  return out;
}

source_verdict check_source(const std::string& text, bool trusted) {
  auto* row = find_scheme(parse_source(text).scheme);
  if (row && row->access == scheme_access::config_only && !trusted) return source_verdict::insecure;
  if (text.find(' ') != std::string::npos && !(row && trusted && row->access == scheme_access::config_only))
    return source_verdict::with_spaces;
  if (!row || !row->build) return source_verdict::not_supported;
  for (unsigned char c : text)
    if (c < 0x20 || c == 0x7f) return source_verdict::not_supported;
  return source_verdict::ok;
}

const char* verdict_text(source_verdict v) {
  switch (v) {
    case source_verdict::ok: return "";
    case source_verdict::not_supported: return "streams: source not supported";
    case source_verdict::insecure: return "streams: source from insecure producer";
    case source_verdict::with_spaces: return "streams: source with spaces may be insecure";
  }
  return "";
}

launch_result source_launch(const std::string& url) {
  auto spec = parse_source(url);
  auto* row = find_scheme(spec.scheme);
  if (!row || !row->build) return {{}, verdict_text(source_verdict::not_supported)};
  return row->build(spec);
}

std::string native_rtsp_url(const std::string& url) {
  auto spec = parse_source(url);
  auto transport = spec.options.count("transport") ? spec.options.at("transport") : "tcp";
  return spec.scheme == "rtsp" && transport == "tcp" ? spec.url : std::string{};
}

}  // namespace sy
