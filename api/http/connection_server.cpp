#include "api/http/connection_server.hpp"

#include "api/http/query_params.hpp"
#include "api/http/socket_poll.hpp"
#include "api/http/socket_stream.hpp"

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
  socket_stream stream{sock, io_timeout_ms};
  for (;;) {
    // A client sending its next request at once keeps the thread; a quiet one
    // waits parked, holding no thread, until it sends or its keep-alive ends.
    if (!stream.buffered() && !poll_socket(sock, POLLIN, quiet_ms)) {
      auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(keep_alive_timeout_sec_);
      if (!stopping_.load() && parker_ && parker_->park(sock, deadline)) return true;
      break;
    }
    bool closed = false;
    stream.begin_request();
    current_stream = &stream;
    // Before routing: the query as go2rtc parses it (httplib's parser mangles values
    // holding '=' or '?', see api/http/query_params.hpp).
    bool ok = process_request(stream, stopping_.load(), closed,
                              [](httplib::Request& req) { req.params = parse_query(req.target); });
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
