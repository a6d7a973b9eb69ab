// track_hub: the data-plane meeting point of one stream.
//
// Owns: the stream's track list (caps + counters), the cached GOP (buffers since
// the last video keyframe) and the list of subscribers (hub_sink: an output's
// appsrcs, or another stream's hub).
// Written by GStreamer streaming threads (the source pipeline's appsinks, or an
// upstream hub), read by consumers on their own threads; its small mutex guards
// media fan-out only, never control state (which lives in the stream actor).
// Created by the stream actor, it outlives source restarts so that viewers stay
// attached while the source reconnects; close() ends every subscriber with EOS.
// Never: block on a consumer (sinks are leaky), call into an actor, copy payload.
#pragma once

#include <gst/gst.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "pipelines/hub/hub_sink.hpp"
#include "pipelines/media_info.hpp"

namespace sy {

class track_hub {
 public:
  track_hub() = default;
  ~track_hub();
  track_hub(const track_hub&) = delete;
  track_hub& operator=(const track_hub&) = delete;

  // ---- source side (streaming threads) ----
  /// A new source attempt begins: cached media is dropped and subscribers will be
  /// re-based so their timestamps continue monotonically.
  void begin_epoch();
  /// A parsed elementary stream appeared; returns its track index. Within an epoch
  /// a track of the same format as one of the previous epoch gets the same index.
  int add_track(GstCaps* caps);
  /// The track's caps became known or changed (e.g. new SPS); consumers follow.
  void update_caps(int track, GstCaps* caps);
  /// One buffer of a track (the hub takes the reference).
  void push(int track, GstBuffer* buffer);
  /// Set by a source that makes a keyframe when asked (a WHIP publisher, by PLI):
  /// called when a subscriber joins, outside the hub's lock, at most once a second,
  /// so that a new viewer need not start from a long cached GOP (or a truncated one:
  /// a browser publishing sends keyframes only when asked). Empty: none.
  void set_keyframe_request(std::function<void()> request);

  // ---- consumer side ----
  /// Caps structure names of the tracks, in track order.
  std::vector<std::string> caps_names() const;
  /// The caps of one track (a new reference, or nullptr).
  GstCaps* caps(int track) const;
  /// Subscribes a sink: it gets the caps of the tracks it wants, then the cached GOP
  /// (so it starts on a keyframe), then live buffers. Returns the subscription id,
  /// 0 if the hub is closed. After unsubscribe returns, the sink gets nothing more.
  uint64_t subscribe(consumer_kind kind, std::shared_ptr<hub_sink> sink);
  void unsubscribe(uint64_t id);
  /// Ends every subscriber (hub_sink::end) and refuses new ones.
  void close();

  // ---- observation ----
  std::vector<track_info> tracks() const;
  std::vector<consumer_info> consumers() const;
  /// Monotonic microseconds of the last buffer pushed (0: none yet).
  int64_t last_buffer_us() const { return last_buffer_us_.load(); }

 private:
  struct track {
    GstCaps* caps = nullptr;
    std::string caps_name;
    bool video = false;
    bool seen_in_epoch = false;
    uint64_t bytes = 0;
    uint64_t packets = 0;
  };
  struct cached {
    int track;
    GstBuffer* buffer;
  };
  struct subscriber {
    uint64_t id;
    consumer_kind kind;
    std::shared_ptr<hub_sink> sink;
    bool based = false;               // shift known for the current epoch
    GstClockTimeDiff shift = 0;       // added to source timestamps
    GstClockTime last_out = 0;        // highest timestamp pushed so far
    std::vector<GstClockTime> last_dts;  // per track: output DTS only ever increases
    uint64_t bytes = 0;
    uint64_t packets = 0;
  };

  uint64_t add_subscriber(consumer_kind kind, std::shared_ptr<hub_sink> sink,
                          std::shared_ptr<const std::function<void()>>& ask);
  void deliver(subscriber& s, int track, GstBuffer* buffer, GstClockTime anchor, GstClockTime anchor_age);
  void clear_cache();

  mutable std::mutex mutex_;
  std::vector<track> tracks_;
  std::vector<cached> gop_;
  std::vector<subscriber> subscribers_;
  std::shared_ptr<const std::function<void()>> keyframe_request_;
  int64_t last_keyframe_request_us_ = 0;
  uint64_t next_id_ = 1;
  bool closed_ = false;
  std::atomic<int64_t> last_buffer_us_{0};
};

using hub_ptr = std::shared_ptr<track_hub>;

}  // namespace sy
