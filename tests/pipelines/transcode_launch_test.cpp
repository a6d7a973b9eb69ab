// go2rtc's ffmpeg: sources built in GStreamer: golden launch texts, each parsed by
// GStreamer, and the values refused with a reason.
#include <doctest/doctest.h>

#include "pipelines/parse.hpp"
#include "pipelines/scheme_table.hpp"
#include "pipelines/transcode_launch.hpp"

using namespace sy;

namespace {

struct golden {
  const char* url;
  const char* text;
};

#define SY_H264_ENC                                                                                         \
  "x264enc speed-preset=superfast tune=zerolatency key-int-max=50 bframes=0 ! video/x-h264,profile=high ! " \
  "h264parse ! capsfilter caps=video/x-h264,stream-format=avc,alignment=au"
#define SY_FED(name) \
  "appsrc name=" name " format=time is-live=true leaky-type=downstream max-bytes=8388608 ! queue ! decodebin ! "

const golden goldens[] = {
    // Home Assistant's two: Opus audio only, MJPEG video only, from the stream itself.
    {"ffmpeg:camera.x#audio=opus#query=log_level=debug",
     SY_FED("in_audio") "queue ! audioconvert ! audioresample ! audio/x-raw,rate=48000 ! opusenc ! opusparse name=out0"},
    {"ffmpeg:camera.x#video=mjpeg",
     SY_FED("in_video") "queue ! videoconvert ! videoscale ! video/x-raw,format=I420,pixel-aspect-ratio=1/1 ! "
                        "jpegenc quality=75 name=out0"},
    {"ffmpeg:cam#video=h264#width=320#audio=pcma",
     SY_FED("in_video") "queue ! videoconvert ! videoscale ! "
                        "video/x-raw,format=I420,pixel-aspect-ratio=1/1,width=320 ! " SY_H264_ENC " name=out0  "
     SY_FED("in_audio") "queue ! audioconvert ! audioresample ! audio/x-raw,rate=8000,channels=1 ! alawenc name=out1"},
    {"ffmpeg:cam#video=copy#audio=aac/16000",
     "appsrc name=in_video format=time is-live=true ! queue name=out0  "
     SY_FED("in_audio") "queue ! audioconvert ! audioresample ! audio/x-raw,rate=16000 ! avenc_aac ! aacparse name=out1"},
    {"ffmpeg:cam",  // neither: both copied
     "appsrc name=in_video format=time is-live=true ! queue name=out0  "
     "appsrc name=in_audio format=time is-live=true ! queue name=out1"},
    {"ffmpeg:cam#video=h265#rotate=90#height=240",
     SY_FED("in_video") "queue ! videoconvert ! videoflip video-direction=90r ! videoscale ! "
                        "video/x-raw,format=I420,pixel-aspect-ratio=1/1,height=240 ! x265enc speed-preset=superfast "
                        "tune=zerolatency key-int-max=50 ! h265parse ! "
                        "capsfilter caps=video/x-h265,stream-format=hvc1,alignment=au name=out0"},
    // An RTSP camera: its own rtspsrc (TCP), a decoder per media kind.
    {"ffmpeg:rtsp://10.0.0.5/s#video=h264#audio=opus/16000",
     "rtspsrc name=in location=\"rtsp://10.0.0.5/s\" protocols=tcp latency=0 tcp-timeout=10000000 "
     "do-retransmission=false  in. ! application/x-rtp,media=video ! decodebin ! queue ! videoconvert ! videoscale ! "
     "video/x-raw,format=I420,pixel-aspect-ratio=1/1 ! " SY_H264_ENC " name=out0  in. ! "
     "application/x-rtp,media=audio ! decodebin ! queue ! audioconvert ! audioresample ! audio/x-raw,rate=16000 ! "
     "opusenc ! opusparse name=out1"},
    // Another URL: uridecodebin, each branch picking its kind of decoded pad.
    {"ffmpeg:http://10.0.0.5/live.ts#video=mjpeg",
     "uridecodebin name=in uri=\"http://10.0.0.5/live.ts\"  in. ! video/x-raw ! queue ! videoconvert ! videoscale ! "
     "video/x-raw,format=I420,pixel-aspect-ratio=1/1 ! jpegenc quality=75 name=out0"},
    // A file: played in real time (clocksync), not as fast as it decodes.
    {"ffmpeg:/media/clip.mp4#video=mjpeg#rotate=180",
     "uridecodebin name=in uri=\"file:///media/clip.mp4\"  in. ! video/x-raw ! queue ! clocksync ! videoconvert ! "
     "videoflip video-direction=180 ! videoscale ! video/x-raw,format=I420,pixel-aspect-ratio=1/1 ! "
     "jpegenc quality=75 name=out0"},
    // go2rtc's pcm: 16-bit big-endian (L16), mono, 8 kHz unless a rate is given.
    {"ffmpeg:cam#audio=pcm/16000",
     SY_FED("in_audio") "queue ! audioconvert ! audioresample ! audio/x-raw,rate=16000,channels=1 ! audioconvert ! "
                        "capsfilter caps=audio/x-raw,format=S16BE,layout=interleaved name=out0"},
    {"ffmpeg:/media/talk.wav#audio=pcmu",
     "uridecodebin name=in uri=\"file:///media/talk.wav\"  in. ! audio/x-raw ! queue ! clocksync ! audioconvert ! "
     "audioresample ! audio/x-raw,rate=8000,channels=1 ! mulawenc name=out0"},
};

}  // namespace

TEST_CASE("every golden ffmpeg: source builds exactly its launch text, and GStreamer parses it") {
  for (auto& g : goldens) {
    CAPTURE(g.url);
    auto res = source_launch(g.url);
    CHECK(res.error == "");
    CHECK(res.text == g.text);
    auto parsed = parse_launch(res.text);
    CHECK(parsed.error == "");
    if (parsed.element) gst_object_unref(parsed.element);
  }
}

TEST_CASE("ffmpeg: values go2rtc would hand to ffmpeg blindly are refused with a reason") {
  struct bad {
    const char* url;
    const char* error;
  };
  const bad cases[] = {
      {"ffmpeg:cam#video=vp9", "ffmpeg: unknown #video=vp9 (h264, h265, mjpeg or copy)"},
      {"ffmpeg:cam#audio=mp3", "ffmpeg: unknown #audio=mp3 (opus, aac, pcma, pcmu, pcm or copy)"},
      {"ffmpeg:cam#audio=-c:a libfdk_aac", "ffmpeg: unknown #audio=-c:a libfdk_aac (opus, aac, pcma, pcmu, pcm or copy)"},
      {"ffmpeg:cam#audio=pcma/100", "ffmpeg: #audio=pcma/100: the rate must be 8000..48000"},
      {"ffmpeg:cam#audio=opus/44100", "ffmpeg: #audio=opus/RATE: the rate must be 8000, 12000, 16000, 24000 or 48000"},
      {"ffmpeg:cam#video=h264#width=wide", "ffmpeg: #width must be 16..7680"},
      {"ffmpeg:cam#video=h264#height=0", "ffmpeg: #height must be 16..4320"},
      {"ffmpeg:cam#video=h264#rotate=45", "ffmpeg: #rotate must be 90, 180, 270 or -90"},
      {"ffmpeg:cam#width=320", "ffmpeg: #width, #height and #rotate need #video=h264, h265 or mjpeg"},
      {"ffmpeg:#video=h264", "ffmpeg: no input (ffmpeg:URL, ffmpeg:FILE or ffmpeg:STREAM)"},
      {"ffmpeg:rtsp://h/s", "ffmpeg: nothing to transcode: use rtsp://h/s itself as the source"},
      {"ffmpeg:rtsp://h/s#video=copy#audio=opus",
       "ffmpeg: #video=copy and #audio=copy need a stream as input (ffmpeg:STREAM#...)"},
  };
  for (auto& c : cases) {
    CAPTURE(c.url);
    auto res = source_launch(c.url);
    CHECK(res.text.empty());
    CHECK(res.error == c.error);
  }
}

TEST_CASE("an ffmpeg: source names the stream it reads, or none for a URL or file") {
  CHECK(transcode_input_stream("ffmpeg:camera.x#audio=opus") == "camera.x");
  CHECK(transcode_input_stream("ffmpeg:rtsp://h/s#video=h264").empty());
  CHECK(transcode_input_stream("ffmpeg:/media/a.mp4#video=h264").empty());
  CHECK(transcode_input_stream("camera.x").empty());
  CHECK(transcode_input_stream("rtsp://h/s").empty());
  CHECK(source_input_stream("camera.x") == "camera.x");
  CHECK(source_input_stream("ffmpeg:camera.x#video=mjpeg") == "camera.x");
  CHECK(source_input_stream("rtsp://h/s").empty());
}

TEST_CASE("what an ffmpeg: source encodes, per media, as an RTP encoding name (what codec negotiation looks for)") {
  auto ha = "ffmpeg:camera.x#audio=opus#query=log_level=debug";
  CHECK(transcode_makes(ha, "audio") == "OPUS");
  CHECK(transcode_makes(ha, "video").empty());  // only #audio: no video
  CHECK(transcode_makes("ffmpeg:camera.x#video=mjpeg", "video") == "JPEG");
  CHECK(transcode_makes("ffmpeg:camera.x#video=mjpeg", "audio").empty());
  CHECK(transcode_makes("ffmpeg:camera.x#video=h264#audio=pcma", "audio") == "PCMA");
  CHECK(transcode_makes("ffmpeg:camera.x#audio=pcmu/16000", "audio") == "PCMU");
  CHECK(transcode_makes("ffmpeg:camera.x#audio=pcm", "audio") == "L16");
  CHECK(transcode_makes("ffmpeg:camera.x", "audio").empty());  // copied, not made
  CHECK(transcode_makes("ffmpeg:camera.x#audio=vorbis", "audio").empty());  // refused source
  CHECK(transcode_makes("rtsp://h/s", "audio").empty());
}
