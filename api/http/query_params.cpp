#include "api/http/query_params.hpp"

namespace sy {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string decode_query_component(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '+') {
      out += ' ';
    } else if (c == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 && hex_value(text[i + 2]) >= 0) {
      out += char(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

httplib::Params parse_query(const std::string& target) {
  httplib::Params params;
  auto q = target.find('?');
  if (q == std::string::npos) return params;
  size_t pos = q + 1;
  while (pos <= target.size()) {
    auto end = target.find('&', pos);
    if (end == std::string::npos) end = target.size();
    if (end > pos) {
      auto item = target.substr(pos, end - pos);
      auto eq = item.find('=');
      auto key = decode_query_component(item.substr(0, eq));
      auto value = eq == std::string::npos ? std::string{} : decode_query_component(item.substr(eq + 1));
      params.emplace(std::move(key), std::move(value));
    }
    pos = end + 1;
  }
  return params;
}

}  // namespace sy
