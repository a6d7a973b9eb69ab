#include "pipelines/codec_table.hpp"

namespace sy {
namespace {

const codec_entry codecs[] = {
    // config-interval=-1: repeat SPS/PPS before every keyframe so a client joining
    // mid-stream can decode from the first keyframe it gets.
    {"video/x-h264", "video", "H264", "h264", "rtph264pay config-interval=-1 aggregate-mode=zero-latency"},
    {"video/x-h265", "video", "H265", "h265", "rtph265pay config-interval=-1 aggregate-mode=zero-latency"},
    // RFC 3640 (mpeg4-generic), what cameras and go2rtc use for AAC.
    {"audio/mpeg", "audio", "MPEG4-GENERIC", "aac", "rtpmp4gpay"},
    {"audio/x-opus", "audio", "OPUS", "opus", "rtpopuspay"},
    {"audio/x-mulaw", "audio", "PCMU", "pcm_mulaw", "rtppcmupay"},
    {"audio/x-alaw", "audio", "PCMA", "pcm_alaw", "rtppcmapay"},
    {"image/jpeg", "video", "JPEG", "mjpeg", "rtpjpegpay"},
};

}  // namespace

const codec_entry* find_codec(const std::string& caps_name) {
  for (auto& c : codecs)
    if (caps_name == c.caps_name) return &c;
  return nullptr;
}

}  // namespace sy
