// rtsp_reader: the native RTSP source, for cameras read over TCP (interleaved RTP).
//
// A short-lived thread connects, authenticates (Basic or Digest), DESCRIBEs, SETUPs
// every track it can depayload and PLAYs; then the connection joins one of the
// reader loops (an epoll thread per core, shared by every playing source), which
// reads it in large chunks, splits the interleaved frames and depayloads each RTP
// packet to access units on the spot (an inline_chain per track: depayloader +
// parser), stamps them from the RTP clock and pushes them into the stream's hub.
// No rtpbin, no jitterbuffer (TCP delivers in order), no queue, no thread hand-off:
// this is where rtspsrc spent most of a watched stream's cost. Keep-alives go out
// every half session timeout; 10 s without media is an error. Reports like a source
// pipeline (source_event through `notify`); destroying it leaves the loop (no
// callback after that), sends a TEARDOWN and closes.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "pipelines/hub/reader_loop.hpp"
#include "pipelines/hub/source_event.hpp"
#include "pipelines/hub/track_hub.hpp"

namespace sy {

class rtsp_reader {
 public:
  struct session;  // the connection's state (internal)
  /// Starts reading `url` (rtsp://[user:pass@]host[:port]/path).
  rtsp_reader(const std::string& url, hub_ptr hub, source_notify_fn notify);
  ~rtsp_reader();
  rtsp_reader(const rtsp_reader&) = delete;
  rtsp_reader& operator=(const rtsp_reader&) = delete;

 private:
  std::unique_ptr<session> session_;
  std::thread setup_;
  std::mutex loop_mutex_;
  reader_loop* loop_ = nullptr;  // the reader loop it joined
  uint64_t loop_id_ = 0;
};

}  // namespace sy
