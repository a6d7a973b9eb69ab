// connection_server: an httplib::Server that owns each connection itself.
//
// httplib 0.11 serves keep-alive connections until their idle timeout, and
// stop() does not end them: a daemon with one idle browser tab would take 30 s
// to shut down. This subclass overrides the (private, virtual)
// process_and_close_socket, runs the keep-alive loop itself through the
// protected process_request, tracks every open socket, and close_all() ends them
// at once. A connection whose client is quiet after an answer is parked
// (api/http/idle_parker) instead of holding its pool thread until the next request.
// It is also where WebSocket upgrades and media take-overs hook in.
#pragma once

#include <httplib.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <set>

#include "api/http/idle_parker.hpp"

namespace sy {

class connection_server : public httplib::Server {
 public:
  /// Stops accepting, lets requests in progress finish (up to 2 s) and closes every
  /// open connection.
  void close_all();

  /// From a route handler: the connection of the request being handled, taken over
  /// by the handler (a WebSocket upgrade): whatever httplib writes after the handler
  /// is dropped, and the socket is closed when the handler's request is done. -1
  /// outside a handler. The socket stays on close_all()'s list, so a stop ends it.
  static socket_t take_over();
  /// Whether close_all() has begun (a taken-over connection's loop checks it).
  bool stopping() const { return stopping_.load(); }

  /// The pool httplib runs connections on (from new_task_queue): a parked
  /// connection that becomes readable is queued there again.
  void use_pool(httplib::TaskQueue* pool);

 private:
  bool process_and_close_socket(socket_t sock) override;
  void close_socket(socket_t sock);

  std::unique_ptr<idle_parker> parker_;
  std::mutex mutex_;  // guards open_ (connection bookkeeping only)
  std::set<socket_t> open_;
  std::atomic<bool> stopping_{false};
};

}  // namespace sy
