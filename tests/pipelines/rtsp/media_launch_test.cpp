#include <doctest/doctest.h>

#include "pipelines/rtsp/media_launch.hpp"
#include "pipelines/parse.hpp"

using namespace sy;

TEST_CASE("the RTSP media pays each servable track and skips the rest") {
  auto res = rtsp_media_launch({"video/x-h264", "application/x-unknown", "audio/mpeg"});
  CHECK(res.text ==
        "( appsrc name=in0 format=time is-live=true do-timestamp=false max-bytes=8000000 leaky-type=downstream"
        " ! rtph264pay config-interval=-1 aggregate-mode=zero-latency name=pay0 pt=96  "
        "appsrc name=in2 format=time is-live=true do-timestamp=false max-bytes=8000000 leaky-type=downstream"
        " ! rtpmp4gpay name=pay1 pt=97 )");
  CHECK(rtsp_media_inputs({"video/x-h264", "application/x-unknown", "audio/mpeg"}) ==
        std::vector<std::string>{"in0", "", "in2"});
  auto parsed = parse_launch(res.text);
  REQUIRE(parsed.element != nullptr);
  gst_object_unref(parsed.element);
}

TEST_CASE("every codec the table knows makes an RTSP media that parses") {
  for (auto* caps : {"video/x-h264", "video/x-h265", "audio/mpeg", "audio/x-opus", "audio/x-mulaw",
                     "audio/x-alaw", "image/jpeg"}) {
    CAPTURE(caps);
    auto res = rtsp_media_launch({caps});
    REQUIRE(res.error == "");
    auto parsed = parse_launch(res.text);
    CHECK(parsed.error == "");
    if (parsed.element) gst_object_unref(parsed.element);
  }
}

TEST_CASE("a stream with nothing servable gets a reason, not a pipeline") {
  auto res = rtsp_media_launch({"application/x-unknown"});
  CHECK(res.text.empty());
  CHECK_FALSE(res.error.empty());
}
