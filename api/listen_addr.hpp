// Where a server of this node listens (API, RTSP, yardctl), as go2rtc writes it.
#pragma once

#include <cstdint>
#include <string>

namespace sy {

struct listen_addr {
  std::string host;    // empty: all interfaces
  uint16_t port = 0;   // 0: any free port (tests)
};

/// Parses ":1984", "127.0.0.1:1984", "1984". Empty error on success.
std::string parse_listen(const std::string& text, listen_addr& out);

}  // namespace sy
