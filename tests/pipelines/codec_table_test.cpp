#include <doctest/doctest.h>

#include "pipelines/codec_table.hpp"
#include "pipelines/parse.hpp"

using namespace sy;

TEST_CASE("every RTP encoding cameras send has a depayloader bin that parses, with one sink and one src") {
  for (auto* enc : {"H264", "H265", "MPEG4-GENERIC", "OPUS", "PCMU", "PCMA", "JPEG"}) {
    CAPTURE(enc);
    auto* fragment = rtp_depay_fragment(enc);
    REQUIRE(fragment != nullptr);
    auto bin = parse_bin(fragment);
    CHECK(bin.error == "");
    REQUIRE(bin.element != nullptr);
    auto* sink = gst_element_get_static_pad(bin.element, "sink");
    auto* src = gst_element_get_static_pad(bin.element, "src");
    CHECK(sink != nullptr);
    CHECK(src != nullptr);
    if (sink) gst_object_unref(sink);
    if (src) gst_object_unref(src);
    gst_object_unref(bin.element);
  }
  CHECK(rtp_depay_fragment("VP8") == nullptr);  // unknown: the stream falls back to parsebin
}

TEST_CASE("H.264 and H.265 are depayloaded whole access units, not single NAL units") {
  CHECK(std::string(rtp_depay_fragment("H264")).find("alignment=au") != std::string::npos);
  CHECK(std::string(rtp_depay_fragment("H265")).find("alignment=au") != std::string::npos);
}

TEST_CASE("the codec table names codecs as go2rtc does") {
  CHECK(std::string(find_codec("video/x-h264")->name) == "H264");
  CHECK(std::string(find_codec("audio/mpeg")->name) == "MPEG4-GENERIC");
  CHECK(std::string(find_codec("audio/x-mulaw")->api_name) == "pcm_mulaw");
  CHECK(find_codec("video/x-vp8") == nullptr);
}

TEST_CASE("H.264 and H.265 have a parser bin for rtp_nal_depay's Annex B units, whose input caps parse") {
  for (auto* enc : {"H264", "H265"}) {
    CAPTURE(enc);
    REQUIRE(nal_parser_fragment(enc) != nullptr);
    auto bin = parse_bin(nal_parser_fragment(enc));
    CHECK(bin.error == "");
    REQUIRE(bin.element != nullptr);
    gst_object_unref(bin.element);
    auto* caps = gst_caps_from_string(nal_parser_caps(enc));
    CHECK(caps != nullptr);
    if (caps) gst_caps_unref(caps);
  }
  CHECK(nal_parser_fragment("OPUS") == nullptr);
}
