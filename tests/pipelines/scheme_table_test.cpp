#include <doctest/doctest.h>

#include "pipelines/scheme_table.hpp"

using namespace sy;

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
  CHECK(check_source("gst:videotestsrc ! x264enc ! h264parse name=out0", false) == source_verdict::insecure);
  CHECK(check_source("rtsp://h/a b", false) == source_verdict::with_spaces);
  CHECK(check_source("rtsp://h/a\x01", false) == source_verdict::not_supported);
  CHECK(std::string(verdict_text(source_verdict::insecure)) == "streams: source from insecure producer");
}

TEST_CASE("config-only schemes are accepted from the config file, and only those that are built") {
  CHECK(check_source("gst:videotestsrc ! x264enc ! h264parse name=out0", true) == source_verdict::ok);
  CHECK(check_source("exec:ffmpeg -i x", true) == source_verdict::not_supported);
  CHECK(check_source("test:", true) == source_verdict::ok);
}

TEST_CASE("the schemes listed are exactly the rows that have a builder, in table order") {
  std::vector<std::string> built;
  for (auto& row : scheme_table())
    if (row.build) built.push_back(row.scheme);
  CHECK(supported_schemes() == built);
  CHECK(supported_schemes() == std::vector<std::string>{"rtsp", "rtsps", "test", "ffmpeg", "gst"});
  REQUIRE(find_scheme("exec") != nullptr);
  CHECK(find_scheme("exec")->access == scheme_access::config_only);
  CHECK(find_scheme("ftp") == nullptr);
}

TEST_CASE("a gst: pipeline must name its output") {
  CHECK(source_launch("gst:videotestsrc ! fakesink").text.empty());
  CHECK(source_launch("gst:videotestsrc ! fakesink").error == "gst: the pipeline must name its output out0");
}
