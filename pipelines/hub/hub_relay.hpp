// hub_relay: a hub subscriber that feeds another stream's hub, so that a stream
// whose source is another stream (go2rtc's alias, a stream-name source) shares that
// stream's media in-process: no second camera connection, no RTSP hop, no copy.
//
// Subscribed to the upstream hub by the downstream stream's actor; each upstream
// track becomes a track of the downstream hub (mapped on first sight). When the
// upstream hub closes, `on_end` is called (once, on the closing thread) so that the
// downstream stream can treat it as a lost source.
#pragma once

#include <functional>
#include <vector>

#include "pipelines/hub/track_hub.hpp"

namespace sy {

class hub_relay final : public hub_sink {
 public:
  hub_relay(hub_ptr downstream, std::function<void()> on_end);

  bool wants(int track) const override { return track >= 0; }
  void set_caps(int track, GstCaps* caps) override;
  void push(int track, GstBuffer* buffer) override;
  void end() override;
  GstClockTime running_time(int) const override { return GST_CLOCK_TIME_NONE; }

 private:
  hub_ptr downstream_;
  std::function<void()> on_end_;
  std::vector<int> map_;  // upstream track -> downstream track (-1: not yet); under the upstream hub's lock
};

}  // namespace sy
