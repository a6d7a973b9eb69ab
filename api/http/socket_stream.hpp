// socket_stream: the httplib::Stream of one connection_server connection.
//
// Reads go through a 4 KiB buffer: httplib 0.11 reads the request line and headers
// one byte per read(), which on a bare socket was a poll() and a recv() per byte
// (about 400 system calls for a 200-byte API request).
//
// While a request line is read, a '?' after the target's first one is sent on as
// "%3F": httplib refuses a target with two '?' (400), but a camera URL in a query
// (`src=rtsp://cam/realmonitor?channel=1`) has one, and go2rtc takes it. The query
// parser (query_params.hpp) decodes it back.
//
// A handler that takes the connection over (a WebSocket upgrade) reads the socket
// itself; nothing is left in the buffer then, since RFC 6455 has a client wait for
// the 101 answer before it sends a frame.
#pragma once

#include <httplib.h>

#include <string>

namespace sy {

class socket_stream final : public httplib::Stream {
 public:
  socket_stream(socket_t sock, int io_timeout_ms) : sock_(sock), timeout_ms_(io_timeout_ms) {}
  /// Once a handler took the connection over, what httplib writes goes nowhere.
  bool taken = false;

  /// The next bytes read start a request (its request line is normalised).
  void begin_request();
  /// Bytes received and not read yet (a pipelined request): no need to wait for more.
  bool buffered() const { return off_ < buf_.size(); }

  bool is_readable() const override;
  bool is_writable() const override;
  ssize_t read(char* ptr, size_t size) override;
  ssize_t write(const char* ptr, size_t size) override;
  void get_remote_ip_and_port(std::string& ip, int& port) const override;
  void get_local_ip_and_port(std::string& ip, int& port) const override;
  socket_t socket() const override { return sock_; }

 private:
  void normalise_request_line(size_t from);

  socket_t sock_;
  int timeout_ms_;
  std::string buf_;
  size_t off_ = 0;
  bool in_request_line_ = false;
  int spaces_ = 0;     // of the request line so far: 1 while in the target
  int questions_ = 0;  // '?' seen in the target
};

}  // namespace sy
