// What Switchyard knows about each elementary-stream format: its go2rtc name,
// its kind, and how to packetise it for RTSP. Pure.
#pragma once

#include <string>

namespace sy {

struct codec_entry {
  const char* caps_name;   // GStreamer caps structure name
  const char* kind;        // "video" | "audio"
  const char* name;        // go2rtc's codec name in "medias"
  const char* api_name;    // go2rtc's codec_name in "codec"
  const char* payloader;   // launch fragment of the RTP payloader (without name/pt)
};

/// Launch text that turns one RTP stream of `encoding_name` (e.g. "H264") into parsed,
/// access-unit-aligned frames, or nullptr when unknown (the caller falls back to
/// parsebin).
const char* rtp_depay_fragment(const std::string& encoding_name);

/// For H.264/H.265 ("H264", "H265"), depayloaded by rtp_nal_depay: the parser
/// launch text and its input caps (Annex B access units); nullptr otherwise.
const char* nal_parser_fragment(const std::string& encoding_name);
const char* nal_parser_caps(const std::string& encoding_name);

/// The entry for a caps structure name (e.g. "video/x-h264"), or nullptr when the
/// format cannot be re-served.
const codec_entry* find_codec(const std::string& caps_name);
/// The entry for an RTP encoding name (e.g. "H264", "OPUS"), or nullptr.
const codec_entry* find_codec_by_encoding(const std::string& encoding_name);

}  // namespace sy
