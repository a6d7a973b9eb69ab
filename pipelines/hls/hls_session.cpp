#include "pipelines/hls/hls_session.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace sy {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

std::unique_ptr<hls_session> hls_session::make(std::shared_ptr<mp4_viewer> viewer, format f,
                                               const std::string& accepted, std::string& error) {
  std::unique_ptr<hls_session> self{new hls_session};
  self->viewer_ = std::move(viewer);
  self->format_ = f;
  auto caps = self->viewer_->caps();
  if (f == format::ts)
    self->ts_ = ts_writer::make(caps);
  else
    self->mp4_ = fmp4_writer::make(caps, accepted);
  for (auto* c : caps)
    if (c) gst_caps_unref(c);
  if (!self->ts_ && !self->mp4_) {
    error = f == format::ts ? "no track of this stream fits in MPEG-TS (H.264, H.265, AAC)"
                            : "no track of this stream fits in MP4 (H.264, H.265, AAC, Opus)" +
                                  (accepted.empty() ? std::string() : " and the client's list (" + accepted + ")");
    return nullptr;
  }
  std::lock_guard<std::mutex> lock{self->mutex_};
  self->pump(milliseconds(0), true);  // the cached GOP: the first segment
  return self;
}

hls_session::~hls_session() = default;

std::string hls_session::codecs() const {
  std::string out;
  for (auto& c : ts_ ? ts_->codecs() : mp4_->codecs()) out += (out.empty() ? "" : ",") + c;
  return out;
}

std::string hls_session::init() const { return mp4_ ? mp4_->init_segment() : std::string(); }

bool hls_session::pump(milliseconds wait, bool backlog) {
  std::deque<std::pair<int, GstBuffer*>> units;
  bool live = viewer_->take(units, wait);
  if (backlog) {  // what is cached goes in the first segment, at least `segment_target` long
    GstClockTime first = GST_CLOCK_TIME_NONE, last = 0;
    for (auto& u : units)
      if (GST_BUFFER_PTS_IS_VALID(u.second)) {
        first = std::min(first, GST_BUFFER_PTS(u.second));
        last = std::max(last, GST_BUFFER_PTS(u.second));
      }
    GstClockTime span = first == GST_CLOCK_TIME_NONE || last < first ? 0 : last - first;
    cut_after_ = std::max(span, segment_target);
  }
  for (auto& [track, unit] : units) {
    add(track, unit);
    gst_buffer_unref(unit);
  }
  if (!live && !ended_) {
    ended_ = true;
    if (!building_.empty()) close_segment(last_ == GST_CLOCK_TIME_NONE ? start_ : last_ + GST_SECOND / 25);
  }
  return live;
}

void hls_session::add(int track, GstBuffer* unit) {
  bool carried = ts_ ? ts_->carries(track) : mp4_->carries(track);
  if (!carried || !GST_BUFFER_PTS_IS_VALID(unit)) return;
  auto pts = GST_BUFFER_PTS(unit);
  bool has_video = ts_ ? ts_->has_video() : mp4_->has_video();
  bool video = ts_ ? ts_->is_video(track) : mp4_->is_video(track);
  // A segment starts with a picture when there is video; audio joins the open one.
  auto target = next_n_ == 0 ? cut_after_ : segment_target;
  if (!building_.empty() && (video || !has_video) && start_ != GST_CLOCK_TIME_NONE && pts >= start_ &&
      pts - start_ >= target)
    close_segment(pts);
  if (building_.empty()) {
    start_ = pts;
    if (ts_) building_ = ts_->tables();
  }
  if (ts_)
    ts_->write(track, unit, building_);
  else
    building_ += mp4_->fragment(track, unit);
  if (last_ == GST_CLOCK_TIME_NONE || pts > last_) last_ = pts;
}

void hls_session::close_segment(GstClockTime next_start) {
  double seconds = next_start > start_ ? double(next_start - start_) / GST_SECOND : 0.04;
  done_.push_back({next_n_++, seconds, std::move(building_)});
  building_.clear();
  if (done_.size() > kept) done_.pop_front();
}

std::string hls_session::playlist(const std::string& id, milliseconds wait) {
  std::lock_guard<std::mutex> lock{mutex_};
  // The player's next segment (the oldest kept, if it fell that far behind); the
  // request waits until it is made (at the start, until `listed` are). Then the list
  // is up to `listed` segments the player has, for context, and up to `listed` new.
  auto until = steady_clock::now() + wait;
  uint64_t next = 0;
  while (true) {
    next = std::max(taken_, done_.empty() ? next_n_ : done_.front().n);
    uint64_t need = taken_ == 0 ? listed : 1;
    auto left = std::chrono::duration_cast<milliseconds>(until - steady_clock::now());
    if (next_n_ >= next + need || left.count() <= 0 || !pump(std::min(left, milliseconds(100)))) break;
  }
  uint64_t oldest = done_.empty() ? next_n_ : done_.front().n;
  uint64_t from = std::max<uint64_t>(oldest, next >= listed ? next - listed : 0);
  uint64_t to = std::min<uint64_t>(next_n_, next + listed);
  if (to == from) return {};
  if (!target_seconds_) target_seconds_ = std::max(1, int(std::ceil(double(cut_after_) / GST_SECOND + 0.1)));
  bool ts = format_ == format::ts;
  std::string out = "#EXTM3U\n#EXT-X-VERSION:" + std::string(ts ? "3" : "6") + "\n#EXT-X-TARGETDURATION:" +
                    std::to_string(target_seconds_) + "\n#EXT-X-MEDIA-SEQUENCE:" + std::to_string(from) + "\n";
  if (!ts) out += "#EXT-X-MAP:URI=\"init.mp4?id=" + id + "\"\n";
  char extinf[48];
  for (auto& s : done_) {  // every listed segment is made
    if (s.n < from || s.n >= to) continue;
    std::snprintf(extinf, sizeof extinf, "#EXTINF:%.3f,\n", s.seconds);
    out += extinf;
    out += (ts ? "segment.ts?id=" : "segment.m4s?id=") + id + "&n=" + std::to_string(s.n) + "\n";
  }
  if (ended_ && to == next_n_) out += "#EXT-X-ENDLIST\n";
  return out;
}

bool hls_session::segment(uint64_t n, milliseconds wait, std::string& out) {
  std::lock_guard<std::mutex> lock{mutex_};
  if (n > next_n_) return false;  // never listed
  auto until = steady_clock::now() + wait;
  while (n == next_n_) {
    auto left = std::chrono::duration_cast<milliseconds>(until - steady_clock::now());
    if (left.count() <= 0 || !pump(std::min(left, milliseconds(100)))) break;
  }
  for (auto& s : done_)
    if (s.n == n) {
      out = s.bytes;
      taken_ = std::max(taken_, n + 1);
      return true;
    }
  return false;
}

}  // namespace sy
