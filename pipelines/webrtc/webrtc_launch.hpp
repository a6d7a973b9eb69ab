// Launch text of a WebRTC sender: webrtcbin `wb` and, for each m-line of the offer
// that one of the stream's tracks fits, `appsrc in<M>` -> payloader -> RTP caps that
// echo the offer's payload type and fmtp -> `queue pay<M>`, which the sender links to
// webrtcbin's sink_<M> once the offer has made that m-line's transceiver. Pure.
#pragma once

#include <gst/gst.h>

#include <string>
#include <vector>

#include "pipelines/source_launch.hpp"
#include "pipelines/webrtc/webrtc_offer.hpp"
#include "pipelines/webrtc/webrtc_peer.hpp"

namespace sy {

launch_result webrtc_launch(const std::vector<offered_media>& media);

/// Launch text of a WebRTC publisher's receiver (WHIP): webrtcbin `out0`, whose
/// pads the source glue depayloads into the stream's hub. Refused when no m-line of
/// the offer sends a codec Switchyard takes in (H.264, Opus, PCMA, PCMU). Pure.
launch_result webrtc_receive_launch(const std::vector<offered_media>& media);

/// The parsed pipeline `make` builds for `match` (a sender's or a receiver's):
/// nullptr with `error` when the offer could not be read, nothing in it fits, or
/// GStreamer refused the text (this side's failure).
GstElement* parse_peer_launch(const offer_match& match, launch_result (*make)(const std::vector<offered_media>&),
                              answer_error& error);

/// The RTP caps of an offered m-line's chosen codec: its payload type, clock rate
/// and fmtp (profile-level-id left out). Pure.
std::string offered_rtp_caps(const offered_media& om);

}  // namespace sy
