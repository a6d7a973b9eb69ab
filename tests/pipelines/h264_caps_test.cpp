#include <doctest/doctest.h>
#include <gst/app/gstappsink.h>
#include <gst/gst.h>

#include <string>

#include "pipelines/h264_caps.hpp"

using namespace sy;

namespace {

// h264parse's avc caps of a real x264 stream of `width` x `height`.
GstCaps* parsed_caps(int width, int height, const char* profile) {
  auto launch = "videotestsrc num-buffers=1 ! video/x-raw,width=" + std::to_string(width) +
                ",height=" + std::to_string(height) + " ! x264enc ! video/x-h264,profile=" + profile +
                " ! h264parse ! video/x-h264,stream-format=avc,alignment=au ! appsink name=out sync=false";
  auto* p = gst_parse_launch(launch.c_str(), nullptr);
  REQUIRE(p);
  auto* out = gst_bin_get_by_name(GST_BIN(p), "out");
  gst_element_set_state(p, GST_STATE_PLAYING);
  auto* sample = gst_app_sink_pull_sample(GST_APP_SINK(out));
  REQUIRE(sample);
  auto* caps = gst_caps_ref(gst_sample_get_caps(sample));
  gst_sample_unref(sample);
  gst_element_set_state(p, GST_STATE_NULL);
  gst_object_unref(out);
  gst_object_unref(p);
  return caps;
}

// SPS and PPS out of an avcC with one of each.
void split_avcc(GstBuffer* avcc, std::string& sps, std::string& pps) {
  GstMapInfo map;
  REQUIRE(gst_buffer_map(avcc, &map, GST_MAP_READ));
  const guint8* d = map.data;
  size_t sps_size = size_t(d[6] << 8 | d[7]);
  sps.assign(reinterpret_cast<const char*>(d + 8), sps_size);
  size_t at = 8 + sps_size + 1;
  size_t pps_size = size_t(d[at] << 8 | d[at + 1]);
  pps.assign(reinterpret_cast<const char*>(d + at + 2), pps_size);
  gst_buffer_unmap(avcc, &map);
}

}  // namespace

TEST_CASE("caps from an SPS and PPS match h264parse's for real x264 streams, cropped sizes included") {
  gst_init(nullptr, nullptr);
  struct {
    int width, height;
    const char* profile;
  } cases[] = {{320, 240, "high"}, {1280, 720, "main"}, {642, 362, "constrained-baseline"}};
  for (auto& c : cases) {
    CAPTURE(c.width);
    auto* theirs = parsed_caps(c.width, c.height, c.profile);
    auto* st = gst_caps_get_structure(theirs, 0);
    std::string sps, pps;
    split_avcc(gst_value_get_buffer(gst_structure_get_value(st, "codec_data")), sps, pps);
    auto* ours = h264_avc_caps(sps, pps);
    REQUIRE(ours);
    auto* o = gst_caps_get_structure(ours, 0);
    int w = 0, h = 0;
    CHECK(gst_structure_get_int(o, "width", &w));
    CHECK(gst_structure_get_int(o, "height", &h));
    CHECK(w == c.width);
    CHECK(h == c.height);
    CHECK(std::string(gst_structure_get_string(o, "profile")) == gst_structure_get_string(st, "profile"));
    CHECK(std::string(gst_structure_get_string(o, "level")) == gst_structure_get_string(st, "level"));
    auto* theirs_data = gst_value_get_buffer(gst_structure_get_value(st, "codec_data"));
    auto* ours_data = gst_value_get_buffer(gst_structure_get_value(o, "codec_data"));
    GstMapInfo a, b;
    gst_buffer_map(theirs_data, &a, GST_MAP_READ);
    gst_buffer_map(ours_data, &b, GST_MAP_READ);
    CHECK(std::string(reinterpret_cast<char*>(a.data), a.size) == std::string(reinterpret_cast<char*>(b.data), b.size));
    gst_buffer_unmap(theirs_data, &a);
    gst_buffer_unmap(ours_data, &b);
    gst_caps_unref(ours);
    gst_caps_unref(theirs);
  }
}

TEST_CASE("an SPS that does not parse gives no caps") {
  gst_init(nullptr, nullptr);
  CHECK(h264_avc_caps("", "\x68\xce") == nullptr);
  CHECK(h264_avc_caps(std::string("\x68\xce\x3c\x80", 4), "\x68\xce") == nullptr);  // a PPS given as SPS
  CHECK(h264_avc_caps(std::string("\x67\x42\x00", 3), "\x68\xce") == nullptr);      // cut short
}
