// rtsp_raw_client: a minimal RTSP/TCP client over a plain socket, for tests that need
// to control how fast (or whether) a viewer reads: DESCRIBE, SETUP of every track as
// interleaved RTP over the same connection, PLAY; then the test reads as it likes.
#pragma once

#include <string>

namespace sy::test {

class rtsp_raw_client {
 public:
  /// Connects to 127.0.0.1:`port` with a small receive buffer (`rcvbuf` bytes), so
  /// that a slow reader pushes back on the server at once.
  rtsp_raw_client(int port, int rcvbuf = 4096);
  ~rtsp_raw_client();
  rtsp_raw_client(const rtsp_raw_client&) = delete;
  rtsp_raw_client& operator=(const rtsp_raw_client&) = delete;

  /// DESCRIBE, SETUP (TCP interleaved) of every media of the SDP, PLAY. False with
  /// error() set if any step is not answered 200.
  bool play(const std::string& url);
  /// Reads up to `max` bytes, waiting up to `timeout_ms`; returns the count, 0 on
  /// timeout, -1 once the server closed the connection.
  int read_some(size_t max, int timeout_ms);
  const std::string& error() const { return error_; }

 private:
  bool request(const std::string& method, const std::string& url, const std::string& headers, std::string& reply);
  int fd_ = -1;
  int cseq_ = 0;
  std::string session_;
  std::string error_;
};

}  // namespace sy::test
