#include "pipelines/h264_caps.hpp"

#define GST_USE_UNSTABLE_API  // the codec parsers library says it may change; 1.22 is what we build against
#include <gst/codecparsers/gsth264parser.h>

#include <vector>

namespace sy {
namespace {

const char* profile_name(const GstH264SPS& sps) {
  switch (sps.profile_idc) {
    case 66: return sps.constraint_set1_flag ? "constrained-baseline" : "baseline";
    case 77: return "main";
    case 88: return "extended";
    case 100: return sps.constraint_set4_flag && sps.constraint_set5_flag ? "constrained-high" : "high";
    case 110: return "high-10";
    case 122: return "high-4:2:2";
    case 244: return "high-4:4:4";
    default: return nullptr;
  }
}

std::string level_name(const GstH264SPS& sps) {
  if (sps.level_idc == 11 && sps.constraint_set3_flag && (sps.profile_idc == 66 || sps.profile_idc == 77)) return "1b";
  if (sps.level_idc % 10 == 0) return std::to_string(sps.level_idc / 10);
  return std::to_string(sps.level_idc / 10) + "." + std::to_string(sps.level_idc % 10);
}

}  // namespace

GstCaps* h264_avc_caps(const std::string& sps_nal, const std::string& pps_nal) {
  if (sps_nal.size() < 4 || pps_nal.empty() || sps_nal.size() > 0xFFFF || pps_nal.size() > 0xFFFF) return nullptr;
  auto* parser = gst_h264_nal_parser_new();
  GstH264NalUnit nalu{};
  GstH264SPS sps{};
  auto* data = reinterpret_cast<const guint8*>(sps_nal.data());
  // The NAL unit as a whole: offset 0, no start code (identify_nalu_avc with a 0-byte length is not allowed,
  // so the header is described by hand).
  nalu.ref_idc = (data[0] >> 5) & 3;
  nalu.type = data[0] & 0x1F;
  nalu.data = const_cast<guint8*>(data);
  nalu.offset = 0;
  nalu.sc_offset = 0;
  nalu.size = guint(sps_nal.size());
  nalu.header_bytes = 1;
  nalu.valid = TRUE;
  bool ok = nalu.type == GST_H264_NAL_SPS && gst_h264_parser_parse_sps(parser, &nalu, &sps) == GST_H264_PARSER_OK;
  gst_h264_nal_parser_free(parser);
  if (!ok) return nullptr;
  int width = sps.frame_cropping_flag ? sps.crop_rect_width : sps.width;
  int height = sps.frame_cropping_flag ? sps.crop_rect_height : sps.height;
  auto* profile = profile_name(sps);
  auto level = level_name(sps);
  gst_h264_sps_clear(&sps);

  // avcC (ISO/IEC 14496-15): version, profile, compatibility, level, 4-byte lengths, one SPS, one PPS.
  std::vector<guint8> avcc{1, guint8(sps_nal[1]), guint8(sps_nal[2]), guint8(sps_nal[3]), 0xFF, 0xE1,
                           guint8(sps_nal.size() >> 8), guint8(sps_nal.size())};
  avcc.insert(avcc.end(), sps_nal.begin(), sps_nal.end());
  avcc.insert(avcc.end(), {1, guint8(pps_nal.size() >> 8), guint8(pps_nal.size())});
  avcc.insert(avcc.end(), pps_nal.begin(), pps_nal.end());
  auto* codec_data = gst_buffer_new_memdup(avcc.data(), avcc.size());

  auto* caps = gst_caps_new_simple("video/x-h264", "stream-format", G_TYPE_STRING, "avc", "alignment", G_TYPE_STRING,
                                   "au", "codec_data", GST_TYPE_BUFFER, codec_data, "width", G_TYPE_INT, width,
                                   "height", G_TYPE_INT, height, "level", G_TYPE_STRING, level.c_str(), nullptr);
  if (profile) gst_caps_set_simple(caps, "profile", G_TYPE_STRING, profile, nullptr);
  gst_buffer_unref(codec_data);
  return caps;
}

}  // namespace sy
