#include <doctest/doctest.h>

#include "pipelines/source_uri.hpp"

using namespace sy;

TEST_CASE("a source URL splits into scheme, query and #options") {
  auto s = parse_source("RTSP://u:p@h:554/p?channel=1#transport=udp#backchannel");
  CHECK(s.scheme == "rtsp");
  CHECK(s.url == "RTSP://u:p@h:554/p?channel=1");
  CHECK(s.query.at("channel") == "1");
  CHECK(s.options.at("transport") == "udp");
  CHECK(s.options.count("backchannel") == 1);
}

TEST_CASE("credentials are masked in every URL shape") {
  CHECK(mask_credentials("rtsp://user:pass@10.0.0.5:554/stream1") == "rtsp://***@10.0.0.5:554/stream1");
  CHECK(mask_credentials("rtsp://user@h/s") == "rtsp://***@h/s");
  CHECK(mask_credentials("rtsp://h/s?a=b@c") == "rtsp://h/s?a=b@c");
  CHECK(mask_credentials("rtsp://u:p@ss@h/s") == "rtsp://***@h/s");
  CHECK(mask_credentials("test:?size=1x1") == "test:?size=1x1");
}

TEST_CASE("a bare name is a stream reference; a URL is not") {
  CHECK(is_stream_reference("cam1"));
  CHECK(is_stream_reference("camera.x"));
  CHECK_FALSE(is_stream_reference("rtsp://h/cam1"));
  CHECK_FALSE(is_stream_reference("test:"));
  CHECK_FALSE(is_stream_reference("dir/file"));
  CHECK_FALSE(is_stream_reference(""));
}

TEST_CASE("a loopback RTSP URL names one of this server's streams, any other URL does not") {
  CHECK(loopback_rtsp_path("rtsp://127.0.0.1:8554/cam1") == "cam1");
  CHECK(loopback_rtsp_path("rtsp://localhost/cam1?video") == "cam1");
  CHECK(loopback_rtsp_path("rtsp://[::1]:8554/cam1") == "cam1");
  CHECK(loopback_rtsp_path("rtsp://10.0.0.5:554/cam1") == "");
  CHECK(loopback_rtsp_path("rtsp://u:p@127.0.0.1/cam1") == "");
  CHECK(loopback_rtsp_path("rtsps://127.0.0.1/cam1") == "");
  CHECK(loopback_rtsp_path("test:") == "");
}
