// h264_rtp_packets: an H.264 access unit in avc form (length-prefixed NAL units,
// codec_data) -> RFC 6184 RTP packets, packetization mode 1: a NAL unit that fits
// the MTU goes alone, a larger one in FU-A fragments; SPS and PPS go before every
// keyframe that does not carry its own, so that a viewer can start at any keyframe.
// What rtph264pay config-interval=-1 does, without its per-packet GStreamer cost:
// each packet is one contiguous buffer, made once and shared by every viewer. Pure.
#pragma once

#include <gst/gst.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace sy {

class h264_rtp_packets {
 public:
  static constexpr size_t mtu = 1400;  // whole RTP packet, as rtph264pay's default

  /// From avc caps whose codec_data parses; nullptr otherwise (byte-stream caps go
  /// to rtph264pay).
  static std::unique_ptr<h264_rtp_packets> make(GstCaps* caps);

  /// The RTP caps (SDP's rtpmap and fmtp) for payload type `pt`.
  GstCaps* rtp_caps(int pt) const;

  /// Packetizes `unit` (not taken): packets appended to `out` (owned by the caller),
  /// numbered from `seq` on (advanced), the last one with the marker bit.
  void packetize(GstBuffer* unit, int pt, uint32_t ssrc, uint32_t timestamp, uint16_t& seq,
                 std::vector<GstBuffer*>& out) const;

 private:
  h264_rtp_packets() = default;
  std::string sps_, pps_;
  size_t length_size_ = 4;  // bytes of each NAL unit's length prefix
};

}  // namespace sy
