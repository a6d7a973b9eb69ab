#include "pipelines/webrtc/webrtc_sender.hpp"

#define GST_USE_UNSTABLE_API
#include <gst/webrtc/webrtc.h>

#include <algorithm>
#include <chrono>
#include <thread>
#include <vector>

#include "pipelines/codec_table.hpp"
#include "pipelines/hub/appsrc_sink.hpp"
#include "pipelines/webrtc/webrtc_launch.hpp"
#include "pipelines/webrtc/webrtc_offer.hpp"

namespace sy {
namespace {

// The hub's subscriber for a sender: appsrcs that stamp each frame as it arrives. A
// relay's RTP times follow arrival (go2rtc's do); with the hub's rebased times, a
// stream whose video and audio times differ by hours (x264's are 1000 h ahead)
// reached webrtcbin with video far ahead of the clock, and 1 session in 4 sent no
// video at all.
class arrival_sink final : public hub_sink {
 public:
  explicit arrival_sink(const std::vector<GstElement*>& inputs) : inner_(inputs) {}
  bool wants(int track) const override { return inner_.wants(track); }
  void set_caps(int track, GstCaps* caps) override { inner_.set_caps(track, caps); }
  void push(int track, GstBuffer* buffer) override {
    GST_BUFFER_PTS(buffer) = GST_BUFFER_DTS(buffer) = GST_CLOCK_TIME_NONE;  // ours: a shallow copy made for us
    inner_.push(track, buffer);
  }
  void end() override { inner_.end(); }
  GstClockTime running_time(int) const override { return GST_CLOCK_TIME_NONE; }

 private:
  appsrc_sink inner_;
};

// Whether every linked sink pad of `webrtc` has its caps.
bool sinks_have_caps(GstElement* webrtc) {
  bool all = true;
  GstIterator* it = gst_element_iterate_sink_pads(webrtc);
  GValue item = G_VALUE_INIT;
  while (all && gst_iterator_next(it, &item) == GST_ITERATOR_OK) {
    auto* pad = GST_PAD(g_value_get_object(&item));
    if (gst_pad_is_linked(pad)) all = gst_pad_has_current_caps(pad);
    g_value_reset(&item);
  }
  g_value_unset(&item);
  gst_iterator_free(it);
  return all;
}

}  // namespace

std::unique_ptr<webrtc_sender> webrtc_sender::answer(const std::vector<hub_ptr>& hubs, const std::string& offer,
                                                     const ice_config& ice, std::string& answer, answer_error& error,
                                                     std::chrono::milliseconds timeout) {
  // What the hubs have, as RTP encodings, and which hub track each one is.
  std::vector<std::pair<size_t, int>> where;  // (hub, track) of each encoding
  std::vector<std::string> encodings;
  std::string profile;
  for (size_t h = 0; h < hubs.size(); ++h) {
    auto names = hubs[h]->caps_names();
    for (size_t t = 0; t < names.size(); ++t) {
      auto* codec = find_codec(names[t]);
      encodings.push_back(codec ? codec->name : "");
      where.emplace_back(h, int(t));
      if (names[t] != "video/x-h264" || !profile.empty()) continue;
      if (auto* caps = hubs[h]->caps(int(t))) {
        if (auto* p = gst_structure_get_string(gst_caps_get_structure(caps, 0), "profile"))
          profile = h264_profile_idc(p);
        gst_caps_unref(caps);
      }
    }
  }
  auto match = match_offer(offer, encodings, profile);
  auto* pipeline = parse_peer_launch(match, webrtc_launch, error);
  if (!pipeline) return nullptr;
  std::unique_ptr<webrtc_sender> self{new webrtc_sender};
  self->pipeline_ = pipeline;
  auto* webrtc = gst_bin_get_by_name(GST_BIN(self->pipeline_), "wb");
  self->peer_ = std::make_unique<webrtc_peer>(webrtc, ice, peer_silence(match.media));
  gst_object_unref(webrtc);
  if (gst_element_set_state(self->pipeline_, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    return error.fail("webrtc: the sender refused to start"), nullptr;
  if (!self->peer_->set_offer(offer, error)) return nullptr;
  webrtc = self->peer_->element();
  // Each m-line's transceiver (made by the offer) sends our track: its direction,
  // its codec (our caps, the offer's payload type), then the payloader linked to it.
  for (size_t m = 0; m < match.media.size(); ++m) {
    if (match.media[m].payload < 0) continue;
    auto* pay = gst_bin_get_by_name(GST_BIN(self->pipeline_), ("pay" + std::to_string(m)).c_str());
    if (!pay) continue;
    GstWebRTCRTPTransceiver* trans = nullptr;
    g_signal_emit_by_name(webrtc, "get-transceiver", int(m), &trans);
    auto* src = gst_element_get_static_pad(pay, "src");
    auto* sink = gst_element_request_pad_simple(webrtc, ("sink_" + std::to_string(m)).c_str());
    if (trans) {
      auto* caps = gst_pad_query_caps(src, nullptr);
      g_object_set(trans, "direction", GST_WEBRTC_RTP_TRANSCEIVER_DIRECTION_SENDONLY, "codec-preferences", caps, nullptr);
      gst_caps_unref(caps);
      gst_object_unref(trans);
    }
    bool linked = sink && gst_pad_link(src, sink) == GST_PAD_LINK_OK;
    if (int(m) == feedback_mline(match.media)) self->peer_->watch_sent(pay, "src");
    if (sink) gst_object_unref(sink);
    gst_object_unref(src);
    gst_object_unref(pay);
    if (!linked) return error.fail("webrtc: cannot send on m-line " + std::to_string(m)), nullptr;
  }

  // The hubs feed each payloader its track: the first track of the m-line's encoding.
  std::vector<std::vector<GstElement*>> inputs(hubs.size());
  for (size_t h = 0; h < hubs.size(); ++h) inputs[h].assign(hubs[h]->caps_names().size(), nullptr);
  std::vector<bool> taken(encodings.size(), false);
  std::vector<GstElement*> held;
  for (size_t m = 0; m < match.media.size(); ++m) {
    auto& media = match.media[m];
    if (media.payload < 0) continue;
    for (size_t e = 0; e < encodings.size(); ++e) {
      if (taken[e] || encodings[e] != media.encoding) continue;
      auto [h, t] = where[e];
      if (size_t(t) >= inputs[h].size()) continue;
      auto* in = gst_bin_get_by_name(GST_BIN(self->pipeline_), ("in" + std::to_string(m)).c_str());
      inputs[h][t] = in;
      taken[e] = true;
      held.push_back(in);
      break;
    }
  }
  for (size_t h = 0; h < hubs.size(); ++h) {
    bool feeds = std::any_of(inputs[h].begin(), inputs[h].end(), [](GstElement* e) { return e != nullptr; });
    if (!feeds) continue;
    auto id = hubs[h]->subscribe(consumer_kind::webrtc, std::make_shared<arrival_sink>(inputs[h]));
    if (!id) {
      error.fail("stream is closing");
      break;
    }
    self->subscriptions_.emplace_back(hubs[h], id);
  }
  for (auto* in : held) gst_object_unref(in);
  if (!error.text.empty()) return nullptr;
  // webrtcbin answers with the caps that have reached its sink pads: answered
  // before the first frame got there, 1 session in 10 (10 viewers of a 720p
  // camera) connected and was sent no video at all. The cached GOP arrives at once.
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while (!sinks_have_caps(self->peer_->element()) && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  if (!self->peer_->finish_answer(match.media, ice, timeout, answer, error)) return nullptr;
  return self;
}

bool webrtc_sender::ended() const { return peer_->ended(); }

void webrtc_sender::add_candidate(const std::string& candidate, unsigned mline) {
  peer_->add_candidate(candidate, mline);
}

webrtc_sender::~webrtc_sender() {
  for (auto& [hub, id] : subscriptions_) hub->unsubscribe(id);
  peer_.reset();
  if (pipeline_) {
    gst_element_set_state(pipeline_, GST_STATE_NULL);
    gst_object_unref(pipeline_);
  }
}

}  // namespace sy
