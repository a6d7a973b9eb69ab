#include "pipelines/hub/hub_relay.hpp"

namespace sy {

hub_relay::hub_relay(hub_ptr downstream, std::function<void()> on_end)
    : downstream_(std::move(downstream)), on_end_(std::move(on_end)) {}

void hub_relay::set_caps(int track, GstCaps* caps) {
  if (map_.size() <= size_t(track)) map_.resize(size_t(track) + 1, -1);
  auto& mapped = map_[size_t(track)];
  if (mapped < 0) mapped = downstream_->add_track(caps);
  else downstream_->update_caps(mapped, caps);
}

void hub_relay::push(int track, GstBuffer* buffer) {
  if (size_t(track) >= map_.size() || map_[size_t(track)] < 0) return gst_buffer_unref(buffer);
  downstream_->push(map_[size_t(track)], buffer);
}

void hub_relay::end() {
  if (on_end_) on_end_();
}

}  // namespace sy
