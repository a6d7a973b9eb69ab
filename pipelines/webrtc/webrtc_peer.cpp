#include "pipelines/webrtc/webrtc_peer.hpp"

#define GST_USE_UNSTABLE_API
#include <gst/sdp/sdp.h>
#include <gst/webrtc/webrtc.h>

#include <cstdlib>
#include <thread>

namespace sy {
namespace {

using watch_ptr = std::shared_ptr<webrtc_peer::watch>;

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

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

void connect_watch(gpointer instance, const char* signal, GCallback cb, const watch_ptr& w) {
  g_signal_connect_data(instance, signal, cb, new watch_ptr(w),
                        [](gpointer data, GClosure*) { delete static_cast<watch_ptr*>(data); }, GConnectFlags(0));
}

// The peer is gone when ICE fails or disconnects (or webrtcbin's own state says so;
// a close_notify does not move it: see on_dtls_record).
void on_state(GstElement* webrtc, GParamSpec*, gpointer data) {
  GstWebRTCICEConnectionState ice;
  GstWebRTCPeerConnectionState peer;
  g_object_get(webrtc, "ice-connection-state", &ice, "connection-state", &peer, nullptr);
  if (ice == GST_WEBRTC_ICE_CONNECTION_STATE_FAILED || ice == GST_WEBRTC_ICE_CONNECTION_STATE_DISCONNECTED ||
      ice == GST_WEBRTC_ICE_CONNECTION_STATE_CLOSED || peer == GST_WEBRTC_PEER_CONNECTION_STATE_FAILED ||
      peer == GST_WEBRTC_PEER_CONNECTION_STATE_DISCONNECTED || peer == GST_WEBRTC_PEER_CONNECTION_STATE_CLOSED)
    (*static_cast<watch_ptr*>(data))->gone.store(true);
}

// RTCP from the peer. libnice has no consent freshness, so a peer that vanished
// without closing (a crash, a lost network) is noticed by its reports stopping; a
// BYE (or rtpbin's own timeout) ends it at once.
void on_rtcp_gone(GstElement*, guint, guint, gpointer data) { (*static_cast<watch_ptr*>(data))->gone.store(true); }
void on_rtcp(GstElement*, guint, guint, gpointer data) { (*static_cast<watch_ptr*>(data))->last_heard.store(now_ns()); }

// Calls f(element) for each element of `it` made by factory `name`, then frees `it`.
template <class F>
void each_made_by(GstIterator* it, const char* name, F&& f) {
  GValue item = G_VALUE_INIT;
  while (gst_iterator_next(it, &item) == GST_ITERATOR_OK) {
    auto* child = GST_ELEMENT(g_value_get_object(&item));
    auto* factory = gst_element_get_factory(child);
    if (factory && std::string{GST_OBJECT_NAME(factory)} == name) f(child);
    g_value_reset(&item);
  }
  g_value_unset(&item);
  gst_iterator_free(it);
}

void watch_rtcp(GstElement* webrtc, const watch_ptr& w) {
  each_made_by(gst_bin_iterate_elements(GST_BIN(webrtc)), "rtpbin", [&](GstElement* rtpbin) {
    connect_watch(rtpbin, "on-ssrc-active", G_CALLBACK(on_rtcp), w);
    connect_watch(rtpbin, "on-bye-ssrc", G_CALLBACK(on_rtcp_gone), w);
    connect_watch(rtpbin, "on-timeout", G_CALLBACK(on_rtcp_gone), w);
  });
}

// A DTLS alert record from the peer (content type 21): after the handshake, the
// close_notify a browser's pc.close() sends. webrtcbin (1.22) logs it and changes
// no state, so the peer's leaving is read off the wire, at once, instead of after
// its RTCP has been silent for seconds. (DTLS 1.2 shows the record type in clear;
// GStreamer's OpenSSL speaks no DTLS 1.3.)
GstPadProbeReturn on_dtls_record(GstPad*, GstPadProbeInfo* info, gpointer data) {
  auto* buffer = GST_PAD_PROBE_INFO_BUFFER(info);
  guint8 type = 0;
  if (buffer && gst_buffer_extract(buffer, 0, &type, 1) == 1 && type == 21)
    (*static_cast<watch_ptr*>(data))->gone.store(true);
  return GST_PAD_PROBE_OK;
}

void watch_dtls(GstElement* webrtc, const watch_ptr& w) {
  each_made_by(gst_bin_iterate_recurse(GST_BIN(webrtc)), "dtlsdec", [&](GstElement* dtlsdec) {
    if (auto* sink = gst_element_get_static_pad(dtlsdec, "sink")) {
      gst_pad_add_probe(sink, GST_PAD_PROBE_TYPE_BUFFER, on_dtls_record, new watch_ptr(w),
                        [](gpointer data) { delete static_cast<watch_ptr*>(data); });
      gst_object_unref(sink);
    }
  });
}

// Every packet in from the peer (its RTCP: reports, and the transport-wide CC
// feedback that rtpbin's on-ssrc-active does not signal; a publisher's RTP), and
// every packet out to it that asks for feedback.
GstPadProbeReturn stamp(std::atomic<int64_t>& at) {
  at.store(now_ns(), std::memory_order_relaxed);
  return GST_PAD_PROBE_OK;
}
GstPadProbeReturn on_packet_in(GstPad*, GstPadProbeInfo*, gpointer data) {
  return stamp((*static_cast<watch_ptr*>(data))->last_heard);
}
GstPadProbeReturn on_rtp_out(GstPad*, GstPadProbeInfo*, gpointer data) {
  return stamp((*static_cast<watch_ptr*>(data))->last_sent);
}

void probe_pad(GstElement* element, const char* pad_name, GstPadProbeCallback cb, const watch_ptr& w) {
  auto* pad = gst_element_get_static_pad(element, pad_name);  // a request pad too, once made
  if (!pad) return;
  gst_pad_add_probe(pad, GstPadProbeType(GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_BUFFER_LIST), cb,
                    new watch_ptr(w), [](gpointer data) { delete static_cast<watch_ptr*>(data); });
  gst_object_unref(pad);
}

void watch_packets(GstElement* webrtc, const watch_ptr& w) {
  each_made_by(gst_bin_iterate_recurse(GST_BIN(webrtc)), "rtpsession", [&](GstElement* session) {
    probe_pad(session, "recv_rtcp_sink", on_packet_in, w);
    probe_pad(session, "recv_rtp_sink", on_packet_in, w);
  });
}

// The answer's H.264 fmtp says what the offer said for that payload type, when the
// answer has it (go2rtc does the same). webrtcbin writes it from the payloader's caps, which lack
// profile-level-id until media flows, and a browser reads a missing one as
// baseline level 1.0 and refuses the stream.
void echo_offered_fmtp(GstSDPMessage* sdp, const std::vector<offered_media>& media) {
  for (guint m = 0; m < gst_sdp_message_medias_len(sdp) && m < media.size(); ++m) {
    auto& om = media[m];
    if (om.payload < 0 || om.encoding != "H264" || om.fmtp.empty()) continue;
    auto* sm = const_cast<GstSDPMedia*>(gst_sdp_message_get_media(sdp, m));
    bool answered = false;  // webrtcbin may have answered with another payload type of the codec
    for (guint f = 0; f < gst_sdp_media_formats_len(sm); ++f)
      answered = answered || std::atoi(gst_sdp_media_get_format(sm, f)) == om.payload;
    if (!answered) continue;
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

}  // namespace

// How long a peer has to connect (ICE, DTLS, its first RTCP) after the answer. A
// peer that closes before its first RTCP report is only noticed when this runs out
// (a viewer that leaves at its first frame): 10 s kept 10 such viewers sending for
// seconds after they left (webrtc_bench: 8.4-9.6 % CPU against 2.8 % with 5 s).
constexpr long long connect_grace_ns = 5'000'000'000;

webrtc_peer::silence peer_silence(const std::vector<offered_media>& media) {
  using std::chrono::milliseconds;
  webrtc_peer::silence out{milliseconds(7500)};
  for (auto& m : media)
    if (m.payload >= 0 && m.kind == "video") out.quiet = milliseconds(2500);
  if (feedback_mline(media) >= 0) out.unanswered = milliseconds(1200);
  return out;
}

webrtc_peer::silence publisher_silence() { return webrtc_peer::silence{std::chrono::milliseconds(1200)}; }

webrtc_peer::webrtc_peer(GstElement* webrtcbin, const ice_config& ice, silence limits)
    : webrtc_(GST_ELEMENT(gst_object_ref(webrtcbin))),
      quiet_ns_(std::chrono::duration_cast<std::chrono::nanoseconds>(limits.quiet).count()),
      unanswered_ns_(std::chrono::duration_cast<std::chrono::nanoseconds>(limits.unanswered).count()) {
  watch_->last_heard.store(now_ns() + connect_grace_ns);
  apply_ice_config(webrtc_, ice);
  connect_watch(webrtc_, "notify::ice-connection-state", G_CALLBACK(on_state), watch_);
  connect_watch(webrtc_, "notify::connection-state", G_CALLBACK(on_state), watch_);
  watch_rtcp(webrtc_, watch_);
}

webrtc_peer::~webrtc_peer() { gst_object_unref(webrtc_); }

bool webrtc_peer::set_offer(const std::string& offer, answer_error& error) {
  GstSDPMessage* sdp = nullptr;
  if (gst_sdp_message_new_from_text(offer.c_str(), &sdp) != GST_SDP_OK || !sdp) {
    error.text = "webrtc: the offer is not SDP";
    return false;
  }
  auto* remote = gst_webrtc_session_description_new(GST_WEBRTC_SDP_TYPE_OFFER, sdp);
  bool ok = set_description(webrtc_, "set-remote-description", remote, error.text);
  gst_webrtc_session_description_free(remote);
  return ok;
}

bool webrtc_peer::finish_answer(const std::vector<offered_media>& media, const ice_config& ice,
                                std::chrono::milliseconds timeout, std::string& answer, answer_error& error) {
  error.server = true;  // the offer is set: what fails from here is this side's
  auto* promise = gst_promise_new();
  g_signal_emit_by_name(webrtc_, "create-answer", nullptr, promise);
  GstWebRTCSessionDescription* local = nullptr;
  if (auto* reply = wait(promise, error.text, "create-answer"))
    gst_structure_get(reply, "answer", GST_TYPE_WEBRTC_SESSION_DESCRIPTION, &local, nullptr);
  gst_promise_unref(promise);
  if (!local) {
    if (error.text.empty()) error.text = "webrtc: no answer";
    return false;
  }
  bool ok = set_description(webrtc_, "set-local-description", local, error.text);
  gst_webrtc_session_description_free(local);
  if (!ok) return false;
  watch_dtls(webrtc_, watch_);  // its transports exist once both descriptions are set
  watch_packets(webrtc_, watch_);

  // Every candidate in the answer (no trickle in go2rtc's JSON API, nor in WHIP/WHEP
  // here). A gathering that has not completed in time (seen once in 300 sessions
  // on a loaded machine) answers with the candidates it has, if any: the peer's
  // own are in its offer, so one of ours is enough for ICE to connect.
  auto until = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    GstWebRTCICEGatheringState gathering;
    g_object_get(webrtc_, "ice-gathering-state", &gathering, nullptr);
    if (gathering == GST_WEBRTC_ICE_GATHERING_STATE_COMPLETE || std::chrono::steady_clock::now() > until) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  GstWebRTCSessionDescription* done = nullptr;
  g_object_get(webrtc_, "local-description", &done, nullptr);
  if (!done) {
    error.text = "webrtc: no local description";
    return false;
  }
  echo_offered_fmtp(done->sdp, media);
  gchar* text = gst_sdp_message_as_text(done->sdp);
  answer = announce_candidates(text, ice);
  g_free(text);
  gst_webrtc_session_description_free(done);
  if (answer.find("a=candidate:") == std::string::npos) {
    error.text = "webrtc: no ICE candidates in time";
    return false;
  }
  // The peer's time to connect counts from the answer, not from the offer: counted
  // from the offer, a slow gathering on a loaded machine (ASan, 20 sessions at once)
  // ate into it, and once a browser was left checking, most likely against a session
  // that had already ended. ICE failing still ends a session at once (on_state).
  watch_->last_heard.store(now_ns() + connect_grace_ns);
  return true;
}

void webrtc_peer::watch_sent(GstElement* element, const char* pad) { probe_pad(element, pad, on_rtp_out, watch_); }

void webrtc_peer::add_candidate(const std::string& candidate, unsigned mline) {
  if (candidate.empty()) return;
  g_signal_emit_by_name(webrtc_, "add-ice-candidate", mline, candidate.c_str());
}

bool webrtc_peer::ended() const {
  if (watch_->gone.load()) return true;
  auto heard = watch_->last_heard.load();
  auto silent = now_ns() - heard;
  if (silent > quiet_ns_) return true;
  // Feedback was due: our media kept flowing well past the peer's last packet.
  return unanswered_ns_ > 0 && silent > unanswered_ns_ && watch_->last_sent.load() - heard > unanswered_ns_ / 2;
}

}  // namespace sy
