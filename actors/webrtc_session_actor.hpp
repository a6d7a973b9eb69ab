// webrtc_session actor: one WebRTC peer of a stream, a viewer (webrtc_sender) or a
// publisher (WHIP, webrtc_receiver), and the leases it holds on the stream.
//
// Spawned by the HTTP API once the peer's offer is answered, then named by the
// webrtc_sessions actor, which hands it the peer's trickled candidates. It ends when
// its peer leaves (checked every 250 ms: DTLS close_notify, RTCP BYE, ICE or DTLS
// failure, RTCP silence), on `delete` (DELETE of its Location), or on an exit message
// (the HTTP API stops). Ending hands the peer to a one-shot detached actor: stopping
// webrtcbin blocks; then the stream hears its consumer (or publisher) left.
// Never: block, or let anything but this actor touch the peer.
#pragma once

#include <caf/all.hpp>

#include <memory>
#include <string>
#include <vector>

#include "actors/protocol.hpp"
#include "actors/stream_client.hpp"
#include "pipelines/webrtc/webrtc_receiver.hpp"
#include "pipelines/webrtc/webrtc_sender.hpp"

namespace sy {

/// What a session owns. Destroying it stops the peer's pipeline (blocking), then
/// releases its leases: a viewer detaches from the stream (and its transcodes), a
/// publisher unpublishes `dst`.
struct webrtc_peer_parts {
  std::unique_ptr<webrtc_sender> sender;      // a viewer's
  std::unique_ptr<webrtc_receiver> receiver;  // a publisher's
  attachment att;
  std::vector<attachment> transcodes;  // the stream's transcodes a viewer's video or audio comes from
  registry_actor registry;  // a publisher's: told when it leaves
  std::string dst;          // a publisher's stream

  bool ended() const;
  void add_candidate(const std::string& candidate);
  ~webrtc_peer_parts();
};

/// A session owning `parts` (it must hold a sender or a receiver).
webrtc_session_actor spawn_webrtc_session(caf::actor_system& sys, std::unique_ptr<webrtc_peer_parts> parts);

}  // namespace sy
