#include "api/http/connection_server.hpp"

#include "api/http/socket_poll.hpp"

#include <arpa/inet.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <thread>

namespace sy {
namespace {

constexpr int io_timeout_ms = 10000;   // a peer that stalls mid-request or mid-response
constexpr int quiet_ms = 5;            // how long a connection waits for its next request before parking
constexpr int finish_grace_ms = 2000;  // how long a stop waits for requests in progress

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

// A plain blocking socket with timeouts, as httplib's own SocketStream behaves. Once
// a handler took the connection over, what httplib writes goes nowhere.
class socket_stream final : public httplib::Stream {
 public:
  explicit socket_stream(socket_t sock) : sock_(sock) {}
  bool taken = false;
  bool is_readable() const override { return poll_socket(sock_, POLLIN, io_timeout_ms); }
  bool is_writable() const override { return poll_socket(sock_, POLLOUT, io_timeout_ms); }
  ssize_t read(char* ptr, size_t size) override {
    if (!is_readable()) return -1;
    ssize_t n;
    do n = ::recv(sock_, ptr, size, 0);
    while (n < 0 && errno == EINTR);
    return n;
  }
  ssize_t write(const char* ptr, size_t size) override {
    if (taken) return ssize_t(size);
    if (!is_writable()) return -1;
    ssize_t n;
    do n = ::send(sock_, ptr, size, MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
    return n;
  }
  void get_remote_ip_and_port(std::string& ip, int& port) const override { address(sock_, true, ip, port); }
  void get_local_ip_and_port(std::string& ip, int& port) const override { address(sock_, false, ip, port); }
  socket_t socket() const override { return sock_; }

 private:
  socket_t sock_;
};

thread_local socket_stream* current_stream = nullptr;  // of the request this thread handles

}  // namespace

socket_t connection_server::take_over() {
  if (!current_stream) return -1;
  current_stream->taken = true;
  return current_stream->socket();
}

void connection_server::use_pool(httplib::TaskQueue* pool) {
  parker_ = std::make_unique<idle_parker>(
      [this, pool](int sock) { pool->enqueue([this, sock] { process_and_close_socket(sock); }); },
      [this](int sock) { close_socket(sock); });
}

void connection_server::close_socket(socket_t sock) {
  {
    std::lock_guard<std::mutex> lock{mutex_};
    open_.erase(sock);
  }
  ::shutdown(sock, SHUT_RDWR);
  ::close(sock);
}

// Runs on a pool thread for a new connection, and again each time a parked one has
// a request: serves requests while they come, parks the connection when its client
// is quiet for a moment, closes it when done.
bool connection_server::process_and_close_socket(socket_t sock) {
  {
    std::lock_guard<std::mutex> lock{mutex_};
    open_.insert(sock);
  }
  socket_stream stream{sock};
  for (;;) {
    // A client sending its next request at once keeps the thread; a quiet one
    // waits parked, holding no thread, until it sends or its keep-alive ends.
    if (!poll_socket(sock, POLLIN, quiet_ms)) {
      auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(keep_alive_timeout_sec_);
      if (!stopping_.load() && parker_ && parker_->park(sock, deadline)) return true;
      break;
    }
    bool closed = false;
    current_stream = &stream;
    bool ok = process_request(stream, stopping_.load(), closed, [](httplib::Request&) {});
    current_stream = nullptr;
    if (!ok || closed || stream.taken || stopping_.load()) break;
  }
  close_socket(sock);
  return true;
}

void connection_server::close_all() {
  stopping_ = true;
  if (parker_) parker_->stop();  // closes every parked connection
  stop();
  // A request in progress (POST /api/exit's own answer, a snapshot) gets a moment
  // to finish.
  for (int waited = 0; waited < finish_grace_ms; waited += 10) {
    {
      std::lock_guard<std::mutex> lock{mutex_};
      if (open_.empty()) return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  std::lock_guard<std::mutex> lock{mutex_};
  for (auto sock : open_) ::shutdown(sock, SHUT_RDWR);
}

}  // namespace sy
