// webrtc_receiver: one WebRTC publisher (WHIP, POST /api/webrtc?dst=NAME): a
// webrtcbin that takes the offer's H.264, Opus, PCMA or PCMU and whose tracks the
// source glue (source_pipeline::adopt) depayloads into the stream's hub, as a
// camera's would be. It answers with every host candidate at once, like a viewer.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "pipelines/hub/source_pipeline.hpp"
#include "pipelines/webrtc/webrtc_peer.hpp"

namespace sy {

class webrtc_receiver {
 public:
  /// The answer to `offer`, feeding `hub`; `notify` gets the source events (tracks
  /// ready once every accepted m-line brought media; error or eos when it fails).
  /// nullptr with `error` if nothing in the offer can be taken in.
  static std::unique_ptr<webrtc_receiver> answer(hub_ptr hub, source_notify_fn notify, const std::string& offer,
                                                 const ice_config& ice, std::string& answer, answer_error& error,
                                                 std::chrono::milliseconds timeout = std::chrono::seconds(5));
  ~webrtc_receiver();  // stops the pipeline: the hub gets nothing more
  webrtc_receiver(const webrtc_receiver&) = delete;
  webrtc_receiver& operator=(const webrtc_receiver&) = delete;

  /// The publisher is gone (see webrtc_peer::ended), or its media failed.
  bool ended() const { return peer_->ended(); }
  void add_candidate(const std::string& candidate, unsigned mline = 0) { peer_->add_candidate(candidate, mline); }

 private:
  webrtc_receiver() = default;
  hub_ptr hub_;  // asks this publisher for keyframes until destruction
  std::unique_ptr<webrtc_peer> peer_;
  std::unique_ptr<source_pipeline> source_;
};

}  // namespace sy
