// What a browser's SDP offer asks of a sender, and what Switchyard can send it:
// for each m-line, the payload type of the offered codec that matches one of the
// stream's tracks (H.264 with packetization-mode=1 passed through; Opus, PCMA or
// PCMU audio passed through). Pure.
#pragma once

#include <string>
#include <vector>

namespace sy {

struct offered_media {
  std::string kind;      // "video", "audio" (other kinds: "")
  std::string mid;
  int payload = -1;      // chosen payload type; -1: nothing we have fits this m-line
  std::string encoding;  // e.g. "H264", "OPUS", "PCMA"
  int clock_rate = 0;
  std::string fmtp;      // the offer's fmtp for `payload` (echoed in the caps)
  int twcc_ext = 0;      // the offer's extmap id of transport-wide CC sequence numbers; 0: none
};

/// The RTP header extension of transport-wide congestion control: a receiver that
/// gets packets carrying it sends feedback every 50-250 ms (browsers do).
extern const char* const twcc_uri;

/// The m-line whose packets carry that extension, -1 for none: the audio one when
/// the offer takes audio with it (tens of packets a second, where 720p video is
/// hundreds, each stamped at a cost), else the video one. One is enough for the
/// peer's feedback to flow.
int feedback_mline(const std::vector<offered_media>& media);

struct offer_match {
  std::vector<offered_media> media;  // one per m-line, in order
  std::string error;                 // the offer could not be parsed
};

/// `encodings`: what the stream has, as RTP encoding names ("H264", "OPUS", ...);
/// `h264_profile`: its H.264 profile_idc and constraint flags as four hex digits
/// ("42e0" constrained baseline, "4d00" main, "6400" high), so that the offered
/// payload type of that profile is chosen (browsers match the answer's profile to
/// what they offered; a constrained-baseline stream sent as plain baseline 42001f
/// was never decoded).
offer_match match_offer(const std::string& sdp, const std::vector<std::string>& encodings,
                        const std::string& h264_profile = {});

/// The candidates of an SDP ("candidate:..." without the "a=" and the line end),
/// as a WebSocket `webrtc/candidate` message carries them.
std::vector<std::string> sdp_candidates(const std::string& sdp);

/// GStreamer's H.264 caps profile ("high", "main", "constrained-baseline", ...) as
/// profile_idc and constraint flags in four hex digits; "" if unknown.
std::string h264_profile_idc(const std::string& caps_profile);

}  // namespace sy
