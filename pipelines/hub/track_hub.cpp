#include "pipelines/hub/track_hub.hpp"

#include <algorithm>

#include "pipelines/codec_table.hpp"

namespace sy {
namespace {

// A GOP longer than this is not cached whole (a camera with a 10 s GOP at 60 fps).
constexpr size_t max_cached_buffers = 900;
// Smallest step between two output timestamps of one track (keeps DTS strictly increasing).
constexpr GstClockTime min_step = GST_USECOND;

GstClockTime earliest(GstBuffer* b) {
  auto pts = GST_BUFFER_PTS(b), dts = GST_BUFFER_DTS(b);
  if (!GST_CLOCK_TIME_IS_VALID(dts)) return pts;
  if (!GST_CLOCK_TIME_IS_VALID(pts)) return dts;
  return std::min(pts, dts);
}

GstClockTime shifted(GstClockTime t, GstClockTimeDiff shift) {
  if (!GST_CLOCK_TIME_IS_VALID(t)) return t;
  auto v = GstClockTimeDiff(t) + shift;
  return v < 0 ? 0 : GstClockTime(v);
}

}  // namespace

track_hub::~track_hub() {
  close();
  clear_cache();
  for (auto& t : tracks_)
    if (t.caps) gst_caps_unref(t.caps);
}

void track_hub::begin_epoch() {
  std::lock_guard<std::mutex> lock{mutex_};
  clear_cache();
  for (auto& t : tracks_) t.seen_in_epoch = false;
  for (auto& s : subscribers_) s.based = false;
}

int track_hub::add_track(GstCaps* caps) {
  auto* st = gst_caps_get_structure(caps, 0);
  std::string name = gst_structure_get_name(st);
  std::lock_guard<std::mutex> lock{mutex_};
  auto it = std::find_if(tracks_.begin(), tracks_.end(),
                         [&name](const track& t) { return !t.seen_in_epoch && t.caps_name == name; });
  if (it == tracks_.end()) {
    track t;
    t.caps_name = name;
    t.video = name.rfind("video/", 0) == 0 || name == "image/jpeg";
    it = tracks_.insert(tracks_.end(), t);
  }
  it->seen_in_epoch = true;
  gst_caps_replace(&it->caps, caps);
  int index = int(it - tracks_.begin());
  for (auto& s : subscribers_)
    if (s.sink->wants(index)) s.sink->set_caps(index, caps);
  return index;
}

void track_hub::update_caps(int index, GstCaps* caps) {
  std::lock_guard<std::mutex> lock{mutex_};
  if (index < 0 || size_t(index) >= tracks_.size()) return;
  auto& t = tracks_[size_t(index)];
  if (t.caps && gst_caps_is_equal(t.caps, caps)) return;
  gst_caps_replace(&t.caps, caps);
  for (auto& s : subscribers_)
    if (s.sink->wants(index)) s.sink->set_caps(index, caps);
}

void track_hub::push(int index, GstBuffer* buffer) {
  last_buffer_us_.store(g_get_monotonic_time());
  std::lock_guard<std::mutex> lock{mutex_};
  if (index < 0 || size_t(index) >= tracks_.size()) {
    gst_buffer_unref(buffer);
    return;
  }
  auto& t = tracks_[index];
  t.bytes += gst_buffer_get_size(buffer);
  t.packets += 1;
  bool keyframe = t.video && !GST_BUFFER_FLAG_IS_SET(buffer, GST_BUFFER_FLAG_DELTA_UNIT);
  if (keyframe) clear_cache();
  bool have_video = std::any_of(tracks_.begin(), tracks_.end(), [](const track& x) { return x.video; });
  if (have_video && (keyframe || !gop_.empty()) && gop_.size() < max_cached_buffers)
    gop_.push_back({index, gst_buffer_ref(buffer)});
  for (auto& s : subscribers_) deliver(s, index, buffer, earliest(buffer), 0);
  gst_buffer_unref(buffer);
}

// Timestamps are rebased so that `anchor` (the newest source time the subscriber is
// about to get, which arrived `anchor_age` ago) lands on the subscriber's running
// time of its arrival: live media then leaves a syncing sink as soon as it arrives
// (no added latency), and a cached GOP lands in the past and leaves at once, so a new
// viewer starts on a keyframe.
void track_hub::deliver(subscriber& s, int index, GstBuffer* buffer, GstClockTime anchor,
                        GstClockTime anchor_age) {
  if (!s.sink->wants(index)) return;
  if (!s.based) {
    auto now = s.sink->running_time(index);
    // A sink without a clock (another hub) keeps the source's time, only ever forward.
    auto target = !GST_CLOCK_TIME_IS_VALID(now) ? anchor : now > anchor_age ? now - anchor_age : 0;
    s.shift = GstClockTimeDiff(std::max(target, s.last_out)) - GstClockTimeDiff(anchor);
    s.based = true;
  }
  if (s.last_dts.size() <= size_t(index)) s.last_dts.resize(size_t(index) + 1, GST_CLOCK_TIME_NONE);
  // A shallow copy: new timestamps, same memory (no payload copy).
  auto* out = gst_buffer_copy(buffer);
  auto dts = shifted(GST_BUFFER_DTS(buffer), s.shift);
  auto pts = shifted(GST_BUFFER_PTS(buffer), s.shift);
  auto& last = s.last_dts[size_t(index)];
  auto decode = GST_CLOCK_TIME_IS_VALID(dts) ? dts : pts;
  if (GST_CLOCK_TIME_IS_VALID(decode) && GST_CLOCK_TIME_IS_VALID(last) && decode <= last) {
    // Cached frames older than the subscriber's start are squeezed, never reordered.
    auto bump = last + min_step - decode;
    if (GST_CLOCK_TIME_IS_VALID(dts)) dts += bump;
    if (GST_CLOCK_TIME_IS_VALID(pts)) pts += bump;
    decode += bump;
  }
  if (GST_CLOCK_TIME_IS_VALID(decode)) last = decode;
  GST_BUFFER_PTS(out) = pts;
  GST_BUFFER_DTS(out) = dts;
  if (GST_BUFFER_PTS_IS_VALID(out)) s.last_out = std::max(s.last_out, GST_BUFFER_PTS(out));
  s.bytes += gst_buffer_get_size(out);
  s.packets += 1;
  s.sink->push(index, out);
}

void track_hub::clear_cache() {
  for (auto& c : gop_) gst_buffer_unref(c.buffer);
  gop_.clear();
}

std::vector<std::string> track_hub::caps_names() const {
  std::lock_guard<std::mutex> lock{mutex_};
  std::vector<std::string> names;
  for (auto& t : tracks_) names.push_back(t.caps_name);
  return names;
}

GstCaps* track_hub::caps(int index) const {
  std::lock_guard<std::mutex> lock{mutex_};
  if (index < 0 || size_t(index) >= tracks_.size()) return nullptr;
  return gst_caps_ref(tracks_[index].caps);
}

void track_hub::set_keyframe_request(std::function<void()> request) {
  std::shared_ptr<const std::function<void()>> drop;  // released without the lock
  std::lock_guard<std::mutex> lock{mutex_};
  drop = std::move(keyframe_request_);
  if (request) keyframe_request_ = std::make_shared<const std::function<void()>>(std::move(request));
}

uint64_t track_hub::subscribe(consumer_kind kind, std::shared_ptr<hub_sink> sink) {
  std::shared_ptr<const std::function<void()>> ask;
  auto id = add_subscriber(kind, std::move(sink), ask);
  if (ask) (*ask)();
  return id;
}

uint64_t track_hub::add_subscriber(consumer_kind kind, std::shared_ptr<hub_sink> sink,
                                   std::shared_ptr<const std::function<void()>>& ask) {
  std::lock_guard<std::mutex> lock{mutex_};
  if (closed_ || !sink) return 0;
  auto now = g_get_monotonic_time();
  if (keyframe_request_ && now - last_keyframe_request_us_ >= G_USEC_PER_SEC) {
    ask = keyframe_request_;
    last_keyframe_request_us_ = now;
  }
  subscriber s{next_id_++, kind, std::move(sink), false, 0, 0, {}, 0, 0};
  for (size_t i = 0; i < tracks_.size(); ++i)
    if (s.sink->wants(int(i))) s.sink->set_caps(int(i), tracks_[i].caps);
  auto newest = gop_.empty() ? GST_CLOCK_TIME_NONE : earliest(gop_.back().buffer);
  auto age = GstClockTime(std::max<int64_t>(0, g_get_monotonic_time() - last_buffer_us_.load())) * GST_USECOND;
  for (auto& c : gop_) deliver(s, c.track, c.buffer, newest, age);
  subscribers_.push_back(std::move(s));
  return subscribers_.back().id;
}

void track_hub::unsubscribe(uint64_t id) {
  std::shared_ptr<hub_sink> drop;  // released without the lock
  std::lock_guard<std::mutex> lock{mutex_};
  auto it = std::find_if(subscribers_.begin(), subscribers_.end(), [id](const subscriber& s) { return s.id == id; });
  if (it == subscribers_.end()) return;
  drop = std::move(it->sink);
  subscribers_.erase(it);
}

void track_hub::close() {
  std::vector<subscriber> ended;
  {
    std::lock_guard<std::mutex> lock{mutex_};
    closed_ = true;
    ended.swap(subscribers_);
  }
  for (auto& s : ended) s.sink->end();
}

std::vector<track_info> track_hub::tracks() const {
  std::lock_guard<std::mutex> lock{mutex_};
  std::vector<track_info> out;
  for (auto& t : tracks_) {
    track_info info;
    info.kind = t.video ? "video" : "audio";
    info.caps = t.caps_name;
    auto* codec = find_codec(t.caps_name);
    info.codec = codec ? codec->name : t.caps_name;
    auto* st = gst_caps_get_structure(t.caps, 0);
    gint v = 0;
    if (gst_structure_get_int(st, "width", &v)) info.width = uint32_t(v);
    if (gst_structure_get_int(st, "height", &v)) info.height = uint32_t(v);
    if (gst_structure_get_int(st, "rate", &v)) info.clock_rate = uint32_t(v);
    if (gst_structure_get_int(st, "channels", &v)) info.channels = uint32_t(v);
    info.bytes = t.bytes;
    info.packets = t.packets;
    out.push_back(std::move(info));
  }
  return out;
}

std::vector<consumer_info> track_hub::consumers() const {
  std::lock_guard<std::mutex> lock{mutex_};
  std::vector<consumer_info> out;
  for (auto& s : subscribers_) out.push_back({s.id, s.kind, s.bytes, s.packets, 0});
  return out;
}

}  // namespace sy
