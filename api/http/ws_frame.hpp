// ws_frame: RFC 6455 framing, pure: the handshake's accept key, a client frame
// parsed (it must be masked), a server frame built (never masked).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace sy {

enum ws_opcode : uint8_t { ws_continuation = 0, ws_text = 1, ws_binary = 2, ws_close = 8, ws_ping = 9, ws_pong = 10 };

struct ws_frame {
  bool fin = false;
  uint8_t opcode = 0;
  std::string payload;  // unmasked
};

/// Sec-WebSocket-Accept for a client's Sec-WebSocket-Key.
std::string ws_accept_key(const std::string& client_key);

/// Parses one client frame at the front of `data`: bytes used, 0 if more bytes are
/// needed, -1 if it breaks the protocol (unmasked, reserved bits or opcodes, a
/// control frame that is fragmented or over 125 bytes, a payload over `max_payload`).
long parse_ws_frame(const char* data, size_t size, ws_frame& out, size_t max_payload);

/// One final server frame.
std::string ws_frame_bytes(uint8_t opcode, const std::string& payload);
/// Just its header (the payload follows, so that a large one is not copied).
std::string ws_frame_header(uint8_t opcode, size_t payload_size);

}  // namespace sy
