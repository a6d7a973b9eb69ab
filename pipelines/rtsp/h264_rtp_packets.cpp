#include "pipelines/rtsp/h264_rtp_packets.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>

namespace sy {
namespace {

struct packet_writer {
  int pt;
  uint32_t ssrc, timestamp;
  uint16_t& seq;
  std::vector<GstBuffer*>& out;

  // One packet: RTP header, then `prefix` (FU indicator and header), then `data`.
  void add(const uint8_t* prefix, size_t prefix_size, const uint8_t* data, size_t size) {
    auto* buffer = gst_buffer_new_allocate(nullptr, 12 + prefix_size + size, nullptr);
    GstMapInfo map;
    gst_buffer_map(buffer, &map, GST_MAP_WRITE);
    uint8_t* p = map.data;
    uint16_t n = seq++;
    uint8_t header[12] = {0x80, uint8_t(pt & 0x7F), uint8_t(n >> 8), uint8_t(n), uint8_t(timestamp >> 24),
                          uint8_t(timestamp >> 16), uint8_t(timestamp >> 8), uint8_t(timestamp), uint8_t(ssrc >> 24),
                          uint8_t(ssrc >> 16), uint8_t(ssrc >> 8), uint8_t(ssrc)};
    std::memcpy(p, header, 12);
    if (prefix_size) std::memcpy(p + 12, prefix, prefix_size);
    std::memcpy(p + 12 + prefix_size, data, size);
    gst_buffer_unmap(buffer, &map);
    out.push_back(buffer);
  }

  void nal(const uint8_t* data, size_t size) {
    constexpr size_t room = h264_rtp_packets::mtu - 12;
    if (size <= room) return add(nullptr, 0, data, size);
    uint8_t fu[2] = {uint8_t((data[0] & 0xE0) | 28), uint8_t(0x80 | (data[0] & 0x1F))};  // FU-A, start
    for (size_t at = 1; at < size;) {
      size_t take = std::min(room - 2, size - at);
      if (at + take == size) fu[1] = uint8_t((fu[1] & 0x1F) | 0x40);  // end
      add(fu, 2, data + at, take);
      fu[1] &= 0x1F;
      at += take;
    }
  }
};

void set_marker(GstBuffer* packet) {
  GstMapInfo map;
  if (gst_buffer_map(packet, &map, GST_MAP_WRITE)) {
    map.data[1] |= 0x80;
    gst_buffer_unmap(packet, &map);
  }
}

}  // namespace

std::unique_ptr<h264_rtp_packets> h264_rtp_packets::make(GstCaps* caps) {
  if (!caps || gst_caps_is_empty(caps)) return nullptr;
  auto* st = gst_caps_get_structure(caps, 0);
  auto* format = gst_structure_get_string(st, "stream-format");
  const GValue* data = gst_structure_get_value(st, "codec_data");
  if (!gst_structure_has_name(st, "video/x-h264") || !format || std::strcmp(format, "avc") != 0 || !data ||
      !GST_VALUE_HOLDS_BUFFER(data))
    return nullptr;
  GstMapInfo map;
  auto* buffer = gst_value_get_buffer(data);
  if (!gst_buffer_map(buffer, &map, GST_MAP_READ)) return nullptr;
  std::unique_ptr<h264_rtp_packets> self{new h264_rtp_packets};
  // avcC: version, profile, compatibility, level, length size - 1, SPS count, (size, SPS)..., PPS count, (size, PPS)...
  const uint8_t* d = map.data;
  size_t n = map.size;
  bool ok = n >= 7 && d[0] == 1;
  if (ok) {
    self->length_size_ = size_t(d[4] & 3) + 1;
    size_t at = 5;
    for (int list = 0; list < 2 && ok; ++list) {
      ok = at < n;
      if (!ok) break;
      int count = list == 0 ? d[at] & 0x1F : d[at];
      ++at;
      for (int i = 0; i < count && ok; ++i) {
        ok = at + 2 <= n && at + 2 + size_t(d[at] << 8 | d[at + 1]) <= n;
        if (!ok) break;
        size_t size = size_t(d[at] << 8 | d[at + 1]);
        auto& slot = list == 0 ? self->sps_ : self->pps_;
        if (slot.empty()) slot.assign(reinterpret_cast<const char*>(d + at + 2), size);
        at += 2 + size;
      }
    }
    ok = ok && self->sps_.size() >= 4 && !self->pps_.empty();
  }
  gst_buffer_unmap(buffer, &map);
  return ok ? std::move(self) : nullptr;
}

GstCaps* h264_rtp_packets::rtp_caps(int pt) const {
  auto b64 = [](const std::string& s) {
    gchar* e = g_base64_encode(reinterpret_cast<const guchar*>(s.data()), s.size());
    std::string out = e;
    g_free(e);
    return out;
  };
  char profile[7];
  std::snprintf(profile, sizeof profile, "%02x%02x%02x", uint8_t(sps_[1]), uint8_t(sps_[2]), uint8_t(sps_[3]));
  auto sprop = b64(sps_) + "," + b64(pps_);
  return gst_caps_new_simple("application/x-rtp", "media", G_TYPE_STRING, "video", "payload", G_TYPE_INT, pt,
                             "clock-rate", G_TYPE_INT, 90000, "encoding-name", G_TYPE_STRING, "H264",
                             "packetization-mode", G_TYPE_STRING, "1", "profile-level-id", G_TYPE_STRING, profile,
                             "sprop-parameter-sets", G_TYPE_STRING, sprop.c_str(), nullptr);
}

void h264_rtp_packets::packetize(GstBuffer* unit, int pt, uint32_t ssrc, uint32_t timestamp, uint16_t& seq,
                                 std::vector<GstBuffer*>& out) const {
  GstMapInfo map;
  if (!gst_buffer_map(unit, &map, GST_MAP_READ)) return;
  packet_writer w{pt, ssrc, timestamp, seq, out};
  size_t first = out.size();
  bool keyframe = !GST_BUFFER_FLAG_IS_SET(unit, GST_BUFFER_FLAG_DELTA_UNIT);
  bool has_sps = false;
  for (size_t at = 0; at + length_size_ < map.size;) {
    size_t size = 0;
    for (size_t i = 0; i < length_size_; ++i) size = size << 8 | map.data[at + i];
    at += length_size_;
    if (size == 0 || at + size > map.size) break;
    int type = map.data[at] & 0x1F;
    has_sps = has_sps || type == 7;
    if (type == 5 && keyframe && !has_sps) {  // the parameter sets a joiner needs, once
      w.nal(reinterpret_cast<const uint8_t*>(sps_.data()), sps_.size());
      w.nal(reinterpret_cast<const uint8_t*>(pps_.data()), pps_.size());
      has_sps = true;
    }
    if (type != 9) w.nal(map.data + at, size);  // access unit delimiters are not sent (as rtph264pay)
    at += size;
  }
  gst_buffer_unmap(unit, &map);
  if (out.size() > first) set_marker(out.back());
}

}  // namespace sy
