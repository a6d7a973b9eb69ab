#include <doctest/doctest.h>
#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>
#include <gst/gst.h>

#include <string>
#include <vector>

#include "pipelines/rtsp/h264_rtp_packets.hpp"

using namespace sy;

namespace {

// A real x264 stream of `frames` access units in avc form, as the hub carries it, and its caps.
std::vector<GstBuffer*> encode(int frames, GstCaps*& caps) {
  auto launch = "videotestsrc num-buffers=" + std::to_string(frames) +
                " pattern=snow ! video/x-raw,width=640,height=360,framerate=25/1 ! x264enc speed-preset=ultrafast "
                "tune=zerolatency key-int-max=10 ! h264parse ! video/x-h264,stream-format=avc,alignment=au ! "
                "appsink name=out sync=false";
  auto* p = gst_parse_launch(launch.c_str(), nullptr);
  REQUIRE(p);
  auto* out = gst_bin_get_by_name(GST_BIN(p), "out");
  gst_element_set_state(p, GST_STATE_PLAYING);
  std::vector<GstBuffer*> units;
  caps = nullptr;
  while (auto* sample = gst_app_sink_pull_sample(GST_APP_SINK(out))) {
    if (!caps) caps = gst_caps_ref(gst_sample_get_caps(sample));
    units.push_back(gst_buffer_ref(gst_sample_get_buffer(sample)));
    gst_sample_unref(sample);
  }
  gst_element_set_state(p, GST_STATE_NULL);
  gst_object_unref(out);
  gst_object_unref(p);
  return units;
}

struct rtp_view {
  bool marker;
  uint16_t seq;
  uint32_t ts, ssrc;
  int pt;
  int nal_type;  // of the payload's first byte (28 = FU-A)
  size_t size;
};

rtp_view view(GstBuffer* packet) {
  GstMapInfo m;
  REQUIRE(gst_buffer_map(packet, &m, GST_MAP_READ));
  REQUIRE(m.size > 12);
  const uint8_t* d = m.data;
  rtp_view v{(d[1] & 0x80) != 0,
             uint16_t(d[2] << 8 | d[3]),
             uint32_t(d[4]) << 24 | uint32_t(d[5]) << 16 | uint32_t(d[6]) << 8 | d[7],
             uint32_t(d[8]) << 24 | uint32_t(d[9]) << 16 | uint32_t(d[10]) << 8 | d[11],
             d[1] & 0x7F,
             d[12] & 0x1F,
             m.size};
  gst_buffer_unmap(packet, &m);
  return v;
}

}  // namespace

TEST_CASE("H.264 units become RFC 6184 packets that rtph264depay and avdec_h264 decode, every frame") {
  gst_init(nullptr, nullptr);
  GstCaps* caps = nullptr;
  auto units = encode(30, caps);
  REQUIRE(units.size() == 30);
  auto pay = h264_rtp_packets::make(caps);
  REQUIRE(pay);

  auto* dec = gst_parse_launch(
      "appsrc name=in format=time ! rtph264depay ! h264parse ! avdec_h264 ! appsink name=out sync=false", nullptr);
  REQUIRE(dec);
  auto* in = gst_bin_get_by_name(GST_BIN(dec), "in");
  auto* frames = gst_bin_get_by_name(GST_BIN(dec), "out");
  auto* rtp_caps = pay->rtp_caps(96);
  g_object_set(in, "caps", rtp_caps, nullptr);
  gst_element_set_state(dec, GST_STATE_PLAYING);

  uint16_t seq = 65530;  // wraps on the way
  uint16_t expect_seq = seq;
  int idr_units_with_sps = 0, fragments = 0;
  for (size_t i = 0; i < units.size(); ++i) {
    std::vector<GstBuffer*> packets;
    uint32_t ts = 1000 + uint32_t(i) * 3600;
    pay->packetize(units[i], 96, 0x11223344, ts, seq, packets);
    REQUIRE(!packets.empty());
    bool keyframe = !GST_BUFFER_FLAG_IS_SET(units[i], GST_BUFFER_FLAG_DELTA_UNIT);
    if (keyframe && view(packets[0]).nal_type == 7) ++idr_units_with_sps;
    for (size_t k = 0; k < packets.size(); ++k) {
      auto v = view(packets[k]);
      CHECK(v.seq == expect_seq++);
      CHECK(v.ts == ts);
      CHECK(v.ssrc == 0x11223344);
      CHECK(v.pt == 96);
      CHECK(v.marker == (k + 1 == packets.size()));
      CHECK(v.size <= h264_rtp_packets::mtu);
      if (v.nal_type == 28) ++fragments;
      GST_BUFFER_PTS(packets[k]) = i * GST_SECOND / 25;
      gst_app_src_push_buffer(GST_APP_SRC(in), packets[k]);
    }
  }
  CHECK(seq == expect_seq);
  CHECK(idr_units_with_sps == 3);  // every keyframe starts with SPS (and PPS)
  CHECK(fragments > 0);            // snow at 640x360 makes NAL units larger than the MTU
  gst_app_src_end_of_stream(GST_APP_SRC(in));
  int decoded = 0;
  while (auto* sample = gst_app_sink_pull_sample(GST_APP_SINK(frames))) {
    ++decoded;
    gst_sample_unref(sample);
  }
  CHECK(decoded == 30);
  gst_element_set_state(dec, GST_STATE_NULL);
  gst_object_unref(in);
  gst_object_unref(frames);
  gst_object_unref(dec);

  // The SDP's fmtp as rtph264pay gives it for the same caps.
  auto* ref = gst_parse_launch("appsrc name=in format=time ! rtph264pay pt=96 ! fakesink name=out", nullptr);
  auto* ref_in = gst_bin_get_by_name(GST_BIN(ref), "in");
  g_object_set(ref_in, "caps", caps, nullptr);
  gst_element_set_state(ref, GST_STATE_PLAYING);
  gst_app_src_push_buffer(GST_APP_SRC(ref_in), gst_buffer_ref(units[0]));
  auto* sink = gst_bin_get_by_name(GST_BIN(ref), "out");
  auto* sink_pad = gst_element_get_static_pad(sink, "sink");
  GstCaps* theirs = nullptr;
  for (int i = 0; i < 200 && !(theirs = gst_pad_get_current_caps(sink_pad)); ++i) g_usleep(10000);
  REQUIRE(theirs);
  auto* a = gst_caps_get_structure(rtp_caps, 0);
  auto* b = gst_caps_get_structure(theirs, 0);
  for (auto* field : {"media", "encoding-name", "packetization-mode", "profile-level-id", "sprop-parameter-sets"}) {
    CAPTURE(field);
    REQUIRE(gst_structure_get_string(b, field));
    CHECK(std::string(gst_structure_get_string(a, field)) == gst_structure_get_string(b, field));
  }
  gst_caps_unref(theirs);
  gst_object_unref(sink_pad);
  gst_object_unref(sink);
  gst_element_set_state(ref, GST_STATE_NULL);
  gst_object_unref(ref_in);
  gst_object_unref(ref);
  gst_caps_unref(rtp_caps);
  for (auto* u : units) gst_buffer_unref(u);
  gst_caps_unref(caps);
}

TEST_CASE("byte-stream caps and a broken codec_data are left to rtph264pay") {
  gst_init(nullptr, nullptr);
  auto* bytestream = gst_caps_from_string("video/x-h264,stream-format=byte-stream,alignment=au");
  CHECK(h264_rtp_packets::make(bytestream) == nullptr);
  gst_caps_unref(bytestream);
  guint8 bad[] = {1, 0x42, 0, 0x1f, 0xff, 0xe1, 0, 50};  // an SPS longer than the codec_data
  auto* data = gst_buffer_new_memdup(bad, sizeof bad);
  auto* caps = gst_caps_new_simple("video/x-h264", "stream-format", G_TYPE_STRING, "avc", "codec_data",
                                   GST_TYPE_BUFFER, data, nullptr);
  CHECK(h264_rtp_packets::make(caps) == nullptr);
  gst_caps_unref(caps);
  gst_buffer_unref(data);
}
