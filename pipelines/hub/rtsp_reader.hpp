// rtsp_reader: the native RTSP source, for cameras read over TCP (interleaved RTP).
//
// One thread per source: it connects, authenticates (Basic or Digest), DESCRIBEs,
// SETUPs every track it can depayload, PLAYs, then reads the connection in large
// chunks, splits the interleaved frames and depayloads each RTP packet to access
// units on the spot (an inline_chain per track: depayloader + parser), stamps them
// from the RTP clock and pushes them into the stream's hub. No rtpbin, no
// jitterbuffer (TCP delivers in order), no queue and no thread hand-off: this is
// where rtspsrc spent most of a watched stream's cost. Keep-alives go out every
// half session timeout; 10 s without media is an error. Reports like a source
// pipeline (source_event through `notify`); destroying it sends a TEARDOWN and joins.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "pipelines/hub/source_event.hpp"
#include "pipelines/hub/track_hub.hpp"

namespace sy {

class rtsp_reader {
 public:
  /// Starts reading `url` (rtsp://[user:pass@]host[:port]/path) on a new thread.
  rtsp_reader(const std::string& url, hub_ptr hub, source_notify_fn notify);
  ~rtsp_reader();
  rtsp_reader(const rtsp_reader&) = delete;
  rtsp_reader& operator=(const rtsp_reader&) = delete;

 private:
  struct session;
  std::unique_ptr<session> session_;
  std::thread thread_;
};

}  // namespace sy
