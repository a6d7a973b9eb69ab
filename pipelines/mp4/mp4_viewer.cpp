#include "pipelines/mp4/mp4_viewer.hpp"

#include <algorithm>

namespace sy {

// The viewer as the hub sees it (calls come with the hub's lock held; end() without,
// possibly while the viewer goes away: hence the weak reference).
class mp4_viewer::sink final : public hub_sink {
 public:
  sink(mp4_viewer* owner, std::weak_ptr<mp4_viewer> weak) : owner_(owner), weak_(std::move(weak)) {}
  bool wants(int) const override { return true; }  // the writer picks what it carries
  void set_caps(int track, GstCaps* caps) override { owner_->on_caps(track, caps); }
  void push(int track, GstBuffer* buffer) override { owner_->on_unit(track, buffer); }
  void end() override {
    if (auto self = weak_.lock()) self->on_end();
  }
  GstClockTime running_time(int) const override { return GST_CLOCK_TIME_NONE; }

 private:
  mp4_viewer* owner_;
  std::weak_ptr<mp4_viewer> weak_;
};

std::shared_ptr<mp4_viewer> mp4_viewer::open(const hub_ptr& hub, consumer_kind kind, std::string& error) {
  std::shared_ptr<mp4_viewer> self{new mp4_viewer};
  self->hub_ = hub;
  self->caps_names_ = hub->caps_names();
  self->has_video_ = std::any_of(self->caps_names_.begin(), self->caps_names_.end(),
                                 [](const std::string& n) { return n.rfind("video/", 0) == 0; });
  self->subscription_ = hub->subscribe(kind, std::make_shared<sink>(self.get(), self));
  if (!self->subscription_) {
    error = "stream is closing";
    return nullptr;
  }
  return self;
}

mp4_viewer::~mp4_viewer() {
  if (subscription_) hub_->unsubscribe(subscription_);
  for (auto& q : queue_) gst_buffer_unref(q.second);
  for (auto* c : caps_)
    if (c) gst_caps_unref(c);
}

bool mp4_viewer::video_track(int track) const {
  return track >= 0 && size_t(track) < caps_names_.size() && caps_names_[size_t(track)].rfind("video/", 0) == 0;
}

void mp4_viewer::on_caps(int track, GstCaps* caps) {
  std::lock_guard<std::mutex> lock{mutex_};
  if (track < 0) return;
  if (caps_.size() <= size_t(track)) caps_.resize(size_t(track) + 1, nullptr);
  gst_caps_replace(&caps_[size_t(track)], caps);
  changed_.notify_all();
}

void mp4_viewer::on_unit(int track, GstBuffer* unit) {
  std::lock_guard<std::mutex> lock{mutex_};
  bool key = video_track(track) && !GST_BUFFER_FLAG_IS_SET(unit, GST_BUFFER_FLAG_DELTA_UNIT);
  if (!started_ && (key || !has_video_)) started_ = true;
  if (started_ && queued_bytes_ + gst_buffer_get_size(unit) > max_queued) {  // too slow: skip to a keyframe
    for (auto& q : queue_) gst_buffer_unref(q.second);
    queue_.clear();
    queued_bytes_ = 0;
    started_ = key || !has_video_;
    ++skips_;
  }
  if (!started_) {
    gst_buffer_unref(unit);
    return;
  }
  queued_bytes_ += gst_buffer_get_size(unit);
  queue_.emplace_back(track, unit);
  // Wake the viewer's thread once a frame: audio waits for the next picture (a
  // 48 kHz stream has twice as many audio frames as pictures; waking is what costs).
  if (!has_video_ || video_track(track)) changed_.notify_all();
}

void mp4_viewer::on_end() {
  std::lock_guard<std::mutex> lock{mutex_};
  ended_ = true;
  changed_.notify_all();
}

bool mp4_viewer::wait_started(std::chrono::milliseconds timeout, std::string& error) {
  std::unique_lock<std::mutex> lock{mutex_};
  // A first unit, and the caps of every track (after the timeout, those known do).
  changed_.wait_for(lock, timeout, [this] {
    if (ended_ || queue_.empty()) return ended_;
    return caps_.size() >= caps_names_.size() &&
           std::all_of(caps_.begin(), caps_.end(), [](GstCaps* c) { return c != nullptr; });
  });
  if (ended_ || queue_.empty()) {
    error = ended_ ? "the stream ended" : "no keyframe from the source in time";
    return false;
  }
  return true;
}

std::vector<GstCaps*> mp4_viewer::caps() const {
  std::lock_guard<std::mutex> lock{mutex_};
  std::vector<GstCaps*> out;
  for (auto* c : caps_) out.push_back(c ? gst_caps_ref(c) : nullptr);
  return out;
}

bool mp4_viewer::wait_ready(std::chrono::milliseconds timeout, std::string& error, const std::string& accepted) {
  if (!wait_started(timeout, error)) return false;
  auto caps = this->caps();
  writer_ = fmp4_writer::make(caps, accepted);
  for (auto* c : caps)
    if (c) gst_caps_unref(c);
  if (!writer_)
    error = accepted.empty() ? "no track of this stream fits in MP4 (H.264, H.265, AAC, Opus)"
                             : "no codec of this stream in the client's list (" + accepted + ")";
  return writer_ != nullptr;
}

bool mp4_viewer::take(std::deque<std::pair<int, GstBuffer*>>& out, std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock{mutex_};
  changed_.wait_for(lock, timeout, [this] { return ended_ || !queue_.empty(); });
  if (queue_.empty()) return !ended_;
  if (out.empty()) {
    out.swap(queue_);
  } else {
    out.insert(out.end(), queue_.begin(), queue_.end());
    queue_.clear();
  }
  queued_bytes_ = 0;
  return true;
}

bool mp4_viewer::next(std::string& out, std::chrono::milliseconds timeout) {
  std::deque<std::pair<int, GstBuffer*>> taken;
  bool live = take(taken, timeout);
  for (auto& [track, unit] : taken) {
    if (writer_) out += writer_->fragment(track, unit);
    gst_buffer_unref(unit);
  }
  return live;
}

GstBuffer* mp4_viewer::keyframe(std::chrono::milliseconds timeout, int& track) {
  std::unique_lock<std::mutex> lock{mutex_};
  GstBuffer* found = nullptr;
  changed_.wait_for(lock, timeout, [&] {
    for (auto& [t, unit] : queue_)
      if (video_track(t) && !GST_BUFFER_FLAG_IS_SET(unit, GST_BUFFER_FLAG_DELTA_UNIT)) {
        found = gst_buffer_ref(unit);
        track = t;
        return true;
      }
    return ended_;
  });
  return found;
}

uint64_t mp4_viewer::skips() const {
  std::lock_guard<std::mutex> lock{mutex_};
  return skips_;
}

}  // namespace sy
