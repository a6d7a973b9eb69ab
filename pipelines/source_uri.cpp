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

bool is_stream_reference(const std::string& text) {
  return !text.empty() && text.find(':') == std::string::npos && text.find('/') == std::string::npos;
}

std::string loopback_rtsp_path(const std::string& url) {
  auto spec = parse_source(url);
  if (spec.scheme != "rtsp" || url.compare(0, 7, "rtsp://") != 0) return {};
  auto host_end = spec.url.find('/', 7);
  if (host_end == std::string::npos) return {};
  auto host = spec.url.substr(7, host_end - 7);
  if (host.find('@') != std::string::npos) return {};
  auto colon = host.rfind(':');
  if (colon != std::string::npos && host.back() != ']') host = host.substr(0, colon);
  if (host != "127.0.0.1" && host != "localhost" && host != "[::1]") return {};
  return spec.url.substr(host_end + 1, spec.url.find('?') == std::string::npos ? std::string::npos
                                                                              : spec.url.find('?') - host_end - 1);
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
