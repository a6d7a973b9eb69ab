// webrtc_peer: the signalling and liveness of one webrtcbin, shared by a viewer
// (webrtc_sender) and a publisher (webrtc_receiver): the offer in, the complete
// answer out (every candidate gathered, as go2rtc's JSON API and WHIP/WHEP want it),
// trickled candidates, and whether the peer is gone (ICE or DTLS failed or closed,
// a BYE, or its RTCP stopped). The owner keeps the pipeline; this holds a ref on
// the webrtcbin only.
#pragma once

#include <gst/gst.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "pipelines/webrtc/ice_config.hpp"
#include "pipelines/webrtc/webrtc_offer.hpp"

namespace sy {

/// Why an offer got no answer. `server`: this side failed (a pipeline that would not
/// start, no ICE candidate in time), not the offer; the API answers 500, else 400.
struct answer_error {
  std::string text;
  bool server = false;
  /// Sets the text of a failure of this side; false, for `return fail(...)`.
  bool fail(std::string what) {
    text = std::move(what);
    server = true;
    return false;
  }
};

class webrtc_peer {
 public:
  /// What GStreamer's threads tell about the peer (shared with their callbacks).
  struct watch {
    std::atomic<bool> gone{false};
    std::atomic<int64_t> last_heard{0};  // the peer's last packet in (RTCP, or RTP), steady clock ns
    std::atomic<int64_t> last_sent{0};  // our last RTP packet to it that asks for feedback
  };

  /// How long the peer may be silent before it counts as gone.
  struct silence {
    std::chrono::milliseconds quiet;         // in any case
    std::chrono::milliseconds unanswered{};  // while our media flows (0: not used)
  };

  /// Takes a ref on `webrtcbin`, applies `ice` and watches its states and packets. The
  /// peer counts as gone after `limits` without a packet from it (counted from 5 s after the answer: time to connect).
  webrtc_peer(GstElement* webrtcbin, const ice_config& ice, silence limits);
  ~webrtc_peer();
  webrtc_peer(const webrtc_peer&) = delete;
  webrtc_peer& operator=(const webrtc_peer&) = delete;

  GstElement* element() const { return webrtc_; }
  /// Sets the offer as the remote description (the webrtcbin must be PLAYING).
  bool set_offer(const std::string& offer, answer_error& error);
  /// Creates and sets the answer, waits for every candidate (at most `timeout`), and
  /// returns the SDP: H.264 fmtp echoed from the offer, candidates as `ice` says.
  bool finish_answer(const std::vector<offered_media>& media, const ice_config& ice, std::chrono::milliseconds timeout,
                     std::string& answer, answer_error& error);
  /// Counts what leaves `element`'s `pad` as media the peer owes feedback for (see
  /// peer_silence): the packets of the feedback m-line.
  void watch_sent(GstElement* element, const char* pad);
  /// A candidate the peer trickled, for m-line `mline`; an empty one (end of candidates) is ignored.
  void add_candidate(const std::string& candidate, unsigned mline = 0);
  bool ended() const;
  /// Marks the peer gone (its media ended or failed).
  void set_gone() { watch_->gone.store(true); }
  std::shared_ptr<watch> shared_watch() const { return watch_; }

 private:
  GstElement* webrtc_ = nullptr;
  std::shared_ptr<watch> watch_ = std::make_shared<watch>();
  int64_t quiet_ns_ = 0;
  int64_t unanswered_ns_ = 0;
};

/// How long a peer may send no RTCP before it counts as gone. A browser reports
/// every 0.5-1.5 s when it gets video, every 5 s for audio alone: 2.5 s and 7.5 s.
/// Once it gets media with transport-wide CC it also sends feedback every 50-250
/// ms: 1.2 s without any while our media flows means it left (a crash, a lost
/// network: nothing said goodbye).
webrtc_peer::silence peer_silence(const std::vector<offered_media>& media);

/// How long a publisher may send nothing at all before it counts as gone: its RTP
/// flows at 25-50 packets a second while it publishes (a disabled track sends
/// black frames or silence): 1.2 s, as for a viewer's feedback (a publisher asks
/// for none).
webrtc_peer::silence publisher_silence();

}  // namespace sy
