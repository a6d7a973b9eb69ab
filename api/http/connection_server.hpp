// connection_server: an httplib::Server that owns each connection itself.
//
// httplib 0.11 serves keep-alive connections until their idle timeout, and
// stop() does not end them: a daemon with one idle browser tab would take 30 s
// to shut down. This subclass overrides the (private, virtual)
// process_and_close_socket, runs the keep-alive loop itself through the
// protected process_request, tracks every open socket, and close_all() ends them
// at once. It is also where WebSocket upgrades and media take-overs will hook in.
#pragma once

#include <httplib.h>

#include <atomic>
#include <mutex>
#include <set>

namespace sy {

class connection_server : public httplib::Server {
 public:
  /// Stops accepting, lets requests in progress finish (up to 2 s) and closes every
  /// open connection.
  void close_all();

 private:
  bool process_and_close_socket(socket_t sock) override;
  bool wait_for_request(socket_t sock) const;

  std::mutex mutex_;  // guards open_ (connection bookkeeping only)
  std::set<socket_t> open_;
  std::atomic<bool> stopping_{false};
};

}  // namespace sy
