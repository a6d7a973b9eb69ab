// hub_sink: what a subscriber of a track hub receives, whatever it is (the appsrcs
// of an output pipeline, another stream's hub).
//
// The hub calls a sink with its lock held, on the source's streaming threads (and,
// for the cached GOP, on the subscribing thread): a sink must not block and must not
// call back into the same hub. It may push into another hub (lock order: upstream
// hub, then downstream hub; a stream never consumes itself).
#pragma once

#include <gst/gst.h>

namespace sy {

class hub_sink {
 public:
  virtual ~hub_sink() = default;
  /// Whether the subscriber takes track `track` at all.
  virtual bool wants(int track) const = 0;
  /// The track's caps became known or changed (before its next buffer).
  virtual void set_caps(int track, GstCaps* caps) = 0;
  /// One buffer of the track, timestamps rebased for this subscriber; the sink takes
  /// the reference.
  virtual void push(int track, GstBuffer* buffer) = 0;
  /// The hub closed (its stream is gone): nothing more will come. Called once,
  /// without the hub's lock.
  virtual void end() = 0;
  /// The subscriber's running time now, which timestamps are rebased onto so that live
  /// media leaves a syncing sink at once; GST_CLOCK_TIME_NONE when it has no clock
  /// (timestamps then just continue from where they were).
  virtual GstClockTime running_time(int track) const = 0;
};

}  // namespace sy
