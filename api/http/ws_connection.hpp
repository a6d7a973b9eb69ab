// ws_connection: a WebSocket over a connection taken over from the HTTP server
// (blocking I/O with timeouts, on that connection's pool thread). Answers pings and
// the close handshake itself; hands complete text messages to the caller.
#pragma once

#include <httplib.h>

#include <functional>
#include <string>

#include "api/http/ws_frame.hpp"

namespace sy {

class ws_connection {
 public:
  static constexpr size_t max_message = 1024 * 1024;

  explicit ws_connection(socket_t sock) : sock_(sock) {}

  enum class event { message, idle, closed };
  /// Waits up to `timeout_ms` for what the client sends. `message`: a whole text
  /// message is in `text`; `idle`: nothing (yet); `closed`: the client closed, broke
  /// the protocol or went away (the close handshake is done as far as it can be).
  event poll(int timeout_ms, std::string& text);

  /// False once the connection is unusable (the client stopped reading for 10 s).
  bool send_text(const std::string& text);
  bool send_binary(const std::string& bytes);
  /// Sends a close frame (code, reason) and stops sending.
  void close(uint16_t code, const std::string& reason);

 private:
  bool send_all(const std::string& bytes);
  bool read_some(int timeout_ms);

  socket_t sock_;
  std::string in_;       // bytes read, not parsed yet
  std::string message_;  // a fragmented message so far
  uint8_t message_opcode_ = 0;
  bool closed_ = false;
};

}  // namespace sy
