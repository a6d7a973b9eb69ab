// sdp: the session description a DESCRIBE answers with. Pure.
#pragma once

#include <gst/gst.h>

#include <string>
#include <vector>

namespace sy {

struct sdp_track {
  int track;      // control "trackID=<track>"
  GstCaps* caps;  // application/x-rtp caps of its packets (not owned)
};

/// An SDP (RFC 4566) with one m= section per track, from the RTP caps; empty when a
/// track's caps cannot be described.
std::string rtsp_sdp(const std::vector<sdp_track>& tracks);

}  // namespace sy
