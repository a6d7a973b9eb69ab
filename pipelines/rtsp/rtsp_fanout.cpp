#include "pipelines/rtsp/rtsp_fanout.hpp"

#include <algorithm>

#include "pipelines/codec_table.hpp"
#include "pipelines/rtsp/sdp.hpp"

namespace sy {
namespace {

// A GOP larger than this is not kept whole (a joiner then waits for the next keyframe).
// The memory is the hub's own cached GOP: the fanout holds references.
constexpr size_t max_cached_bytes = 16 << 20;

bool is_video(GstCaps* caps) {
  auto* codec = find_codec(gst_structure_get_name(gst_caps_get_structure(caps, 0)));
  return codec && std::string(codec->kind) == "video";
}

}  // namespace

// The fanout as the hub sees it. Calls come with the hub's lock held, and none after
// unsubscribe returns, so the raw pointer is safe for them; end() comes without the
// lock and possibly after the fanout began to go away, hence the weak reference.
class rtsp_fanout::sink final : public hub_sink {
 public:
  sink(rtsp_fanout* owner, std::weak_ptr<rtsp_fanout> weak) : owner_(owner), weak_(std::move(weak)) {}
  bool wants(int) const override { return true; }  // set_caps decides what it can serve
  void set_caps(int track, GstCaps* caps) override { owner_->on_caps(track, caps); }
  void push(int track, GstBuffer* buffer) override { owner_->on_unit(track, buffer); }
  void end() override {
    if (auto self = weak_.lock()) self->on_end();
  }
  GstClockTime running_time(int) const override { return GST_CLOCK_TIME_NONE; }  // no clock: source time

 private:
  rtsp_fanout* owner_;
  std::weak_ptr<rtsp_fanout> weak_;
};

std::shared_ptr<rtsp_fanout> rtsp_fanout::open(opened_stream stream, std::string& error) {
  std::shared_ptr<rtsp_fanout> self{new rtsp_fanout};
  auto hub = stream.hub;
  self->stream_ = std::move(stream);
  self->subscription_ = hub->subscribe(consumer_kind::rtsp, std::make_shared<sink>(self.get(), self));
  if (!self->subscription_) {
    error = "stream is closing";
    return nullptr;
  }
  std::lock_guard<std::mutex> lock{self->mutex_};
  bool any = std::any_of(self->tracks_.begin(), self->tracks_.end(), [](auto& t) { return t.packetizer != nullptr; });
  if (!any) {
    error = "no track of this stream can be served over RTSP";
    return nullptr;
  }
  return self;
}

rtsp_fanout::~rtsp_fanout() {
  if (subscription_) stream_.hub->unsubscribe(subscription_);
  clear_cache();
  for (auto& t : tracks_)
    if (t.caps) gst_caps_unref(t.caps);
  if (stream_.release) stream_.release();
}

std::string rtsp_fanout::sdp() const {
  std::lock_guard<std::mutex> lock{mutex_};
  std::vector<sdp_track> described;
  for (size_t i = 0; i < tracks_.size(); ++i)
    if (tracks_[i].packetizer)
      if (auto* caps = tracks_[i].packetizer->rtp_caps()) described.push_back({int(i), caps});
  auto text = rtsp_sdp(described);
  for (auto& d : described) gst_caps_unref(d.caps);
  return text;
}

bool rtsp_fanout::has_track(int track) const {
  std::lock_guard<std::mutex> lock{mutex_};
  return track >= 0 && size_t(track) < tracks_.size() && tracks_[size_t(track)].packetizer;
}

void rtsp_fanout::play(const std::shared_ptr<rtsp_viewer>& viewer) {
  std::lock_guard<std::mutex> lock{mutex_};
  if (ended_) {
    viewer->close();
    return;
  }
  auto known = [&viewer](auto& list) { return std::find(list.begin(), list.end(), viewer) != list.end(); };
  if (known(viewers_) || known(joiners_)) return;
  bool has_video = std::any_of(tracks_.begin(), tracks_.end(), [](auto& t) { return t.packetizer && t.video; });
  if (cache_valid_ && !cache_.empty()) {
    viewer->set_playing(true, true);
    joiners_.push_back(viewer);  // its burst leaves with the next access unit, on the source's thread
    return;
  }
  viewer->set_playing(true, !has_video);
  viewers_.push_back(viewer);
}

void rtsp_fanout::stop(const rtsp_viewer* viewer) {
  std::lock_guard<std::mutex> lock{mutex_};
  for (auto* list : {&viewers_, &joiners_})
    list->erase(std::remove_if(list->begin(), list->end(), [viewer](auto& v) { return v.get() == viewer; }),
                list->end());
}

bool rtsp_fanout::ended() const {
  std::lock_guard<std::mutex> lock{mutex_};
  return ended_;
}

void rtsp_fanout::on_caps(int track, GstCaps* caps) {
  std::lock_guard<std::mutex> lock{mutex_};
  if (track < 0 || !gst_caps_is_fixed(caps)) return;  // a track's real caps come with its first buffer
  if (size_t(track) >= tracks_.size()) tracks_.resize(size_t(track) + 1);
  auto& t = tracks_[size_t(track)];
  if (!t.packetizer) {
    t.caps_name = gst_structure_get_name(gst_caps_get_structure(caps, 0));
    t.id = {96 + track, g_random_int(), g_random_int()};
    t.packetizer = rtp_packetizer::make(t.caps_name, t.id);
    t.video = is_video(caps);
  }
  if (t.packetizer && !t.packetizer->set_caps(caps)) t.packetizer.reset();
  if (t.packetizer) gst_caps_replace(&t.caps, caps);
}

void rtsp_fanout::on_unit(int track, GstBuffer* unit) {
  std::lock_guard<std::mutex> lock{mutex_};
  if (track < 0 || size_t(track) >= tracks_.size() || !tracks_[size_t(track)].packetizer) {
    gst_buffer_unref(unit);
    return;
  }
  auto& t = tracks_[size_t(track)];
  bool has_video = std::any_of(tracks_.begin(), tracks_.end(), [](auto& x) { return x.packetizer && x.video; });
  bool keyframe = t.video ? !GST_BUFFER_FLAG_IS_SET(unit, GST_BUFFER_FLAG_DELTA_UNIT) : !has_video;
  // Joiners get what came since the last keyframe, then this unit with the others
  // (a keyframe now makes the burst needless).
  for (auto& j : joiners_) {
    if (!(keyframe && t.video)) send_burst(*j);
    viewers_.push_back(std::move(j));
  }
  joiners_.clear();
  if (keyframe && t.video) {
    clear_cache();
    cache_valid_ = true;
  }
  if (cache_valid_ && has_video) {
    cache_.push_back({track, keyframe, gst_buffer_ref(unit)});
    cached_bytes_ += gst_buffer_get_size(unit);
    if (cached_bytes_ > max_cached_bytes) {
      clear_cache();
      cache_valid_ = false;
    }
  }
  std::vector<GstBuffer*> packets;
  t.packetizer->packetize(unit, packets);
  for (auto& v : viewers_) v->send(track, packets, keyframe);
  for (auto* p : packets) gst_buffer_unref(p);
}

// The cached access units, packetized for one viewer (one unit at a time, so that no
// more than a unit's packets exist at once) by packetizers of the same SSRC and
// timestamps as the live ones; the viewer then numbers the live packets on from the
// burst's last.
void rtsp_fanout::send_burst(rtsp_viewer& viewer) {
  std::vector<std::unique_ptr<rtp_packetizer>> burst(tracks_.size());
  std::vector<GstBuffer*> packets;
  for (auto& c : cache_) {
    auto& t = tracks_[size_t(c.track)];
    auto& p = burst[size_t(c.track)];
    if (!p) {
      p = rtp_packetizer::make(t.caps_name, t.id);
      if (p && !p->set_caps(t.caps)) p.reset();
    }
    if (!p) continue;
    p->packetize(gst_buffer_ref(c.unit), packets);
    viewer.send(c.track, packets, c.keyframe);
    for (auto* packet : packets) gst_buffer_unref(packet);
    packets.clear();
  }
  for (size_t t = 0; t < tracks_.size(); ++t)
    if (burst[t] && tracks_[t].packetizer) viewer.continue_sequence(int(t), tracks_[t].packetizer->next_seq());
}

void rtsp_fanout::on_end() {
  std::lock_guard<std::mutex> lock{mutex_};
  ended_ = true;
  for (auto* list : {&viewers_, &joiners_}) {
    for (auto& v : *list) v->close();
    list->clear();
  }
}

void rtsp_fanout::clear_cache() {
  for (auto& c : cache_) gst_buffer_unref(c.unit);
  cache_.clear();
  cached_bytes_ = 0;
}

}  // namespace sy
