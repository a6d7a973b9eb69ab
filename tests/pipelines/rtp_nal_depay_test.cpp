#include <doctest/doctest.h>
#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>
#include <gst/gst.h>

#include <string>
#include <vector>

#include "pipelines/rtp_nal_depay.hpp"

using namespace sy;
using bytes = std::vector<uint8_t>;

namespace {

// An RTP packet: version 2, payload type 96, with CSRCs, a header extension and padding as asked.
bytes rtp(uint32_t ts, bool marker, const bytes& payload, int csrcs = 0, bool extension = false, int padding = 0) {
  bytes p{uint8_t(0x80 | (padding ? 0x20 : 0) | (extension ? 0x10 : 0) | csrcs), uint8_t((marker ? 0x80 : 0) | 96), 0, 1,
          uint8_t(ts >> 24), uint8_t(ts >> 16), uint8_t(ts >> 8), uint8_t(ts), 1, 2, 3, 4};
  p.reserve(p.size() + 16 + 8 + payload.size() + 256);
  for (int i = 0; i < csrcs * 4; ++i) p.push_back(0xCC);
  if (extension)
    for (uint8_t b : {0xBE, 0xDE, 0, 1, 0xEE, 0xEE, 0xEE, 0xEE}) p.push_back(b);
  for (uint8_t b : payload) p.push_back(b);
  for (int i = 0; i < padding; ++i) p.push_back(i == padding - 1 ? uint8_t(padding) : 0);
  return p;
}

struct collected {
  std::vector<bytes> units;
  std::vector<uint32_t> timestamps;
  std::vector<bool> keyframes;
};

void feed(rtp_nal_depay& d, const bytes& packet, collected& c) {
  d.push(packet.data(), packet.size(), [&c](const rtp_nal_depay::unit& u) {
    bytes b(u.size);
    u.copy_to(b.data());
    c.units.push_back(b);
    c.timestamps.push_back(u.rtp_timestamp);
    c.keyframes.push_back(u.keyframe);
  });
}

bytes annexb(std::initializer_list<bytes> nals) {
  bytes out;
  for (auto& n : nals) {
    out.insert(out.end(), {0, 0, 0, 1});
    out.insert(out.end(), n.begin(), n.end());
  }
  return out;
}

const bytes sps{0x67, 0x42, 0x00, 0x1F, 0xAA};
const bytes pps{0x68, 0xCE, 0x3C, 0x80};
const bytes idr{0x65, 0x88, 0x84, 0x00, 0x10};
const bytes slice{0x41, 0x9A, 0x02, 0x03};

}  // namespace

TEST_CASE("single NAL packets make one access unit per marker, a keyframe when it holds an IDR") {
  rtp_nal_depay d{rtp_nal_depay::codec::h264, {}};
  collected c;
  feed(d, rtp(1000, false, sps), c);
  feed(d, rtp(1000, false, pps), c);
  CHECK(c.units.empty());
  feed(d, rtp(1000, true, idr), c);
  feed(d, rtp(4600, true, slice), c);
  REQUIRE(c.units.size() == 2);
  CHECK(c.units[0] == annexb({sps, pps, idr}));
  CHECK(c.keyframes[0]);
  CHECK(c.timestamps[0] == 1000);
  CHECK(c.units[1] == annexb({slice}));
  CHECK_FALSE(c.keyframes[1]);
  CHECK(c.timestamps[1] == 4600);
}

TEST_CASE("STAP-A is split and FU-A fragments are joined under the rebuilt NAL header") {
  rtp_nal_depay d{rtp_nal_depay::codec::h264, {}};
  collected c;
  bytes stap{0x78, 0, uint8_t(sps.size())};
  stap.insert(stap.end(), sps.begin(), sps.end());
  stap.insert(stap.end(), {0, uint8_t(pps.size())});
  stap.insert(stap.end(), pps.begin(), pps.end());
  feed(d, rtp(9000, false, stap), c);
  // IDR (NRI 3) in three fragments: indicator 0x7C (NRI 3, type 28), FU header S/E + type 5.
  feed(d, rtp(9000, false, {0x7C, 0x85, 1, 2, 3}), c);
  feed(d, rtp(9000, false, {0x7C, 0x05, 4, 5}), c);
  feed(d, rtp(9000, true, {0x7C, 0x45, 6}), c);
  REQUIRE(c.units.size() == 1);
  CHECK(c.units[0] == annexb({sps, pps, {0x65, 1, 2, 3, 4, 5, 6}}));
  CHECK(c.keyframes[0]);
}

TEST_CASE("a unit comes out delimiter first, then each parameter set once, then the slices") {
  // As rtph264pay config-interval=-1 sends a two-slice keyframe: SPS/PPS before each slice.
  const bytes aud{0x09, 0xF0}, sei{0x06, 0x05, 0x01, 0x80}, idr2{0x65, 0x00, 0x99};
  rtp_nal_depay d{rtp_nal_depay::codec::h264, {}};
  collected c;
  for (auto* n : {&aud, &sps, &pps, &sei, &idr, &sps, &pps, &idr2}) feed(d, rtp(500, false, *n), c);
  feed(d, rtp(500, true, {}), c);  // a marker-only packet closes the unit
  REQUIRE(c.units.size() == 1);
  CHECK(c.units[0] == annexb({aud, sps, pps, sei, idr, idr2}));
}

TEST_CASE("without a marker bit, a new timestamp closes the unit before it") {
  rtp_nal_depay d{rtp_nal_depay::codec::h264, {}};
  collected c;
  feed(d, rtp(100, false, slice), c);
  feed(d, rtp(3700, false, slice), c);
  REQUIRE(c.units.size() == 1);
  CHECK(c.timestamps[0] == 100);
  feed(d, rtp(7300, false, slice), c);
  REQUIRE(c.units.size() == 2);
  CHECK(c.timestamps[1] == 3700);
}

TEST_CASE("the SDP's parameter sets go before the first unit and before keyframes that lack them") {
  auto sets = rtp_nal_depay::decode_parameter_sets("Z0IAH6o=,aM48gA==");
  REQUIRE(sets.size() == 2);
  CHECK(bytes(sets[0].begin(), sets[0].end()) == sps);
  CHECK(bytes(sets[1].begin(), sets[1].end()) == pps);
  rtp_nal_depay d{rtp_nal_depay::codec::h264, sets};
  collected c;
  feed(d, rtp(0, true, slice), c);                                   // first unit, even a P slice
  feed(d, rtp(3600, true, slice), c);                                // later P slice: as is
  feed(d, rtp(7200, true, idr), c);                                  // keyframe without SPS/PPS
  feed(d, rtp(10800, false, sps), c);                                // keyframe with its own
  feed(d, rtp(10800, false, pps), c);
  feed(d, rtp(10800, true, idr), c);
  REQUIRE(c.units.size() == 4);
  CHECK(c.units[0] == annexb({sps, pps, slice}));
  CHECK(c.units[1] == annexb({slice}));
  CHECK(c.units[2] == annexb({sps, pps, idr}));
  CHECK(c.units[3] == annexb({sps, pps, idr}));
}

TEST_CASE("CSRCs, header extensions and padding are skipped; broken packets are dropped without harm") {
  rtp_nal_depay d{rtp_nal_depay::codec::h264, {}};
  collected c;
  feed(d, rtp(10, true, idr, 2, true, 3), c);
  REQUIRE(c.units.size() == 1);
  CHECK(c.units[0] == annexb({idr}));
  feed(d, {0x80, 0x60, 0, 1}, c);                                 // shorter than a header
  feed(d, rtp(20, true, {0x7C, 0x05, 9, 9}), c);                  // a fragment without its start
  feed(d, rtp(30, true, {0x78, 0, 50, 0x67}), c);                 // STAP-A whose size runs past the end
  bytes bad_padding = rtp(40, true, slice);
  bad_padding[0] |= 0x20;
  bad_padding.back() = 200;                                       // more padding than packet
  feed(d, bad_padding, c);
  feed(d, rtp(50, true, slice), c);
  REQUIRE(c.units.size() == 2);
  CHECK(c.units[1] == annexb({slice}));
}

TEST_CASE("H.265: aggregation packets and fragments, IRAP pictures are keyframes") {
  const bytes vps{0x40, 0x01, 0x0C}, hsps{0x42, 0x01, 0x01}, hpps{0x44, 0x01, 0xC1};
  rtp_nal_depay d{rtp_nal_depay::codec::h265, {}};
  collected c;
  bytes ap{0x60, 0x01};  // type 48
  for (auto* n : {&vps, &hsps, &hpps}) {
    ap.insert(ap.end(), {0, uint8_t(n->size())});
    ap.insert(ap.end(), n->begin(), n->end());
  }
  feed(d, rtp(0, false, ap), c);
  // IDR_W_RADL (19) in two fragments: payload header type 49 (0x62 0x01), FU header S/E + 19.
  feed(d, rtp(0, false, {0x62, 0x01, 0x80 | 19, 0xAF, 0x01}), c);
  feed(d, rtp(0, true, {0x62, 0x01, 0x40 | 19, 0x02}), c);
  feed(d, rtp(3600, true, {0x02, 0x01, 0xD0}), c);  // TRAIL_R (1)
  REQUIRE(c.units.size() == 2);
  CHECK(c.units[0] == annexb({vps, hsps, hpps, {0x26, 0x01, 0xAF, 0x01, 0x02}}));
  CHECK(c.keyframes[0]);
  CHECK(c.units[1] == annexb({{0x02, 0x01, 0xD0}}));
  CHECK_FALSE(c.keyframes[1]);
}

TEST_CASE("rtph264pay's packets of a real x264 stream come back as units avdec_h264 decodes, every frame") {
  gst_init(nullptr, nullptr);
  // Small MTU: every frame is fragmented (FU-A); SPS/PPS come aggregated (STAP-A).
  auto* pay = gst_parse_launch(
      "videotestsrc num-buffers=30 ! video/x-raw,width=320,height=240,framerate=25/1 ! "
      "x264enc speed-preset=ultrafast tune=zerolatency key-int-max=10 ! rtph264pay mtu=300 config-interval=-1 "
      "aggregate-mode=zero-latency ! appsink name=out sync=false",
      nullptr);
  REQUIRE(pay);
  auto* out = gst_bin_get_by_name(GST_BIN(pay), "out");
  gst_element_set_state(pay, GST_STATE_PLAYING);
  rtp_nal_depay d{rtp_nal_depay::codec::h264, {}};
  collected c;
  while (auto* sample = gst_app_sink_pull_sample(GST_APP_SINK(out))) {
    GstMapInfo map;
    auto* buffer = gst_sample_get_buffer(sample);
    gst_buffer_map(buffer, &map, GST_MAP_READ);
    feed(d, bytes(map.data, map.data + map.size), c);
    gst_buffer_unmap(buffer, &map);
    gst_sample_unref(sample);
  }
  gst_element_set_state(pay, GST_STATE_NULL);
  gst_object_unref(out);
  gst_object_unref(pay);
  REQUIRE(c.units.size() == 30);
  CHECK(c.keyframes[0]);
  CHECK(c.keyframes[10]);
  CHECK_FALSE(c.keyframes[1]);

  auto* dec = gst_parse_launch(
      "appsrc name=in format=time caps=video/x-h264,stream-format=byte-stream,alignment=au ! h264parse ! "
      "avdec_h264 ! appsink name=out sync=false",
      nullptr);
  REQUIRE(dec);
  auto* in = gst_bin_get_by_name(GST_BIN(dec), "in");
  auto* frames = gst_bin_get_by_name(GST_BIN(dec), "out");
  gst_element_set_state(dec, GST_STATE_PLAYING);
  for (size_t i = 0; i < c.units.size(); ++i) {
    auto* b = gst_buffer_new_memdup(c.units[i].data(), c.units[i].size());
    GST_BUFFER_PTS(b) = i * GST_SECOND / 25;
    gst_app_src_push_buffer(GST_APP_SRC(in), b);
  }
  gst_app_src_end_of_stream(GST_APP_SRC(in));
  int decoded = 0;
  while (auto* sample = gst_app_sink_pull_sample(GST_APP_SINK(frames))) {
    ++decoded;
    gst_sample_unref(sample);
  }
  gst_element_set_state(dec, GST_STATE_NULL);
  gst_object_unref(in);
  gst_object_unref(frames);
  gst_object_unref(dec);
  CHECK(decoded == 30);
}
