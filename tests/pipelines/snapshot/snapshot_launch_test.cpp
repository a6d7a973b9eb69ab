#include <doctest/doctest.h>

#include "pipelines/parse.hpp"
#include "pipelines/snapshot/snapshot_launch.hpp"

using namespace sy;

TEST_CASE("snapshot pipelines scale to the requested size and parse") {
  CHECK(snapshot_launch({}) ==
        "appsrc name=in format=time is-live=false ! decodebin ! videoconvert ! videoscale ! "
        "video/x-raw,format=I420,pixel-aspect-ratio=1/1 ! jpegenc quality=85 ! appsink name=out sync=false "
        "max-buffers=1 drop=false");
  auto text = snapshot_launch({320, 0});
  CHECK(text.find("pixel-aspect-ratio=1/1,width=320 !") != std::string::npos);
  for (auto size : {snapshot_size{}, snapshot_size{320, 0}, snapshot_size{0, 200}, snapshot_size{640, 480}}) {
    auto parsed = parse_launch(snapshot_launch(size));
    CHECK(parsed.error == "");
    if (parsed.element) gst_object_unref(parsed.element);
  }
}
