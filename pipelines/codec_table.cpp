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
    // Raw audio: only ffmpeg:...#audio=pcm makes it, as 16-bit big-endian (L16).
    {"audio/x-raw", "audio", "L16", "pcm_s16be", "rtpL16pay"},
    {"image/jpeg", "video", "JPEG", "mjpeg", "rtpjpegpay"},
};

// Depayloaders for what cameras send. H.264/H.265 are forced to alignment=au between
// depayloader and parser: the depayloader completes an access unit on the RTP
// marker bit, whereas a parser fed single NAL units can only close an access unit
// when the next one starts, which delays every frame by one frame interval.
struct depay_entry {
  const char* encoding_name;
  const char* fragment;
};
const depay_entry depays[] = {
    {"H264", "rtph264depay ! video/x-h264,alignment=au ! h264parse"},
    {"H265", "rtph265depay ! video/x-h265,alignment=au ! h265parse"},
    {"MPEG4-GENERIC", "rtpmp4gdepay ! aacparse"},
    {"OPUS", "rtpopusdepay ! opusparse"},
    {"PCMU", "rtppcmudepay"},
    {"PCMA", "rtppcmadepay"},
    {"JPEG", "rtpjpegdepay"},
};

struct nal_parser_entry {
  const char* encoding_name;
  const char* parser;
  const char* caps;
};
// Annex B in; out as the GStreamer depayloaders give it (avc/hvc1 with codec_data), so
// that a stream's caps carry its parameter sets from the first unit on (the RTSP
// output's SDP is made from them), whichever source it comes from.
const nal_parser_entry nal_parsers[] = {
    {"H264", "h264parse ! capsfilter caps=video/x-h264,stream-format=avc,alignment=au",
     "video/x-h264,stream-format=byte-stream,alignment=au"},
    {"H265", "h265parse ! capsfilter caps=video/x-h265,stream-format=hvc1,alignment=au",
     "video/x-h265,stream-format=byte-stream,alignment=au"},
};

const nal_parser_entry* find_nal_parser(const std::string& encoding_name) {
  for (auto& p : nal_parsers)
    if (encoding_name == p.encoding_name) return &p;
  return nullptr;
}

}  // namespace

const char* nal_parser_fragment(const std::string& encoding_name) {
  auto* p = find_nal_parser(encoding_name);
  return p ? p->parser : nullptr;
}

const char* nal_parser_caps(const std::string& encoding_name) {
  auto* p = find_nal_parser(encoding_name);
  return p ? p->caps : nullptr;
}

const char* rtp_depay_fragment(const std::string& encoding_name) {
  for (auto& d : depays)
    if (encoding_name == d.encoding_name) return d.fragment;
  return nullptr;
}

const codec_entry* find_codec_by_encoding(const std::string& encoding_name) {
  for (auto& c : codecs)
    if (encoding_name == c.name) return &c;
  return nullptr;
}

const codec_entry* find_codec(const std::string& caps_name) {
  for (auto& c : codecs)
    if (caps_name == c.caps_name) return &c;
  return nullptr;
}

}  // namespace sy
