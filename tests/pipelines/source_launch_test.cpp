#include <doctest/doctest.h>

#include "pipelines/parse.hpp"
#include "pipelines/scheme_table.hpp"

using namespace sy;

namespace {

// Golden table: source URL -> exact launch text. Each row also must parse.
struct golden {
  const char* url;
  const char* text;
};

const golden goldens[] = {
    {"test:",
     "videotestsrc is-live=true pattern=smpte ! video/x-raw,format=I420,width=640,height=360,framerate=25/1 ! "
     "x264enc tune=zerolatency speed-preset=ultrafast key-int-max=50 bitrate=768 ! h264parse ! "
     "capsfilter caps=video/x-h264,stream-format=avc,alignment=au name=out0"},
    {"test:?size=1280x720&fps=30&codec=h264",
     "videotestsrc is-live=true pattern=smpte ! video/x-raw,format=I420,width=1280,height=720,framerate=30/1 ! "
     "x264enc tune=zerolatency speed-preset=ultrafast key-int-max=60 bitrate=3072 ! h264parse ! "
     "capsfilter caps=video/x-h264,stream-format=avc,alignment=au name=out0"},
    {"test:?codec=h265&gop=10&bitrate=500&pattern=ball",
     "videotestsrc is-live=true pattern=ball ! video/x-raw,format=I420,width=640,height=360,framerate=25/1 ! "
     "x265enc tune=zerolatency speed-preset=ultrafast key-int-max=10 bitrate=500 ! h265parse ! "
     "capsfilter caps=video/x-h265,stream-format=hvc1,alignment=au name=out0"},
    {"test:?audio=opus",
     "videotestsrc is-live=true pattern=smpte ! video/x-raw,format=I420,width=640,height=360,framerate=25/1 ! "
     "x264enc tune=zerolatency speed-preset=ultrafast key-int-max=50 bitrate=768 ! h264parse ! "
     "capsfilter caps=video/x-h264,stream-format=avc,alignment=au name=out0  "
     "audiotestsrc is-live=true wave=sine volume=0.2 ! audio/x-raw,rate=48000,channels=1 ! opusenc ! opusparse name=out1"},
    {"rtsp://user:pass@10.0.0.5:554/stream1",
     "rtspsrc name=out0 location=\"rtsp://user:pass@10.0.0.5:554/stream1\" protocols=tcp latency=0 "
     "tcp-timeout=10000000 do-retransmission=false"},
    {"rtsp://10.0.0.5/main#transport=udp",
     "rtspsrc name=out0 location=\"rtsp://10.0.0.5/main\" protocols=udp latency=100 tcp-timeout=10000000 "
     "do-retransmission=false"},
    {"rtsps://cam.local:322/s",
     "rtspsrc name=out0 location=\"rtsps://cam.local:322/s\" protocols=tcp latency=0 tcp-timeout=10000000 "
     "do-retransmission=false tls-validation-flags=0"},
    {"gst:videotestsrc is-live=true ! x264enc tune=zerolatency ! h264parse name=out0",
     "videotestsrc is-live=true ! x264enc tune=zerolatency ! h264parse name=out0"},
};

}  // namespace

TEST_CASE("every golden source URL builds exactly its launch text") {
  for (auto& g : goldens) {
    CAPTURE(g.url);
    auto res = source_launch(g.url);
    CHECK(res.error == "");
    CHECK(res.text == g.text);
  }
}

TEST_CASE("every golden launch text parses with GStreamer") {
  for (auto& g : goldens) {
    CAPTURE(g.text);
    auto parsed = parse_launch(g.text);
    CHECK(parsed.error == "");
    REQUIRE(parsed.element != nullptr);
    gst_object_unref(parsed.element);
  }
}

TEST_CASE("test sources with bad parameters are refused with a reason") {
  const char* bad[] = {"test:?size=big", "test:?size=10x10", "test:?fps=0", "test:?fps=500",
                       "test:?codec=vp9", "test:?audio=mp3", "test:?pattern=nope", "test:?gop=0"};
  for (auto* url : bad) {
    CAPTURE(url);
    auto res = source_launch(url);
    CHECK(res.text.empty());
    CHECK_FALSE(res.error.empty());
  }
}

TEST_CASE("quotes and backslashes in a URL cannot break out of the location value") {
  auto res = source_launch("rtsp://h/a\"b\\c");
  CHECK(res.text.find("location=\"rtsp://h/a\\\"b\\\\c\"") != std::string::npos);
  auto parsed = parse_launch(res.text);
  REQUIRE(parsed.element != nullptr);
  gchar* location = nullptr;
  g_object_get(parsed.element, "location", &location, nullptr);
  CHECK(std::string(location) == "rtsp://h/a\"b\\c");
  g_free(location);
  gst_object_unref(parsed.element);
}

TEST_CASE("an unknown scheme builds nothing") {
  auto res = source_launch("ftp://x");
  CHECK(res.text.empty());
  CHECK(res.error == "streams: source not supported");
}
