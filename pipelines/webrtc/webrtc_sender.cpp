#include "pipelines/webrtc/webrtc_sender.hpp"

#define GST_USE_UNSTABLE_API
#include <gst/sdp/sdp.h>
#include <gst/webrtc/webrtc.h>

#include <algorithm>
#include <cstdlib>
#include <thread>
#include <vector>

#include "pipelines/codec_table.hpp"
#include "pipelines/hub/appsrc_sink.hpp"
#include "pipelines/parse.hpp"
#include "pipelines/webrtc/webrtc_launch.hpp"
#include "pipelines/webrtc/webrtc_offer.hpp"

namespace sy {
namespace {

// Waits for a webrtcbin promise; its reply (owned by the promise) or nullptr.
const GstStructure* wait(GstPromise* promise, std::string& error, const char* what) {
  auto result = gst_promise_wait(promise);
  if (result != GST_PROMISE_RESULT_REPLIED) {
    error = std::string{"webrtc: "} + what + " did not complete";
    return nullptr;
  }
  auto* reply = gst_promise_get_reply(promise);
  if (reply && gst_structure_has_field(reply, "error")) {
    GError* err = nullptr;
    gst_structure_get(reply, "error", G_TYPE_ERROR, &err, nullptr);
    error = std::string{"webrtc: "} + what + ": " + (err ? err->message : "failed");
    if (err) g_error_free(err);
    return nullptr;
  }
  return reply;
}

bool set_description(GstElement* webrtc, const char* signal, GstWebRTCSessionDescription* desc, std::string& error) {
  auto* promise = gst_promise_new();
  g_signal_emit_by_name(webrtc, signal, desc, promise);
  wait(promise, error, signal);
  gst_promise_unref(promise);
  return error.empty();
}

using ended_flag = std::shared_ptr<webrtc_sender::peer_watch>;

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// The peer is gone when ICE fails or disconnects, or when its DTLS closes (a
// browser's pc.close() sends close_notify: noticed at once, not after ICE's timeout).
void on_state(GstElement* webrtc, GParamSpec*, gpointer data) {
  GstWebRTCICEConnectionState ice;
  GstWebRTCPeerConnectionState peer;
  g_object_get(webrtc, "ice-connection-state", &ice, "connection-state", &peer, nullptr);
  if (ice == GST_WEBRTC_ICE_CONNECTION_STATE_FAILED || ice == GST_WEBRTC_ICE_CONNECTION_STATE_DISCONNECTED ||
      ice == GST_WEBRTC_ICE_CONNECTION_STATE_CLOSED || peer == GST_WEBRTC_PEER_CONNECTION_STATE_FAILED ||
      peer == GST_WEBRTC_PEER_CONNECTION_STATE_DISCONNECTED || peer == GST_WEBRTC_PEER_CONNECTION_STATE_CLOSED)
    (*static_cast<ended_flag*>(data))->gone.store(true);
}

// RTCP from the peer. libnice has no consent freshness and a browser's pc.close()
// sends no BYE, so the peer's reports stopping is how a viewer that left is noticed;
// a BYE (or rtpbin's own timeout) ends it at once.
void on_rtcp_gone(GstElement*, guint, guint, gpointer data) { (*static_cast<ended_flag*>(data))->gone.store(true); }
void on_rtcp(GstElement*, guint, guint, gpointer data) { (*static_cast<ended_flag*>(data))->last_rtcp.store(now_ns()); }

void watch_rtcp(GstElement* webrtc, const ended_flag& ended) {
  GstIterator* it = gst_bin_iterate_elements(GST_BIN(webrtc));
  GValue item = G_VALUE_INIT;
  while (gst_iterator_next(it, &item) == GST_ITERATOR_OK) {
    auto* child = GST_ELEMENT(g_value_get_object(&item));
    auto* factory = gst_element_get_factory(child);
    if (factory && std::string{GST_OBJECT_NAME(factory)} == "rtpbin")
      for (auto* signal : {"on-bye-ssrc", "on-timeout", "on-ssrc-active"})
        g_signal_connect_data(child, signal,
                              signal[3] == 's' ? G_CALLBACK(on_rtcp) : G_CALLBACK(on_rtcp_gone), new ended_flag(ended),
                              [](gpointer data, GClosure*) { delete static_cast<ended_flag*>(data); }, GConnectFlags(0));
    g_value_reset(&item);
  }
  g_value_unset(&item);
  gst_iterator_free(it);
}

// The answer's H.264 fmtp says what the offer said for that payload type (go2rtc
// does the same). webrtcbin writes it from the payloader's caps, which lack
// profile-level-id until media flows, and a browser reads a missing one as
// baseline level 1.0 and refuses the stream.
void echo_offered_fmtp(GstSDPMessage* sdp, const std::vector<offered_media>& media) {
  for (guint m = 0; m < gst_sdp_message_medias_len(sdp) && m < media.size(); ++m) {
    auto& om = media[m];
    if (om.payload < 0 || om.encoding != "H264" || om.fmtp.empty()) continue;
    auto* sm = const_cast<GstSDPMedia*>(gst_sdp_message_get_media(sdp, m));
    auto value = std::to_string(om.payload) + " " + om.fmtp;
    bool replaced = false;
    for (guint i = 0; i < gst_sdp_media_attributes_len(sm) && !replaced; ++i) {
      auto* a = gst_sdp_media_get_attribute(sm, i);
      if (!a->key || std::string{a->key} != "fmtp" || !a->value || std::atoi(a->value) != om.payload) continue;
      GstSDPAttribute attr;
      gst_sdp_attribute_set(&attr, "fmtp", value.c_str());
      gst_sdp_media_replace_attribute(sm, i, &attr);
      replaced = true;
    }
    if (!replaced) gst_sdp_media_add_attribute(sm, "fmtp", value.c_str());
  }
}

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

}  // namespace

std::unique_ptr<webrtc_sender> webrtc_sender::answer(const std::vector<hub_ptr>& hubs, const std::string& offer,
                                                     const ice_config& ice, std::string& answer, std::string& error,
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
  if (!match.error.empty()) {
    error = match.error;
    return nullptr;
  }
  auto launch = webrtc_launch(match.media);
  if (launch.text.empty()) {
    error = launch.error;
    return nullptr;
  }
  auto parsed = parse_launch(launch.text);
  if (!parsed.element) {
    error = "webrtc: " + parsed.error;
    return nullptr;
  }
  std::unique_ptr<webrtc_sender> self{new webrtc_sender};
  // A browser reports every second or so for video, every 5 s for audio alone.
  bool video = false;
  for (auto& m : match.media) video = video || (m.payload >= 0 && m.kind == "video");
  self->silence_ns_ = video ? 2500000000 : 7500000000;
  self->ended_->last_rtcp.store(now_ns() + 5000000000);  // time to connect
  self->pipeline_ = parsed.element;
  self->webrtc_ = gst_bin_get_by_name(GST_BIN(self->pipeline_), "wb");
  apply_ice_config(self->webrtc_, ice);
  for (auto* signal : {"notify::ice-connection-state", "notify::connection-state"})
    g_signal_connect_data(self->webrtc_, signal, G_CALLBACK(on_state), new ended_flag(self->ended_),
                          [](gpointer data, GClosure*) { delete static_cast<ended_flag*>(data); }, GConnectFlags(0));
  watch_rtcp(self->webrtc_, self->ended_);
  if (gst_element_set_state(self->pipeline_, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) {
    error = "webrtc: the sender refused to start";
    return nullptr;
  }
  GstSDPMessage* sdp = nullptr;
  gst_sdp_message_new_from_text(offer.c_str(), &sdp);
  auto* remote = gst_webrtc_session_description_new(GST_WEBRTC_SDP_TYPE_OFFER, sdp);
  bool ok = set_description(self->webrtc_, "set-remote-description", remote, error);
  gst_webrtc_session_description_free(remote);
  if (!ok) return nullptr;
  // Each m-line's transceiver (made by the offer) sends our track: its direction,
  // its codec (our caps, the offer's payload type), then the payloader linked to it.
  for (size_t m = 0; m < match.media.size(); ++m) {
    if (match.media[m].payload < 0) continue;
    auto* pay = gst_bin_get_by_name(GST_BIN(self->pipeline_), ("pay" + std::to_string(m)).c_str());
    if (!pay) continue;
    GstWebRTCRTPTransceiver* trans = nullptr;
    g_signal_emit_by_name(self->webrtc_, "get-transceiver", int(m), &trans);
    auto* src = gst_element_get_static_pad(pay, "src");
    auto* sink = gst_element_request_pad_simple(self->webrtc_, ("sink_" + std::to_string(m)).c_str());
    if (trans) {
      auto* caps = gst_pad_query_caps(src, nullptr);
      g_object_set(trans, "direction", GST_WEBRTC_RTP_TRANSCEIVER_DIRECTION_SENDONLY, "codec-preferences", caps, nullptr);
      gst_caps_unref(caps);
      gst_object_unref(trans);
    }
    bool linked = sink && gst_pad_link(src, sink) == GST_PAD_LINK_OK;
    if (sink) gst_object_unref(sink);
    gst_object_unref(src);
    gst_object_unref(pay);
    if (!linked) {
      error = "webrtc: cannot send on m-line " + std::to_string(m);
      return nullptr;
    }
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
      error = "stream is closing";
      break;
    }
    self->subscriptions_.emplace_back(hubs[h], id);
  }
  for (auto* in : held) gst_object_unref(in);
  if (!error.empty()) return nullptr;
  auto* promise = gst_promise_new();
  g_signal_emit_by_name(self->webrtc_, "create-answer", nullptr, promise);
  GstWebRTCSessionDescription* local = nullptr;
  if (auto* reply = wait(promise, error, "create-answer"))
    gst_structure_get(reply, "answer", GST_TYPE_WEBRTC_SESSION_DESCRIPTION, &local, nullptr);
  gst_promise_unref(promise);
  if (!local) {
    if (error.empty()) error = "webrtc: no answer";
    return nullptr;
  }
  ok = set_description(self->webrtc_, "set-local-description", local, error);
  gst_webrtc_session_description_free(local);
  if (!ok) return nullptr;

  // Every host candidate in the answer (no trickle in go2rtc's JSON API).
  auto until = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    GstWebRTCICEGatheringState gathering;
    g_object_get(self->webrtc_, "ice-gathering-state", &gathering, nullptr);
    if (gathering == GST_WEBRTC_ICE_GATHERING_STATE_COMPLETE) break;
    if (std::chrono::steady_clock::now() > until) {
      error = "webrtc: no ICE candidates in time";
      return nullptr;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  GstWebRTCSessionDescription* done = nullptr;
  g_object_get(self->webrtc_, "local-description", &done, nullptr);
  if (!done) {
    error = "webrtc: no local description";
    return nullptr;
  }
  echo_offered_fmtp(done->sdp, match.media);
  gchar* text = gst_sdp_message_as_text(done->sdp);
  answer = announce_candidates(text, ice);
  g_free(text);
  gst_webrtc_session_description_free(done);

  return self;
}

bool webrtc_sender::ended() const {
  return ended_->gone.load() || now_ns() - ended_->last_rtcp.load() > silence_ns_;
}

void webrtc_sender::add_candidate(const std::string& candidate, unsigned mline) {
  // An empty candidate is the browser's end-of-candidates: nothing to add.
  if (candidate.empty()) return;
  g_signal_emit_by_name(webrtc_, "add-ice-candidate", mline, candidate.c_str());
}

webrtc_sender::~webrtc_sender() {
  for (auto& [hub, id] : subscriptions_) hub->unsubscribe(id);
  if (pipeline_) {
    gst_element_set_state(pipeline_, GST_STATE_NULL);
    gst_object_unref(pipeline_);
  }
  if (webrtc_) gst_object_unref(webrtc_);
}

}  // namespace sy
