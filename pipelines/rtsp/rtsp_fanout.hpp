// rtsp_fanout: one watched stream's RTSP output, shared by all its RTSP viewers.
//
// Subscribes once to the stream's track hub (as one consumer), packetizes each
// access unit once (rtp_packetizer, on the source's streaming thread: no queue, no
// thread of its own) and hands every packet list to each playing viewer
// (rtsp_viewer), which writes it at once or queues it bounded. It keeps the access
// units since the last video keyframe (references: their memory is the hub's); a
// joiner gets them packetized for it alone, with the SSRC, timestamps and sequence
// numbers the live packets continue, then live. Owned by the RTSP
// connections that use it; the last one to leave unsubscribes from the hub and
// releases the stream. When the hub closes (the stream is deleted or replaced) every
// viewer's connection is closed.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "pipelines/hub/track_hub.hpp"
#include "pipelines/rtsp/rtp_packetizer.hpp"
#include "pipelines/rtsp/rtsp_viewer.hpp"

namespace sy {

/// A stream opened for its RTSP output.
struct opened_stream {
  hub_ptr hub;                    // nullptr on failure
  std::function<void()> release;  // called once, when the output is done with it
  std::string error;              // why it could not be opened
  bool not_found = false;         // no stream of that name
};

/// Opens stream `name` (blocking: it may wait for a camera to connect).
using stream_opener = std::function<opened_stream(const std::string& name)>;

class rtsp_fanout {
 public:
  /// Subscribes to the opened stream's hub; on failure (no servable track) returns
  /// nullptr with `error` set, and the stream is released.
  static std::shared_ptr<rtsp_fanout> open(opened_stream stream, std::string& error);
  ~rtsp_fanout();
  rtsp_fanout(const rtsp_fanout&) = delete;
  rtsp_fanout& operator=(const rtsp_fanout&) = delete;

  /// The SDP of the servable tracks (control "trackID=<track index>").
  std::string sdp() const;
  /// Whether `track` can be served.
  bool has_track(int track) const;
  /// The viewer starts: with the next access unit it gets those since the last
  /// keyframe (packetized for it), then live. All media leaves on the source's thread.
  void play(const std::shared_ptr<rtsp_viewer>& viewer);
  void stop(const rtsp_viewer* viewer);
  /// The hub closed: the stream is gone.
  bool ended() const;

 private:
  class sink;
  struct cached_unit {
    int track;
    bool keyframe;
    GstBuffer* unit;
  };
  struct track_out {
    std::unique_ptr<rtp_packetizer> packetizer;
    rtp_packetizer::identity id{};
    std::string caps_name;
    GstCaps* caps = nullptr;  // the input caps now
    bool video = false;
  };

  rtsp_fanout() = default;
  void on_caps(int track, GstCaps* caps);
  void on_unit(int track, GstBuffer* unit);
  void on_end();
  void clear_cache();
  void send_burst(rtsp_viewer& viewer);

  opened_stream stream_;
  uint64_t subscription_ = 0;
  mutable std::mutex mutex_;
  std::vector<track_out> tracks_;  // index = hub track
  std::vector<cached_unit> cache_;  // since the last video keyframe
  size_t cached_bytes_ = 0;
  bool cache_valid_ = false;  // holds everything since a keyframe
  std::vector<std::shared_ptr<rtsp_viewer>> viewers_;
  std::vector<std::shared_ptr<rtsp_viewer>> joiners_;  // playing from the next access unit on
  bool ended_ = false;
};

}  // namespace sy
