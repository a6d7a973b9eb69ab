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

TEST_CASE("sources are judged with go2rtc's verdicts") {
  CHECK(check_source("rtsp://10.0.0.5/s", false) == source_verdict::ok);
  CHECK(check_source("rtsps://10.0.0.5/s", false) == source_verdict::ok);
  CHECK(check_source("test:?size=320x240", false) == source_verdict::ok);
  CHECK(check_source("ftp://x", false) == source_verdict::not_supported);
  CHECK(check_source("nonsense", false) == source_verdict::not_supported);
  CHECK(check_source("", false) == source_verdict::not_supported);
  CHECK(check_source("exec:ffmpeg -i x", false) == source_verdict::insecure);
  CHECK(check_source("echo:/bin/x", false) == source_verdict::insecure);
  CHECK(check_source("expr:let", false) == source_verdict::insecure);
  CHECK(check_source("gst:videotestsrc", false) == source_verdict::insecure);
  CHECK(check_source("rtsp://h/a b", false) == source_verdict::with_spaces);
  CHECK(check_source("rtsp://h/a\x01", false) == source_verdict::not_supported);
  CHECK(std::string(verdict_text(source_verdict::insecure)) == "streams: source from insecure producer");
}

TEST_CASE("credentials are masked in every URL shape") {
  CHECK(mask_credentials("rtsp://user:pass@10.0.0.5:554/stream1") == "rtsp://***@10.0.0.5:554/stream1");
  CHECK(mask_credentials("rtsp://user@h/s") == "rtsp://***@h/s");
  CHECK(mask_credentials("rtsp://h/s?a=b@c") == "rtsp://h/s?a=b@c");
  CHECK(mask_credentials("rtsp://u:p@ss@h/s") == "rtsp://***@h/s");
  CHECK(mask_credentials("test:?size=1x1") == "test:?size=1x1");
}
