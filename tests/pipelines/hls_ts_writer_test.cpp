#include <doctest/doctest.h>
#include <gst/gst.h>

#include <string>
#include <vector>

#include "pipelines/hls/ts_writer.hpp"
#include "tests/pipelines/caps_fixtures.hpp"

using namespace sy;

namespace {

GstBuffer* unit(const std::string& bytes, GstClockTime pts, bool key) {
  auto* b = gst_buffer_new_memdup(bytes.data(), bytes.size());
  GST_BUFFER_PTS(b) = pts;
  if (!key) GST_BUFFER_FLAG_SET(b, GST_BUFFER_FLAG_DELTA_UNIT);
  return b;
}

int pid_of(const std::string& p) { return (uint8_t(p[1]) & 0x1F) << 8 | uint8_t(p[2]); }

// The payload of the packets of `pid` in `ts`, joined (the PES as written).
std::string payload_of(const std::string& ts, int pid) {
  std::string out;
  for (size_t at = 0; at + 188 <= ts.size(); at += 188) {
    auto p = ts.substr(at, 188);
    if (pid_of(p) != pid) continue;
    size_t start = 4;
    if (uint8_t(p[3]) & 0x20) start += 1 + uint8_t(p[4]);
    out += p.substr(start);
  }
  return out;
}

uint64_t pes_pts(const std::string& pes) {
  auto b = [&](int i) { return uint64_t(uint8_t(pes[size_t(i)])); };
  return (b(9) >> 1 & 7) << 30 | b(10) << 22 | (b(11) >> 1) << 15 | b(12) << 7 | b(13) >> 1;
}

}  // namespace

TEST_CASE("PAT and PMT are one packet each with a valid CRC; the PMT names H.264 and AAC-in-ADTS") {
  gst_init(nullptr, nullptr);
  auto* h264 = test::h264_avc_caps();
  auto* aac = test::aac_lc_caps();
  auto* pcmu = gst_caps_from_string("audio/x-mulaw,rate=8000,channels=1");
  auto w = ts_writer::make({h264, pcmu, aac});
  REQUIRE(w);
  CHECK(w->codecs() == std::vector<std::string>{"avc1.64001f", "mp4a.40.2"});
  CHECK(w->carries(0));
  CHECK_FALSE(w->carries(1));
  CHECK(w->is_video(0));
  CHECK_FALSE(w->is_video(2));
  auto tables = w->tables();
  REQUIRE(tables.size() == 2 * 188);
  for (int i = 0; i < 2; ++i) {
    auto p = tables.substr(size_t(i) * 188, 188);
    CHECK(p[0] == 0x47);
    CHECK((uint8_t(p[1]) & 0x40) != 0);  // payload unit start
    size_t length = (uint8_t(p[6]) & 0x0F) << 8 | uint8_t(p[7]);
    // The CRC over the whole section, CRC included, is 0.
    CHECK(mpeg_crc32(reinterpret_cast<const uint8_t*>(p.data()) + 5, 3 + length) == 0);
  }
  auto pmt = tables.substr(188);
  CHECK(pid_of(pmt) == 0x1000);
  CHECK(uint8_t(pmt[5 + 12]) == 0x1B);       // first stream: H.264
  CHECK(uint8_t(pmt[5 + 12 + 5]) == 0x0F);   // second: AAC in ADTS
  auto* opus = gst_caps_from_string("audio/x-opus");
  CHECK(ts_writer::make({opus}) == nullptr);  // nothing TS carries here
  for (auto* c : {h264, aac, pcmu, opus}) gst_caps_unref(c);
}

TEST_CASE("a keyframe becomes Annex B with a delimiter and the parameter sets, in 188-byte packets with PCR and PTS") {
  gst_init(nullptr, nullptr);
  auto* h264 = test::h264_avc_caps();
  auto w = ts_writer::make({h264});
  REQUIRE(w);
  std::string idr("\0\0\x01\x90", 4);  // a 400-byte NAL unit: IDR slice
  idr += char(0x65);
  idr.append(399, char(0xAB));
  auto* key = unit(idr, 2 * GST_SECOND, true);
  std::string ts;
  w->write(0, key, ts);
  gst_buffer_unref(key);
  REQUIRE(ts.size() % 188 == 0);
  CHECK(ts.size() / 188 == 3);
  CHECK((uint8_t(ts[3]) & 0x20) != 0);  // adaptation field in the first packet...
  CHECK((uint8_t(ts[5]) & 0x50) == 0x50);  // ...with random access and PCR
  auto pes = payload_of(ts, 0x100);
  REQUIRE(pes.size() > 14);
  CHECK(pes.substr(0, 4) == std::string("\0\0\1\xE0", 4));
  CHECK(pes_pts(pes) == 2 * 90000 + 90000);  // the PTS, 1 s ahead so the PCR stays positive
  auto es = pes.substr(14);
  std::string expected = std::string("\0\0\0\1\x09\xF0", 6) + std::string("\0\0\0\1\x67\x64\x00\x1f", 8) +
                         std::string("\0\0\0\1\x68\xee", 6) + std::string("\0\0\0\1\x65", 5) + std::string(399, char(0xAB));
  CHECK(es == expected);
  gst_caps_unref(h264);
}

TEST_CASE("AAC frames get a 7-byte ADTS header with the profile, rate index, channels and length; counters run on") {
  gst_init(nullptr, nullptr);
  auto* aac = test::aac_lc_caps();
  auto w = ts_writer::make({aac});
  REQUIRE(w);
  CHECK_FALSE(w->has_video());
  std::string ts;
  for (int i = 0; i < 3; ++i) {
    auto* frame = unit(std::string(100, char(i)), GstClockTime(i) * 64 * GST_MSECOND, true);
    w->write(0, frame, ts);
    gst_buffer_unref(frame);
  }
  REQUIRE(ts.size() == 3 * 188);
  for (int i = 0; i < 3; ++i) CHECK((uint8_t(ts[size_t(i) * 188 + 3]) & 0x0F) == i);
  auto pes = payload_of(ts.substr(0, 188), 0x100);
  CHECK(pes.substr(0, 4) == std::string("\0\0\1\xC0", 4));
  auto adts = pes.substr(14, 7);
  CHECK(uint8_t(adts[0]) == 0xFF);
  CHECK(uint8_t(adts[1]) == 0xF1);
  CHECK((uint8_t(adts[2]) >> 6) == 1);          // AAC-LC (object type 2) - 1
  CHECK(((uint8_t(adts[2]) >> 2) & 0x0F) == 8);  // 16 kHz
  CHECK(((uint8_t(adts[2]) & 1) << 2 | uint8_t(adts[3]) >> 6) == 1);  // mono
  size_t length = (uint8_t(adts[3]) & 3) << 11 | uint8_t(adts[4]) << 3 | uint8_t(adts[5]) >> 5;
  CHECK(length == 107);
  gst_caps_unref(aac);
}
