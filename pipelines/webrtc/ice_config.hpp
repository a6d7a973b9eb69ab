// ice_config: where WebRTC sessions listen and what they announce (go2rtc's
// `webrtc:` section). webrtcbin gives each session its own ICE agent, so sessions
// cannot share one port as go2rtc's do: they take ports from a range instead, which
// is what a firewall or a port forward has to open.
#pragma once

#include <gst/gst.h>

#include <cstdint>
#include <string>
#include <vector>

namespace sy {

struct ice_config {
  std::string host;                       // only host candidates on this address are announced; "": all
  uint16_t min_port = 0, max_port = 0;    // each session's UDP/TCP port comes from here; 0: any free port
  std::vector<std::string> candidates;    // more addresses announced, each with the session's port
  std::string stun_server;                // stun://host:port; "": none (never a public one by default)
  std::vector<std::string> turn_servers;  // turn(s)://user:pass@host:port[?transport=tcp]
};

/// A go2rtc `ice_servers` url ("stun:host:port", "turn:host:port?transport=tcp",
/// "turns:...") with its username and credential, in webrtcbin's form
/// ("stun://host:port", "turn://user:pass@host:port..."); "" with `error` otherwise.
std::string ice_server_url(const std::string& url, const std::string& username, const std::string& credential,
                           std::string& error);

/// The candidate lines of `sdp` as `ice` wants them announced: host candidates on
/// another address than `ice.host` dropped (when it is set), then each remaining
/// host candidate repeated once per `ice.candidates` address, with the same port
/// (a public address, or a NAT's, forwarding the session's port range).
std::string announce_candidates(const std::string& sdp, const ice_config& ice);

/// Sets `webrtcbin`'s port range, STUN and TURN servers before it gathers.
void apply_ice_config(GstElement* webrtcbin, const ice_config& ice);

}  // namespace sy
