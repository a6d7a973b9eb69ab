#include "pipelines/source_uri.hpp"

#include <algorithm>
#include <cctype>

namespace sy {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

void parse_pairs(const std::string& text, char sep, std::map<std::string, std::string>& out) {
  size_t pos = 0;
  while (pos <= text.size()) {
    auto end = text.find(sep, pos);
    if (end == std::string::npos) end = text.size();
    auto item = text.substr(pos, end - pos);
    if (!item.empty()) {
      auto eq = item.find('=');
      if (eq == std::string::npos) out[item] = "";
      else out[item.substr(0, eq)] = item.substr(eq + 1);
    }
    pos = end + 1;
  }
}

// Producers that run commands or arbitrary pipelines: allowed from the config file only.
bool is_insecure(const std::string& scheme) {
  return scheme == "exec" || scheme == "echo" || scheme == "expr" || scheme == "gst";
}

}  // namespace

source_spec parse_source(const std::string& text) {
  source_spec spec;
  auto hash = text.find('#');
  spec.url = text.substr(0, hash);
  if (hash != std::string::npos) parse_pairs(text.substr(hash + 1), '#', spec.options);
  auto colon = spec.url.find(':');
  if (colon != std::string::npos) spec.scheme = lower(spec.url.substr(0, colon));
  auto q = spec.url.find('?');
  if (q != std::string::npos) parse_pairs(spec.url.substr(q + 1), '&', spec.query);
  return spec;
}

const std::vector<std::string>& supported_schemes() {
  static const std::vector<std::string> schemes{"rtsp", "rtsps", "test"};
  return schemes;
}

source_verdict check_source(const std::string& text, bool trusted) {
  auto spec = parse_source(text);
  if (is_insecure(spec.scheme)) return trusted ? source_verdict::not_supported : source_verdict::insecure;
  if (text.find(' ') != std::string::npos) return source_verdict::with_spaces;
  auto& known = supported_schemes();
  if (std::find(known.begin(), known.end(), spec.scheme) == known.end())
    return source_verdict::not_supported;
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

std::string mask_credentials(const std::string& url) {
  auto scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return url;
  auto host_start = scheme_end + 3;
  auto path_start = url.find_first_of("/?#", host_start);
  auto at = url.rfind('@', path_start == std::string::npos ? url.size() : path_start);
  if (at == std::string::npos || at < host_start) return url;
  return url.substr(0, host_start) + "***" + url.substr(at);
}

}  // namespace sy
