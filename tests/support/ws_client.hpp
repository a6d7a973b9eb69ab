// ws_client: a scripted WebSocket client for tests (RFC 6455 over a blocking
// loopback socket): the upgrade, masked frames out, frames in.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace sy::test {

class ws_client {
 public:
  /// Connects to 127.0.0.1:`port` and upgrades `path`; ok() tells whether the
  /// server answered 101 with the right accept key.
  ws_client(int port, const std::string& path);
  ~ws_client();
  bool ok() const { return ok_; }
  const std::string& handshake_reply() const { return reply_; }

  /// Sends one masked frame (fin set).
  bool send(uint8_t opcode, const std::string& payload);
  bool send_text(const std::string& text) { return send(1, text); }

  struct frame {
    uint8_t opcode = 0;  // 0: none came in time (or the connection ended)
    std::string payload;
  };
  /// The next frame from the server, waiting up to `timeout`.
  frame next(std::chrono::milliseconds timeout);
  /// Closes the socket without a close frame (a client that vanishes).
  void drop();

 private:
  bool fill(size_t want, std::chrono::steady_clock::time_point until);
  int fd_ = -1;
  bool ok_ = false;
  std::string reply_;
  std::string in_;
};

/// A client's frame as RFC 6455 sends it: `first` (FIN, RSV, opcode), the length
/// (payloads under 64 KiB), the mask and the masked payload.
std::string masked_frame(uint8_t first, const std::string& payload, const uint8_t mask[4]);

}  // namespace sy::test
