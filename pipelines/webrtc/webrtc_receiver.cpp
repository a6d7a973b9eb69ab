#include "pipelines/webrtc/webrtc_receiver.hpp"

#define GST_USE_UNSTABLE_API
#include <gst/webrtc/webrtc.h>

#include "pipelines/webrtc/webrtc_launch.hpp"

namespace sy {
namespace {

// Asks the publisher for a keyframe: a force-key-unit event up each of webrtcbin's
// outputs. On its way up rtpbin names the SSRC and payload type, and the RTP
// session sends the publisher a PLI (a FIR if the offer has only "ccm fir").
void ask_keyframe(GstElement* webrtc) {
  GstIterator* it = gst_element_iterate_src_pads(webrtc);
  GValue item = G_VALUE_INIT;
  while (gst_iterator_next(it, &item) == GST_ITERATOR_OK) {
    auto* pad = GST_PAD(g_value_get_object(&item));
    gst_pad_send_event(pad, gst_event_new_custom(GST_EVENT_CUSTOM_UPSTREAM,
                                                 gst_structure_new("GstForceKeyUnit", "all-headers", G_TYPE_BOOLEAN,
                                                                   FALSE, nullptr)));
    g_value_reset(&item);
  }
  g_value_unset(&item);
  gst_iterator_free(it);
}

}  // namespace

std::unique_ptr<webrtc_receiver> webrtc_receiver::answer(hub_ptr hub, source_notify_fn notify, const std::string& offer,
                                                         const ice_config& ice, std::string& answer, answer_error& error,
                                                         std::chrono::milliseconds timeout) {
  auto match = match_offer(offer, {"H264", "OPUS", "PCMA", "PCMU"});
  auto* pipeline = parse_peer_launch(match, webrtc_receive_launch, error);
  if (!pipeline) return nullptr;
  int accepted = 0;
  for (auto& m : match.media) accepted += m.payload >= 0;
  std::unique_ptr<webrtc_receiver> self{new webrtc_receiver};
  self->peer_ = std::make_unique<webrtc_peer>(pipeline, ice, publisher_silence());
  // The stream hears that the publisher's media failed; the session, that it is gone.
  auto watch = self->peer_->shared_watch();
  auto forward = [notify = std::move(notify), watch](source_event ev) {
    if (ev.kind == source_event::error || ev.kind == source_event::eos) watch->gone.store(true);
    notify(std::move(ev));
  };
  self->hub_ = hub;
  self->source_ = source_pipeline::adopt(pipeline, std::move(hub), forward, accepted, error.text);
  if (!self->source_) {
    error.server = true;  // adopt() wrote the text
    return nullptr;
  }
  if (!self->peer_->set_offer(offer, error)) return nullptr;
  // Each m-line's transceiver receives the codec chosen for it (the offer's payload
  // type); a browser would otherwise send its first preference, VP8.
  auto* webrtc = self->peer_->element();
  for (size_t m = 0; m < match.media.size(); ++m) {
    GstWebRTCRTPTransceiver* trans = nullptr;
    g_signal_emit_by_name(webrtc, "get-transceiver", int(m), &trans);
    if (!trans) continue;
    auto& om = match.media[m];
    if (om.payload >= 0) {
      auto* caps = gst_caps_from_string(offered_rtp_caps(om).c_str());
      g_object_set(trans, "direction", GST_WEBRTC_RTP_TRANSCEIVER_DIRECTION_RECVONLY, "codec-preferences", caps,
                   nullptr);
      if (caps) gst_caps_unref(caps);
    } else {
      g_object_set(trans, "direction", GST_WEBRTC_RTP_TRANSCEIVER_DIRECTION_INACTIVE, nullptr);
    }
    gst_object_unref(trans);
  }
  if (!self->peer_->finish_answer(match.media, ice, timeout, answer, error)) return nullptr;
  // A new viewer gets a fresh keyframe (a browser publishing sends one only when asked).
  std::shared_ptr<GstElement> element{GST_ELEMENT(gst_object_ref(webrtc)), gst_object_unref};
  self->hub_->set_keyframe_request([element] { ask_keyframe(element.get()); });
  return self;
}

webrtc_receiver::~webrtc_receiver() {
  if (hub_) hub_->set_keyframe_request({});
  source_.reset();  // NULL first: no callback runs after this
  peer_.reset();
}

}  // namespace sy
