// appsrc_sink: a hub subscriber made of appsrc elements, one per wanted track, as
// output pipelines (a snapshot) read a stream. The hub never waits for them: an
// appsrc that lives longer than one frame should be leaky (leaky-type=downstream).
#pragma once

#include <memory>
#include <vector>

#include "pipelines/hub/hub_sink.hpp"

namespace sy {

class appsrc_sink final : public hub_sink {
 public:
  /// One element per track, nullptr for tracks not wanted; takes a reference on each.
  explicit appsrc_sink(const std::vector<GstElement*>& inputs);
  ~appsrc_sink() override;

  bool wants(int track) const override;
  void set_caps(int track, GstCaps* caps) override;
  void push(int track, GstBuffer* buffer) override;
  void end() override;
  GstClockTime running_time(int track) const override;

 private:
  std::vector<GstElement*> inputs_;
};

inline std::shared_ptr<hub_sink> make_appsrc_sink(const std::vector<GstElement*>& inputs) {
  return std::make_shared<appsrc_sink>(inputs);
}

}  // namespace sy
