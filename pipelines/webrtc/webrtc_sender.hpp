// webrtc_sender: one WebRTC viewer of a stream, a webrtcbin fed from the stream's
// hub. It answers the browser's offer with the tracks that pass through (H.264,
// Opus, PCMA, PCMU: pipelines/webrtc/webrtc_offer.hpp), gathers host candidates
// (no STUN or TURN unless configured; none in tests) and answers with all of them
// at once, as go2rtc's JSON API does.
#pragma once

#include <gst/gst.h>

#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "pipelines/hub/track_hub.hpp"
#include "pipelines/webrtc/webrtc_peer.hpp"

namespace sy {

class webrtc_sender {
 public:
  /// The answer to `offer` for the tracks of `hubs` (a stream's own, then the
  /// transcodes it started for this viewer), or nullptr with `error`. Each m-line
  /// sends the first track, in that order, of the codec it was matched to. `ice`:
  /// the ports it listens on and the candidates the answer announces.
  static std::unique_ptr<webrtc_sender> answer(const std::vector<hub_ptr>& hubs, const std::string& offer,
                                               const ice_config& ice, std::string& answer, answer_error& error,
                                               std::chrono::milliseconds timeout = std::chrono::seconds(5));
  ~webrtc_sender();  // unsubscribes from the hub and stops the pipeline
  webrtc_sender(const webrtc_sender&) = delete;
  webrtc_sender& operator=(const webrtc_sender&) = delete;

  /// The peer is gone: ICE or DTLS failed or closed, it said BYE, or its RTCP
  /// reports stopped (see peer_silence).
  bool ended() const;

  /// A candidate the peer trickled ("candidate:..." as in RTCIceCandidate.candidate),
  /// for m-line `mline` (0 fits a bundled offer, as browsers send).
  void add_candidate(const std::string& candidate, unsigned mline = 0);

 private:
  webrtc_sender() = default;
  GstElement* pipeline_ = nullptr;
  std::unique_ptr<webrtc_peer> peer_;
  std::vector<std::pair<hub_ptr, uint64_t>> subscriptions_;
};

}  // namespace sy
