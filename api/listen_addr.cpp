#include "api/listen_addr.hpp"

namespace sy {

std::string parse_listen(const std::string& text, listen_addr& out) {
  auto colon = text.rfind(':');
  auto host = colon == std::string::npos ? std::string{} : text.substr(0, colon);
  auto port = colon == std::string::npos ? text : text.substr(colon + 1);
  if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos)
    return "bad listen address '" + text + "'";
  auto value = std::stoul(port);
  if (value > 65535) return "bad port in '" + text + "'";
  out.host = host;
  out.port = uint16_t(value);
  return {};
}

}  // namespace sy
