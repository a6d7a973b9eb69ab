// h264_caps: the caps of an H.264 stream in avc form from its SPS and PPS, as
// h264parse would give them (codec_data = avcC, coded size after cropping, profile
// and level), so that the native RTSP reader needs no parser element for H.264.
// Pure (GStreamer's codec parser library reads the SPS).
#pragma once

#include <gst/gst.h>

#include <string>

namespace sy {

/// `sps`, `pps`: NAL units without start code or length. nullptr when the SPS does
/// not parse.
GstCaps* h264_avc_caps(const std::string& sps, const std::string& pps);

}  // namespace sy
