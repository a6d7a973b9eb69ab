#include "pipelines/hls/ts_writer.hpp"

#include <algorithm>
#include <cstring>

#include "pipelines/codec_string.hpp"

namespace sy {
namespace {

constexpr uint16_t pmt_pid = 0x1000;
constexpr uint16_t first_es_pid = 0x100;
constexpr uint64_t pts_offset = 90000;  // 1 s, so that the PCR (earlier) stays positive
constexpr uint64_t pcr_lead = 9000;     // the PCR is 100 ms before the PTS it goes with

const char start_code[4] = {0, 0, 0, 1};

uint8_t u8(const std::string& s, size_t at) { return at < s.size() ? uint8_t(s[at]) : 0; }
uint16_t u16(const std::string& s, size_t at) { return uint16_t(u8(s, at) << 8 | u8(s, at + 1)); }

// `count` NAL units of a configuration record from `at` (each a 16-bit length, then
// the unit), appended to `out` as Annex B; false if the record is cut short.
bool append_nal_units(const std::string& c, size_t& at, int count, std::string& out) {
  for (int i = 0; i < count; ++i) {
    size_t len = u16(c, at);
    if (at + 2 + len > c.size()) return false;
    out.append(start_code, 4).append(c, at + 2, len);
    at += 2 + len;
  }
  return true;
}

// avcC: SPS and PPS as Annex B; false if it is cut short.
bool avcc_sets(const std::string& c, std::string& out) {
  size_t at = 5;
  for (int list = 0; list < 2; ++list) {
    if (at >= c.size()) return false;
    int count = list == 0 ? u8(c, at) & 0x1F : u8(c, at);
    ++at;
    if (!append_nal_units(c, at, count, out)) return false;
  }
  return true;
}

// hvcC: VPS, SPS and PPS as Annex B; false if it is cut short.
bool hvcc_sets(const std::string& c, std::string& out) {
  if (c.size() < 23) return false;
  size_t at = 23;
  for (int arrays = u8(c, 22); arrays > 0; --arrays) {
    if (at + 3 > c.size()) return false;
    int count = u16(c, at + 1);
    at += 3;
    if (!append_nal_units(c, at, count, out)) return false;
  }
  return true;
}

void put_pts(std::string& s, uint64_t pts) {
  pts &= (uint64_t(1) << 33) - 1;
  s.push_back(char(0x21 | ((pts >> 29) & 0x0E)));  // '0010' PTS only, marker
  s.push_back(char(pts >> 22));
  s.push_back(char(((pts >> 14) & 0xFE) | 1));
  s.push_back(char(pts >> 7));
  s.push_back(char(((pts << 1) & 0xFE) | 1));
}

// A PSI section in one packet (pointer field, section, CRC, 0xFF stuffing).
std::string section_packet(uint16_t pid, uint8_t& continuity, const std::string& section) {
  std::string p;
  p.push_back(0x47);
  p.push_back(char(0x40 | (pid >> 8)));
  p.push_back(char(pid & 0xFF));
  p.push_back(char(0x10 | (continuity++ & 0x0F)));
  p.push_back(0);  // pointer field
  p += section;
  uint32_t crc = mpeg_crc32(reinterpret_cast<const uint8_t*>(section.data()), section.size());
  for (int i = 3; i >= 0; --i) p.push_back(char(crc >> (8 * i)));
  p.resize(ts_writer::packet_size, char(0xFF));
  return p;
}

}  // namespace

uint32_t mpeg_crc32(const uint8_t* data, size_t size) {
  uint32_t crc = 0xFFFFFFFF;
  for (size_t i = 0; i < size; ++i) {
    crc ^= uint32_t(data[i]) << 24;
    for (int b = 0; b < 8; ++b) crc = (crc & 0x80000000u) ? (crc << 1) ^ 0x04C11DB7u : crc << 1;
  }
  return crc;
}

std::unique_ptr<ts_writer> ts_writer::make(const std::vector<GstCaps*>& caps) {
  std::unique_ptr<ts_writer> self{new ts_writer};
  bool video = false;
  for (size_t i = 0; i < caps.size(); ++i) {
    if (!caps[i] || gst_caps_is_empty(caps[i])) continue;
    auto* st = gst_caps_get_structure(caps[i], 0);
    auto config = codec_data(st);
    track t{int(i), kind::aac, uint16_t(first_es_pid + self->tracks_.size())};
    if (gst_structure_has_name(st, "video/x-h264") || gst_structure_has_name(st, "video/x-h265")) {
      bool h264 = gst_structure_has_name(st, "video/x-h264");
      auto* format = gst_structure_get_string(st, "stream-format");
      if (video || !format || std::strcmp(format, h264 ? "avc" : "hvc1") != 0) continue;
      if (h264) {
        if (config.size() < 7 || !avcc_sets(config, t.parameter_sets)) continue;
        t.codec_string = avc1_codec_string(config);
        t.length_size = (u8(config, 4) & 3) + 1;
      } else {
        if (!hvcc_sets(config, t.parameter_sets)) continue;
        t.codec_string = hvc1_codec_string(config);
        t.length_size = (u8(config, 21) & 3) + 1;
      }
      t.codec = h264 ? kind::h264 : kind::h265;
      video = true;
    } else if (gst_structure_has_name(st, "audio/mpeg")) {
      int version = 0, rate_index = 0;
      gst_structure_get_int(st, "mpegversion", &version);
      if ((version != 4 && version != 2) || config.size() < 2) continue;
      int object = u8(config, 0) >> 3;
      rate_index = ((u8(config, 0) & 7) << 1) | (u8(config, 1) >> 7);
      int channels = (u8(config, 1) >> 3) & 0x0F;
      if (object < 1 || object > 4 || rate_index > 12) continue;  // ADTS carries the first four object types
      t.adts[0] = uint8_t(object - 1);
      t.adts[1] = uint8_t(rate_index);
      t.adts[2] = uint8_t(channels);
      t.codec_string = "mp4a.40." + std::to_string(object);
    } else {
      continue;
    }
    self->tracks_.push_back(t);
  }
  if (self->tracks_.empty()) return nullptr;
  return self;
}

std::vector<std::string> ts_writer::codecs() const {
  std::vector<std::string> out;
  for (auto& t : tracks_) out.push_back(t.codec_string);
  return out;
}

bool ts_writer::carries(int track) const {
  for (auto& t : tracks_)
    if (t.hub_track == track) return true;
  return false;
}

bool ts_writer::is_video(int track) const {
  for (auto& t : tracks_)
    if (t.hub_track == track) return t.codec != kind::aac;
  return false;
}

bool ts_writer::has_video() const {
  for (auto& t : tracks_)
    if (t.codec != kind::aac) return true;
  return false;
}

std::string ts_writer::tables() {
  std::string pat{0x00, char(0xB0), 13, 0x00, 0x01, char(0xC1), 0x00, 0x00, 0x00, 0x01,
                  char(0xE0 | (pmt_pid >> 8)), char(pmt_pid & 0xFF)};
  uint16_t pcr_pid = tracks_.front().pid;
  for (auto& t : tracks_)
    if (t.codec != kind::aac) pcr_pid = t.pid;
  std::string streams;
  for (auto& t : tracks_) {
    streams.push_back(char(t.codec == kind::h264 ? 0x1B : t.codec == kind::h265 ? 0x24 : 0x0F));
    streams.push_back(char(0xE0 | (t.pid >> 8)));
    streams.push_back(char(t.pid & 0xFF));
    streams.push_back(char(0xF0));
    streams.push_back(0x00);
  }
  size_t length = 9 + streams.size() + 4;
  std::string pmt{0x02, char(0xB0 | (length >> 8)), char(length & 0xFF), 0x00, 0x01, char(0xC1), 0x00, 0x00,
                  char(0xE0 | (pcr_pid >> 8)), char(pcr_pid & 0xFF), char(0xF0), 0x00};
  pmt += streams;
  return section_packet(0, pat_continuity_, pat) + section_packet(pmt_pid, pmt_continuity_, pmt);
}

std::string ts_writer::annex_b(const track& t, const uint8_t* data, size_t size, bool key) const {
  bool h264 = t.codec == kind::h264;
  std::string out = h264 ? std::string{0, 0, 0, 1, 0x09, char(0xF0)} : std::string{0, 0, 0, 1, 0x46, 0x01, 0x50};
  std::string nals;
  bool has_sets = false;
  for (size_t at = 0; at + size_t(t.length_size) <= size;) {
    size_t len = 0;
    for (int i = 0; i < t.length_size; ++i) len = len << 8 | data[at + size_t(i)];
    at += size_t(t.length_size);
    if (len == 0 || at + len > size) break;
    int type = h264 ? data[at] & 0x1F : (data[at] >> 1) & 0x3F;
    if (type == (h264 ? 9 : 35)) {  // our own delimiter is already there
      at += len;
      continue;
    }
    if (type == (h264 ? 7 : 33)) has_sets = true;
    nals.append(start_code, 4).append(reinterpret_cast<const char*>(data + at), len);
    at += len;
  }
  if (key && !has_sets) out += t.parameter_sets;
  return out + nals;
}

void ts_writer::write(int hub_track, GstBuffer* unit, std::string& out) {
  track* t = nullptr;
  for (auto& x : tracks_)
    if (x.hub_track == hub_track) t = &x;
  if (!t || !GST_BUFFER_PTS_IS_VALID(unit)) return;
  uint64_t pts90 = gst_util_uint64_scale(GST_BUFFER_PTS(unit), 90000, GST_SECOND) + pts_offset;
  bool video = t->codec != kind::aac;
  bool key = video && !GST_BUFFER_FLAG_IS_SET(unit, GST_BUFFER_FLAG_DELTA_UNIT);
  GstMapInfo map;
  if (!gst_buffer_map(unit, &map, GST_MAP_READ)) return;
  std::string payload;
  if (video) {
    payload = annex_b(*t, map.data, map.size, key);
  } else {
    size_t frame = 7 + map.size;
    payload = {char(0xFF), char(0xF1), char((t->adts[0] << 6) | (t->adts[1] << 2) | (t->adts[2] >> 2)),
               char(((t->adts[2] & 3) << 6) | (frame >> 11)), char((frame >> 3) & 0xFF), char(((frame & 7) << 5) | 0x1F),
               char(0xFC)};
    payload.append(reinterpret_cast<const char*>(map.data), map.size);
  }
  gst_buffer_unmap(unit, &map);
  std::string pes{0, 0, 1, char(video ? 0xE0 : 0xC0), 0, 0, char(0x80), char(0x80), 5};
  size_t length = 3 + 5 + payload.size();
  if (!video || length <= 0xFFFF) {  // video may leave it 0 (unbounded)
    pes[4] = char(length >> 8);
    pes[5] = char(length & 0xFF);
  }
  put_pts(pes, pts90);
  pes += payload;
  bool pcr = video || !has_video();
  packetize(*t, pes, pcr, pts90, key, out);
}

void ts_writer::packetize(track& t, const std::string& pes, bool pcr, uint64_t pts90, bool random_access,
                          std::string& out) {
  for (size_t at = 0; at < pes.size();) {
    bool first = at == 0;
    std::string field;  // adaptation field after its length byte
    if (first && (pcr || random_access)) {
      field.push_back(char((random_access ? 0x40 : 0) | (pcr ? 0x10 : 0)));
      if (pcr) {
        uint64_t base = (pts90 - pcr_lead) & ((uint64_t(1) << 33) - 1);
        field += {char(base >> 25), char(base >> 17), char(base >> 9), char(base >> 1), char(((base & 1) << 7) | 0x7E), 0};
      }
    }
    size_t room = 184 - (field.empty() ? 0 : 1 + field.size());
    size_t payload = std::min(room, pes.size() - at);
    size_t field_total = 184 - payload;  // with its length byte; 0: none
    if (field_total >= 2 && field.empty()) field.push_back(0);  // flags, then stuffing
    if (field_total >= 1) field.resize(field_total - 1, char(0xFF));
    out.push_back(0x47);
    out.push_back(char((first ? 0x40 : 0) | (t.pid >> 8)));
    out.push_back(char(t.pid & 0xFF));
    out.push_back(char((field_total ? 0x30 : 0x10) | (t.continuity++ & 0x0F)));
    if (field_total) {
      out.push_back(char(field.size()));
      out += field;
    }
    out.append(pes, at, payload);
    at += payload;
  }
}

}  // namespace sy
