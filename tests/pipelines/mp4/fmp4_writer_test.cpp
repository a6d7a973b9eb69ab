#include <doctest/doctest.h>
#include <gst/gst.h>

#include <string>
#include <vector>

#include "pipelines/mp4/fmp4_writer.hpp"
#include "tests/pipelines/caps_fixtures.hpp"

using namespace sy;

namespace {

uint32_t be32(const std::string& s, size_t at) {
  return uint32_t(uint8_t(s[at])) << 24 | uint32_t(uint8_t(s[at + 1])) << 16 | uint32_t(uint8_t(s[at + 2])) << 8 |
         uint8_t(s[at + 3]);
}

// The top-level boxes of `s`: {type, offset}.
std::vector<std::pair<std::string, size_t>> boxes(const std::string& s) {
  std::vector<std::pair<std::string, size_t>> out;
  for (size_t at = 0; at + 8 <= s.size();) {
    auto size = be32(s, at);
    out.emplace_back(s.substr(at + 4, 4), at);
    if (size < 8) break;
    at += size;
  }
  return out;
}

}  // namespace

TEST_CASE("codecs and MIME come from the tracks the writer carries; others are left out") {
  gst_init(nullptr, nullptr);
  auto* pcmu = gst_caps_from_string("audio/x-mulaw,rate=8000,channels=1");
  auto* bytestream = gst_caps_from_string("video/x-h264,stream-format=byte-stream,alignment=au");
  auto* h264 = test::h264_avc_caps();
  auto* aac = test::aac_lc_caps();
  auto* opus = gst_caps_from_string("audio/x-opus,channel-mapping-family=0,channels=2,rate=48000");
  auto w = fmp4_writer::make({h264, pcmu, aac});
  REQUIRE(w);
  CHECK(w->mime() == "video/mp4; codecs=\"avc1.64001f,mp4a.40.2\"");
  CHECK(w->carries(0));
  CHECK_FALSE(w->carries(1));
  CHECK(w->carries(2));
  CHECK(w->has_video());
  auto o = fmp4_writer::make({nullptr, opus});
  REQUIRE(o);
  CHECK(o->codecs() == std::vector<std::string>{"opus"});
  CHECK_FALSE(o->has_video());
  CHECK(fmp4_writer::make({pcmu, bytestream}) == nullptr);
  for (auto* c : {pcmu, bytestream, h264, aac, opus}) gst_caps_unref(c);
}

TEST_CASE("an init segment is ftyp + moov with a trak and a trex per track; a fragment is moof + mdat with the unit") {
  gst_init(nullptr, nullptr);
  auto* h264 = test::h264_avc_caps();
  auto* aac = test::aac_lc_caps();
  auto w = fmp4_writer::make({h264, aac});
  REQUIRE(w);
  auto init = w->init_segment();
  auto top = boxes(init);
  REQUIRE(top.size() == 2);
  CHECK(top[0].first == "ftyp");
  CHECK(top[1].first == "moov");
  CHECK(be32(init, top[1].second) == init.size() - top[1].second);
  size_t traks = 0, trexes = 0;
  for (size_t at = init.find("trak"); at != std::string::npos; at = init.find("trak", at + 1)) ++traks;
  for (size_t at = init.find("trex"); at != std::string::npos; at = init.find("trex", at + 1)) ++trexes;
  CHECK(traks == 2);
  CHECK(trexes == 2);
  CHECK(init.find("avcC") != std::string::npos);
  CHECK(init.find("esds") != std::string::npos);

  const char payload[] = "\x00\x00\x00\x03\x65\x88\x84";
  auto* unit = gst_buffer_new_memdup(payload, 7);
  GST_BUFFER_PTS(unit) = 5 * GST_SECOND;
  auto frag = w->fragment(0, unit);
  auto parts = boxes(frag);
  REQUIRE(parts.size() == 2);
  CHECK(parts[0].first == "moof");
  CHECK(parts[1].first == "mdat");
  CHECK(frag.substr(parts[1].second + 8) == std::string(payload, 7));
  // trun's data offset (from the moof's start) points at the mdat's payload.
  auto trun = frag.find("trun");
  REQUIRE(trun != std::string::npos);
  CHECK(be32(frag, trun + 12) == parts[1].second + 8);
  CHECK(be32(frag, trun + 24) == 0x02000000);  // a keyframe is a sync sample
  GST_BUFFER_FLAG_SET(unit, GST_BUFFER_FLAG_DELTA_UNIT);
  GST_BUFFER_PTS(unit) = 5 * GST_SECOND + GST_SECOND / 25;
  auto next = w->fragment(0, unit);
  auto t2 = next.find("trun");
  CHECK(be32(next, t2 + 24) == 0x01010000);  // not a sync sample
  auto tfdt = next.find("tfdt");
  CHECK(be32(next, tfdt + 12) == 3600);  // decode time in 90 kHz from the first unit (low word)
  CHECK(w->fragment(1, unit).size() > 0);   // the audio track
  CHECK(w->fragment(7, unit).empty());      // not a track of the file
  gst_buffer_unref(unit);
  gst_caps_unref(h264);
  gst_caps_unref(aac);
}
