// rtsp_connection: one RTSP client, on its own thread, from accept to close.
//
// Speaks RTSP/1.0 as a server (OPTIONS, DESCRIBE, SETUP over TCP interleaved or UDP
// unicast, PLAY, PAUSE, TEARDOWN, GET/SET_PARAMETER as keep-alives). Its stream's
// media comes through the stream's rtsp_fanout into this connection's rtsp_viewer,
// on the source's thread; this thread reads requests (and the client's RTCP, which
// it ignores) and flushes whatever the viewer had to queue. A DESCRIBE may block
// here while the stream's camera connects. The session lives as long as the
// connection (as go2rtc's).
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "pipelines/rtsp/rtsp_fanout.hpp"
#include "pipelines/rtsp_message.hpp"

namespace sy {

/// The fanout of stream `name`, shared with its other viewers (opened if needed);
/// nullptr with `status` (404, 503) and `error` set when it cannot be served.
using fanout_finder = std::function<std::shared_ptr<rtsp_fanout>(const std::string& name, int& status,
                                                                 std::string& error)>;

class rtsp_connection {
 public:
  /// Takes the connected socket `fd`.
  rtsp_connection(int fd, fanout_finder find);
  ~rtsp_connection();
  rtsp_connection(const rtsp_connection&) = delete;
  rtsp_connection& operator=(const rtsp_connection&) = delete;

  /// Serves the client until it leaves or close() is called.
  void run();
  /// Ends the connection from another thread.
  void close();
  /// The stream this connection watches (empty before DESCRIBE/SETUP).
  std::string stream_name() const;
  bool finished() const { return finished_.load(); }

 private:
  void handle(const rtsp_request& req);
  void reply(int status, const rtsp_request& req, std::vector<std::string> headers = {}, const std::string& body = {});
  bool use_stream(const std::string& name, const rtsp_request& req);
  void setup(const rtsp_request& req);
  bool setup_udp(int track, const rtsp_transport& t, std::string& transport);
  void stop_playing();

  int fd_;
  int wake_fd_;
  fanout_finder find_;
  std::shared_ptr<rtsp_viewer> viewer_;
  std::shared_ptr<rtsp_fanout> fanout_;
  mutable std::mutex name_mutex_;
  std::string name_;
  std::string session_;
  int next_channel_ = 0;
  bool playing_ = false;
  std::atomic<bool> finished_{false};
};

}  // namespace sy
