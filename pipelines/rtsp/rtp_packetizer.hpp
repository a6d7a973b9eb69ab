// rtp_packetizer: one track's access units -> RTP packets, run synchronously on the
// caller's thread: H.264 in avc form by h264_rtp_packets, everything else by an
// inline_chain around the codec's GStreamer payloader. One per track of a
// watched stream, shared by all its RTSP viewers; a joiner's burst from the last
// keyframe is packetized by a second one with the same identity (SSRC, timestamp
// offset), so that its packets are those the live ones continue.
#pragma once

#include <gst/gst.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "pipelines/inline_chain.hpp"
#include "pipelines/rtsp/h264_rtp_packets.hpp"

namespace sy {

class rtp_packetizer {
 public:
  /// What makes two packetizers' packets one RTP stream.
  struct identity {
    int pt;
    uint32_t ssrc;
    uint32_t timestamp_offset;
  };
  /// A packetizer for caps structure name `caps_name`, or nullptr when the codec
  /// table has no payloader for it.
  static std::unique_ptr<rtp_packetizer> make(const std::string& caps_name, const identity& id);
  ~rtp_packetizer();
  rtp_packetizer(const rtp_packetizer&) = delete;
  rtp_packetizer& operator=(const rtp_packetizer&) = delete;

  /// The input caps (from the hub); false if the payloader refuses them.
  bool set_caps(GstCaps* caps);
  /// The RTP caps of the output (a new reference), or nullptr before set_caps.
  GstCaps* rtp_caps() const { return rtp_caps_ ? gst_caps_ref(rtp_caps_) : nullptr; }
  /// Packetizes one access unit (the reference is taken); the RTP packets (owned by
  /// the caller) are appended to `out`.
  void packetize(GstBuffer* unit, std::vector<GstBuffer*>& out);
  /// The sequence number its next packet will carry.
  uint16_t next_seq() const;

 private:
  rtp_packetizer() = default;
  bool make_chain();
  identity id_{};
  std::string payloader_;                   // launch text of the GStreamer payloader
  std::unique_ptr<h264_rtp_packets> h264_;  // set: packets are made here, not by the chain
  uint16_t seq_ = 0;                        // h264_'s next sequence number
  std::unique_ptr<inline_chain> chain_;     // made at the first caps that need it
  GstCaps* rtp_caps_ = nullptr;
  std::vector<GstBuffer*>* out_ = nullptr;  // set for the duration of packetize()
};

}  // namespace sy
