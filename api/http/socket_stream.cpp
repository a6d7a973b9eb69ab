#include "api/http/socket_stream.hpp"

#include <arpa/inet.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>

#include "api/http/socket_poll.hpp"

namespace sy {
namespace {

constexpr size_t read_size = 4096;

void address(socket_t sock, bool peer, std::string& ip, int& port) {
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  int r = peer ? getpeername(sock, reinterpret_cast<sockaddr*>(&addr), &len)
               : getsockname(sock, reinterpret_cast<sockaddr*>(&addr), &len);
  if (r != 0) return;
  char buf[INET6_ADDRSTRLEN] = {0};
  if (addr.ss_family == AF_INET) {
    auto* a = reinterpret_cast<sockaddr_in*>(&addr);
    inet_ntop(AF_INET, &a->sin_addr, buf, sizeof buf);
    port = ntohs(a->sin_port);
  } else if (addr.ss_family == AF_INET6) {
    auto* a = reinterpret_cast<sockaddr_in6*>(&addr);
    inet_ntop(AF_INET6, &a->sin6_addr, buf, sizeof buf);
    port = ntohs(a->sin6_port);
  }
  ip = buf;
}

}  // namespace

void socket_stream::begin_request() {
  in_request_line_ = true;
  spaces_ = 0;
  questions_ = 0;
  if (buffered()) normalise_request_line(off_);
}

bool socket_stream::is_readable() const { return buffered() || poll_socket(sock_, POLLIN, timeout_ms_); }

bool socket_stream::is_writable() const { return poll_socket(sock_, POLLOUT, timeout_ms_); }

ssize_t socket_stream::read(char* ptr, size_t size) {
  if (!buffered()) {
    if (!poll_socket(sock_, POLLIN, timeout_ms_)) return -1;
    buf_.resize(read_size);
    ssize_t n;
    do n = ::recv(sock_, &buf_[0], read_size, 0);
    while (n < 0 && errno == EINTR);
    buf_.resize(n > 0 ? size_t(n) : 0);
    off_ = 0;
    if (n <= 0) return n;
    if (in_request_line_) normalise_request_line(0);
  }
  size_t n = std::min(size, buf_.size() - off_);
  buf_.copy(ptr, n, off_);
  off_ += n;
  return ssize_t(n);
}

void socket_stream::normalise_request_line(size_t from) {
  for (size_t i = from; i < buf_.size() && in_request_line_; ++i) {
    char c = buf_[i];
    if (c == '\n') in_request_line_ = false;
    else if (c == ' ') ++spaces_;
    else if (c == '?' && spaces_ == 1 && ++questions_ > 1) buf_.replace(i, 1, "%3F");
  }
}

ssize_t socket_stream::write(const char* ptr, size_t size) {
  if (taken) return ssize_t(size);
  if (!is_writable()) return -1;
  ssize_t n;
  do n = ::send(sock_, ptr, size, MSG_NOSIGNAL);
  while (n < 0 && errno == EINTR);
  return n;
}

void socket_stream::get_remote_ip_and_port(std::string& ip, int& port) const { address(sock_, true, ip, port); }

void socket_stream::get_local_ip_and_port(std::string& ip, int& port) const { address(sock_, false, ip, port); }

}  // namespace sy
