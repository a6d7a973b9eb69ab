#include "pipelines/mp4/fmp4_writer.hpp"

#include <cctype>
#include <cstring>

#include "pipelines/codec_string.hpp"

namespace sy {
namespace {

// Big-endian bytes and boxes whose size is filled in when they close.
struct bytes_out {
  std::string s;
  void u8(uint32_t v) { s.push_back(char(v & 0xFF)); }
  void u16(uint32_t v) { u8(v >> 8), u8(v); }
  void u24(uint32_t v) { u8(v >> 16), u16(v); }
  void u32(uint32_t v) { u16(v >> 16), u16(v); }
  void u64(uint64_t v) { u32(uint32_t(v >> 32)), u32(uint32_t(v)); }
  void zeros(size_t n) { s.append(n, '\0'); }
  void text(const char* t) { s.append(t, std::strlen(t)); }
  void raw(const std::string& b) { s += b; }
  size_t open(const char* type) {
    size_t at = s.size();
    u32(0);
    text(type);
    return at;
  }
  size_t open_full(const char* type, uint8_t version, uint32_t flags) {
    size_t at = open(type);
    u8(version);
    u24(flags);
    return at;
  }
  void close(size_t at) {
    uint32_t size = uint32_t(s.size() - at);
    for (int i = 0; i < 4; ++i) s[at + size_t(i)] = char(size >> (24 - 8 * i));
  }
};

const uint32_t unity_matrix[9] = {0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000};

// An MPEG-4 descriptor (tag, one-byte length: every one here is under 128 bytes).
void descriptor(bytes_out& o, uint8_t tag, const std::string& body) {
  o.u8(tag);
  o.u8(uint32_t(body.size()));
  o.raw(body);
}

// Whether a client that listed `accepted` takes `codec`: the same family (avc1,
// hvc1/hev1, mp4a.40, opus), whatever the profile and level.
bool accepts(const std::string& accepted, const std::string& codec) {
  if (accepted.empty()) return true;
  auto family = codec.rfind("mp4a.", 0) == 0 ? codec.substr(0, 7) : codec.substr(0, codec.find('.'));
  for (size_t from = 0; from <= accepted.size();) {
    auto comma = accepted.find(',', from);
    if (comma == std::string::npos) comma = accepted.size();
    auto item = accepted.substr(from, comma - from);
    for (auto& c : item) c = char(std::tolower(uint8_t(c)));
    if (item.rfind(family, 0) == 0) return true;
    from = comma + 1;
  }
  return false;
}

}  // namespace

std::unique_ptr<fmp4_writer> fmp4_writer::make(const std::vector<GstCaps*>& caps, const std::string& accepted) {
  std::unique_ptr<fmp4_writer> self{new fmp4_writer};
  for (size_t i = 0; i < caps.size(); ++i) {
    if (!caps[i] || gst_caps_is_empty(caps[i])) continue;
    auto* st = gst_caps_get_structure(caps[i], 0);
    track t{int(i), uint32_t(self->tracks_.size() + 1), false, {}, {}, {}, 90000};
    int v = 0;
    bool h264 = gst_structure_has_name(st, "video/x-h264");
    if (h264 || gst_structure_has_name(st, "video/x-h265")) {
      auto* format = gst_structure_get_string(st, "stream-format");
      t.config = codec_data(st);
      if (!format || std::strcmp(format, h264 ? "avc" : "hvc1") != 0 || t.config.size() < (h264 ? 7u : 23u)) continue;
      t.video = true;
      t.fourcc = h264 ? "avc1" : "hvc1";
      t.codec = h264 ? avc1_codec_string(t.config) : hvc1_codec_string(t.config);
      if (gst_structure_get_int(st, "width", &v)) t.width = uint32_t(v);
      if (gst_structure_get_int(st, "height", &v)) t.height = uint32_t(v);
      t.last_duration = 90000 / 25;
    } else if (gst_structure_has_name(st, "audio/mpeg")) {
      t.config = codec_data(st);
      if (t.config.size() < 2 || !gst_structure_get_int(st, "rate", &v)) continue;
      t.rate = t.timescale = uint32_t(v);
      t.channels = gst_structure_get_int(st, "channels", &v) ? uint32_t(v) : 2;
      t.fourcc = "mp4a";
      t.codec = "mp4a.40." + std::to_string(uint8_t(t.config[0]) >> 3);
      t.last_duration = 1024;
    } else if (gst_structure_has_name(st, "audio/x-opus")) {
      int family = 0;
      gst_structure_get_int(st, "channel-mapping-family", &family);
      if (family != 0) continue;
      t.rate = t.timescale = 48000;
      t.channels = gst_structure_get_int(st, "channels", &v) ? uint32_t(v) : 2;
      t.fourcc = "Opus";
      t.codec = "opus";
      t.last_duration = 960;
    } else {
      continue;
    }
    if (!accepts(accepted, t.codec)) continue;
    t.id = uint32_t(self->tracks_.size() + 1);
    self->tracks_.push_back(t);
  }
  if (self->tracks_.empty()) return nullptr;
  return self;
}

std::vector<std::string> fmp4_writer::codecs() const {
  std::vector<std::string> out;
  for (auto& t : tracks_) out.push_back(t.codec);
  return out;
}

std::string fmp4_writer::mime() const {
  std::string list;
  for (auto& c : codecs()) list += (list.empty() ? "" : ",") + c;
  return "video/mp4; codecs=\"" + list + "\"";
}

bool fmp4_writer::carries(int track) const {
  for (auto& t : tracks_)
    if (t.hub_track == track) return true;
  return false;
}

bool fmp4_writer::is_video(int track) const {
  for (auto& t : tracks_)
    if (t.hub_track == track) return t.video;
  return false;
}

bool fmp4_writer::has_video() const {
  for (auto& t : tracks_)
    if (t.video) return true;
  return false;
}

std::string fmp4_writer::sample_entry(const track& t) const {
  bytes_out o;
  size_t entry = o.open(t.fourcc.c_str());
  o.zeros(6);
  o.u16(1);  // data_reference_index
  if (t.video) {
    o.zeros(16);
    o.u16(t.width);
    o.u16(t.height);
    o.u32(0x00480000);  // 72 dpi
    o.u32(0x00480000);
    o.u32(0);
    o.u16(1);  // frame count
    o.zeros(32);  // compressor name
    o.u16(0x0018);
    o.u16(0xFFFF);
    size_t config = o.open(t.fourcc == "avc1" ? "avcC" : "hvcC");
    o.raw(t.config);
    o.close(config);
  } else {
    o.zeros(8);
    o.u16(t.channels);
    o.u16(16);
    o.zeros(4);
    o.u32(t.rate << 16);
    if (t.fourcc == "mp4a") {
      size_t esds = o.open_full("esds", 0, 0);
      bytes_out decoder;
      decoder.u8(0x40);  // MPEG-4 audio
      decoder.u8(0x15);  // audio stream
      decoder.u24(0);
      decoder.u32(0);
      decoder.u32(0);
      descriptor(decoder, 0x05, t.config);
      bytes_out es;
      es.u16(t.id);
      es.u8(0);
      descriptor(es, 0x04, decoder.s);
      descriptor(es, 0x06, std::string(1, '\x02'));
      descriptor(o, 0x03, es.s);
      o.close(esds);
    } else {
      size_t dops = o.open("dOps");
      o.u8(0);
      o.u8(t.channels);
      o.u16(312);  // pre-skip: what libopus encoders use
      o.u32(48000);
      o.u16(0);
      o.u8(0);
      o.close(dops);
    }
  }
  o.close(entry);
  return o.s;
}

std::string fmp4_writer::trak(const track& t) const {
  bytes_out o;
  size_t trak = o.open("trak");
  size_t tkhd = o.open_full("tkhd", 0, 3);
  o.u32(0), o.u32(0), o.u32(t.id), o.u32(0), o.u32(0);
  o.zeros(8);
  o.u16(0), o.u16(0), o.u16(t.video ? 0 : 0x0100), o.u16(0);
  for (auto m : unity_matrix) o.u32(m);
  o.u32(t.width << 16), o.u32(t.height << 16);
  o.close(tkhd);
  size_t mdia = o.open("mdia");
  size_t mdhd = o.open_full("mdhd", 0, 0);
  o.u32(0), o.u32(0), o.u32(t.timescale), o.u32(0);
  o.u16(0x55C4);  // "und"
  o.u16(0);
  o.close(mdhd);
  size_t hdlr = o.open_full("hdlr", 0, 0);
  o.u32(0);
  o.text(t.video ? "vide" : "soun");
  o.zeros(12);
  o.text(t.video ? "VideoHandler" : "SoundHandler");
  o.u8(0);
  o.close(hdlr);
  size_t minf = o.open("minf");
  if (t.video) {
    size_t vmhd = o.open_full("vmhd", 0, 1);
    o.zeros(8);
    o.close(vmhd);
  } else {
    size_t smhd = o.open_full("smhd", 0, 0);
    o.zeros(4);
    o.close(smhd);
  }
  size_t dinf = o.open("dinf");
  size_t dref = o.open_full("dref", 0, 0);
  o.u32(1);
  size_t url = o.open_full("url ", 0, 1);
  o.close(url);
  o.close(dref);
  o.close(dinf);
  size_t stbl = o.open("stbl");
  size_t stsd = o.open_full("stsd", 0, 0);
  o.u32(1);
  o.raw(sample_entry(t));
  o.close(stsd);
  for (auto* empty : {"stts", "stsc", "stco"}) {
    size_t b = o.open_full(empty, 0, 0);
    o.u32(0);
    o.close(b);
  }
  size_t stsz = o.open_full("stsz", 0, 0);
  o.u32(0), o.u32(0);
  o.close(stsz);
  o.close(stbl);
  o.close(minf);
  o.close(mdia);
  o.close(trak);
  return o.s;
}

std::string fmp4_writer::init_segment() const {
  bytes_out o;
  size_t ftyp = o.open("ftyp");
  o.text("iso5");
  o.u32(512);
  for (auto* brand : {"iso5", "iso6", "mp41"}) o.text(brand);
  o.close(ftyp);
  size_t moov = o.open("moov");
  size_t mvhd = o.open_full("mvhd", 0, 0);
  o.u32(0), o.u32(0), o.u32(1000), o.u32(0);
  o.u32(0x00010000);
  o.u16(0x0100);
  o.zeros(10);
  for (auto m : unity_matrix) o.u32(m);
  o.zeros(24);
  o.u32(uint32_t(tracks_.size() + 1));
  o.close(mvhd);
  for (auto& t : tracks_) o.raw(trak(t));
  size_t mvex = o.open("mvex");
  for (auto& t : tracks_) {
    size_t trex = o.open_full("trex", 0, 0);
    o.u32(t.id), o.u32(1), o.u32(0), o.u32(0), o.u32(0);
    o.close(trex);
  }
  o.close(mvex);
  o.close(moov);
  return o.s;
}

std::string fmp4_writer::fragment(int hub_track, GstBuffer* unit) {
  track* t = nullptr;
  for (auto& x : tracks_)
    if (x.hub_track == hub_track) t = &x;
  if (!t || !GST_BUFFER_PTS_IS_VALID(unit)) return {};
  auto pts = GST_BUFFER_PTS(unit);
  if (origin_ == GST_CLOCK_TIME_NONE) origin_ = pts;
  uint64_t decode = pts > origin_ ? gst_util_uint64_scale(pts - origin_, t->timescale, GST_SECOND) : 0;
  if (t->started && decode <= t->last_decode) decode = t->last_decode + 1;  // strictly increasing
  if (t->started && decode - t->last_decode < 10 * uint64_t(t->timescale)) t->last_duration = uint32_t(decode - t->last_decode);
  uint32_t duration = GST_BUFFER_DURATION_IS_VALID(unit)
                          ? uint32_t(gst_util_uint64_scale(GST_BUFFER_DURATION(unit), t->timescale, GST_SECOND))
                          : t->last_duration;
  t->last_decode = decode;
  t->started = true;
  bool key = !t->video || !GST_BUFFER_FLAG_IS_SET(unit, GST_BUFFER_FLAG_DELTA_UNIT);

  GstMapInfo map;
  if (!gst_buffer_map(unit, &map, GST_MAP_READ)) return {};
  bytes_out o;
  size_t moof = o.open("moof");
  size_t mfhd = o.open_full("mfhd", 0, 0);
  o.u32(++sequence_);
  o.close(mfhd);
  size_t traf = o.open("traf");
  size_t tfhd = o.open_full("tfhd", 0, 0x020000);  // default-base-is-moof
  o.u32(t->id);
  o.close(tfhd);
  size_t tfdt = o.open_full("tfdt", 1, 0);
  o.u64(decode);
  o.close(tfdt);
  size_t trun = o.open_full("trun", 0, 0x000001 | 0x000100 | 0x000200 | 0x000400);
  o.u32(1);
  size_t data_offset_at = o.s.size();
  o.u32(0);
  o.u32(duration);
  o.u32(uint32_t(map.size));
  o.u32(key ? 0x02000000 : 0x01010000);  // sync sample / depends on others, non-sync
  o.close(trun);
  o.close(traf);
  o.close(moof);
  uint32_t data_offset = uint32_t(o.s.size() + 8);
  for (int i = 0; i < 4; ++i) o.s[data_offset_at + size_t(i)] = char(data_offset >> (24 - 8 * i));
  o.u32(uint32_t(8 + map.size));
  o.text("mdat");
  o.s.append(reinterpret_cast<const char*>(map.data), map.size);
  gst_buffer_unmap(unit, &map);
  return o.s;
}

}  // namespace sy
