#include "api/http/ws_connection.hpp"

#include "api/http/socket_poll.hpp"

#include <poll.h>
#include <sys/socket.h>

#include <cerrno>

namespace sy {
namespace {

constexpr int send_timeout_ms = 10000;

}  // namespace

bool ws_connection::send_all(const std::string& bytes) {
  if (closed_) return false;
  for (size_t off = 0; off < bytes.size();) {
    if (!poll_socket(sock_, POLLOUT, send_timeout_ms)) return closed_ = true, false;
    auto n = ::send(sock_, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return closed_ = true, false;
    off += size_t(n);
  }
  return true;
}

bool ws_connection::send_text(const std::string& text) { return send_all(ws_frame_bytes(ws_text, text)); }

bool ws_connection::send_binary(const std::string& bytes) {
  return send_all(ws_frame_header(ws_binary, bytes.size())) && send_all(bytes);
}

void ws_connection::close(uint16_t code, const std::string& reason) {
  std::string body{char(code >> 8), char(code & 0xFF)};
  send_all(ws_frame_bytes(ws_close, body + reason.substr(0, 123)));
  closed_ = true;
}

bool ws_connection::read_some(int timeout_ms) {
  if (!poll_socket(sock_, POLLIN, timeout_ms)) return true;  // nothing: not an error
  char buf[16384];
  auto n = ::recv(sock_, buf, sizeof buf, 0);
  if (n < 0 && (errno == EINTR || errno == EAGAIN)) return true;
  if (n <= 0) return false;
  in_.append(buf, size_t(n));
  return true;
}

ws_connection::event ws_connection::poll(int timeout_ms, std::string& text) {
  if (closed_) return event::closed;
  bool waited = false;  // what was read before is used first; then one wait
  while (true) {
    ws_frame f;
    auto used = parse_ws_frame(in_.data(), in_.size(), f, max_message);
    if (used == 0) {
      if (waited) return event::idle;
      if (!read_some(timeout_ms)) return closed_ = true, event::closed;
      waited = true;
      continue;
    }
    if (used < 0) {
      close(1002, "protocol error");
      return event::closed;
    }
    in_.erase(0, size_t(used));
    switch (f.opcode) {
      case ws_ping:
        send_all(ws_frame_bytes(ws_pong, f.payload));
        continue;
      case ws_pong:
        continue;
      case ws_close:
        close(f.payload.size() >= 2 ? uint16_t(uint8_t(f.payload[0]) << 8 | uint8_t(f.payload[1])) : 1000, "");
        return event::closed;
      case ws_continuation:
        if (!message_opcode_) {
          close(1002, "continuation without a message");
          return event::closed;
        }
        message_ += f.payload;
        break;
      default:
        if (message_opcode_) {
          close(1002, "a new message inside a fragmented one");
          return event::closed;
        }
        message_opcode_ = f.opcode;
        message_ = std::move(f.payload);
    }
    if (message_.size() > max_message) {
      close(1009, "message too big");
      return event::closed;
    }
    if (!f.fin) continue;
    auto opcode = message_opcode_;
    message_opcode_ = 0;
    if (opcode == ws_text) {
      text = std::move(message_);
      message_.clear();
      return event::message;
    }
    message_.clear();  // binary messages from the client mean nothing here
  }
}

}  // namespace sy
