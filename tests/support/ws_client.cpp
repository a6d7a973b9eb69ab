#include "tests/support/ws_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <random>

#include <glib.h>

namespace sy::test {
namespace {

// RFC 6455's accept key, computed here on its own (not with the server's code).
std::string accept_key(const std::string& key) {
  auto text = key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
  guint8 digest[20];
  gsize size = sizeof digest;
  auto* sha = g_checksum_new(G_CHECKSUM_SHA1);
  g_checksum_update(sha, reinterpret_cast<const guchar*>(text.data()), gssize(text.size()));
  g_checksum_get_digest(sha, digest, &size);
  g_checksum_free(sha);
  gchar* b64 = g_base64_encode(digest, size);
  std::string out = b64;
  g_free(b64);
  return out;
}

}  // namespace

ws_client::ws_client(int port, const std::string& path) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(uint16_t(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return;
  std::string key = "c3dpdGNoeWFyZC10ZXN0IQ==";
  std::string request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        "Sec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
  if (::send(fd_, request.data(), request.size(), MSG_NOSIGNAL) != ssize_t(request.size())) return;
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (in_.find("\r\n\r\n") == std::string::npos)
    if (!fill(in_.size() + 1, until)) return;
  auto end = in_.find("\r\n\r\n") + 4;
  reply_ = in_.substr(0, end);
  in_.erase(0, end);
  ok_ = reply_.rfind("HTTP/1.1 101", 0) == 0 &&
        reply_.find("Sec-WebSocket-Accept: " + accept_key(key) + "\r\n") != std::string::npos;
}

ws_client::~ws_client() { drop(); }

void ws_client::drop() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

std::string masked_frame(uint8_t first, const std::string& payload, const uint8_t mask[4]) {
  std::string f(1, char(first));
  if (payload.size() < 126) {
    f.push_back(char(0x80 | payload.size()));
  } else {
    f.push_back(char(0x80 | 126));
    f.push_back(char(payload.size() >> 8));
    f.push_back(char(payload.size() & 0xFF));
  }
  f.append(reinterpret_cast<const char*>(mask), 4);
  for (size_t i = 0; i < payload.size(); ++i) f.push_back(char(payload[i] ^ mask[i % 4]));
  return f;
}

bool ws_client::send(uint8_t opcode, const std::string& payload) {
  if (fd_ < 0) return false;
  uint8_t mask[4];
  std::random_device rd;
  for (auto& m : mask) m = uint8_t(rd());
  auto f = masked_frame(uint8_t(0x80 | opcode), payload, mask);
  return ::send(fd_, f.data(), f.size(), MSG_NOSIGNAL) == ssize_t(f.size());
}

bool ws_client::fill(size_t want, std::chrono::steady_clock::time_point until) {
  while (in_.size() < want) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
    if (fd_ < 0 || left.count() <= 0) return false;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, int(left.count())) <= 0) return false;
    char buf[65536];
    auto n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) return false;
    in_.append(buf, size_t(n));
  }
  return true;
}

ws_client::frame ws_client::next(std::chrono::milliseconds timeout) {
  auto until = std::chrono::steady_clock::now() + timeout;
  if (!fill(2, until)) return {};
  auto* d = reinterpret_cast<const uint8_t*>(in_.data());
  uint64_t length = d[1] & 0x7F;
  size_t at = 2;
  if (length == 126) {
    if (!fill(4, until)) return {};
    d = reinterpret_cast<const uint8_t*>(in_.data());
    length = uint64_t(d[2]) << 8 | d[3];
    at = 4;
  } else if (length == 127) {
    if (!fill(10, until)) return {};
    d = reinterpret_cast<const uint8_t*>(in_.data());
    length = 0;
    for (int i = 0; i < 8; ++i) length = length << 8 | d[2 + i];
    at = 10;
  }
  if (!fill(at + length, until)) return {};
  frame f{uint8_t(in_[0] & 0x0F), in_.substr(at, size_t(length))};
  in_.erase(0, at + size_t(length));
  return f;
}

}  // namespace sy::test
