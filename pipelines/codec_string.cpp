#include "pipelines/codec_string.hpp"

#include <cstdint>
#include <cstdio>

namespace sy {

std::string codec_data(const GstStructure* st) {
  const GValue* v = gst_structure_get_value(st, "codec_data");
  if (!v || !GST_VALUE_HOLDS_BUFFER(v)) return {};
  GstMapInfo map;
  auto* b = gst_value_get_buffer(v);
  if (!gst_buffer_map(b, &map, GST_MAP_READ)) return {};
  std::string out(reinterpret_cast<const char*>(map.data), map.size);
  gst_buffer_unmap(b, &map);
  return out;
}

std::string avc1_codec_string(const std::string& c) {
  if (c.size() < 4) return {};
  char text[16];
  std::snprintf(text, sizeof text, "avc1.%02x%02x%02x", uint8_t(c[1]), uint8_t(c[2]), uint8_t(c[3]));
  return text;
}

std::string hvc1_codec_string(const std::string& c) {
  if (c.size() < 23) return {};
  auto u8 = [&](size_t at) { return uint8_t(c[at]); };
  uint8_t b1 = u8(1);
  uint32_t compat = uint32_t(u8(2)) << 24 | uint32_t(u8(3)) << 16 | uint32_t(u8(4)) << 8 | u8(5);
  uint32_t reversed = 0;
  for (int i = 0; i < 32; ++i) reversed |= ((compat >> i) & 1u) << (31 - i);
  static const char* spaces[] = {"", "A", "B", "C"};
  char text[64];
  std::snprintf(text, sizeof text, "hvc1.%s%u.%X.%c%u", spaces[b1 >> 6], b1 & 0x1Fu, reversed, (b1 & 0x20) ? 'H' : 'L',
                unsigned(u8(12)));
  std::string out = text;
  int last = 11;  // constraint bytes 6..11, trailing zero bytes left out
  while (last >= 6 && u8(size_t(last)) == 0) --last;
  for (int i = 6; i <= last; ++i) {
    std::snprintf(text, sizeof text, ".%X", unsigned(u8(size_t(i))));
    out += text;
  }
  return out;
}

}  // namespace sy
