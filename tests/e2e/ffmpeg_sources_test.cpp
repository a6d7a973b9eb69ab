// go2rtc's ffmpeg: sources, built in GStreamer, through a real daemon: Home
// Assistant's exact PUT, and transcodes read back by ffprobe over RTSP.
#include <doctest/doctest.h>
#include <rapidjson/document.h>

#include "tests/support/daemon.hpp"
#include "tests/support/fake_camera.hpp"
#include "tests/support/media_probe.hpp"

using namespace sy::test;

namespace {

std::vector<std::string> producer_urls(httplib::Client& c, const std::string& name) {
  std::vector<std::string> out;
  auto res = c.Get(("/api/streams?src=" + name).c_str());
  if (!res || res->status != 200) return out;
  rapidjson::Document doc;
  doc.Parse(res->body.c_str());
  if (doc.HasParseError() || !doc["producers"].IsArray()) return out;
  for (auto& p : doc["producers"].GetArray()) out.push_back(p["url"].GetString());
  return out;
}

bool has_line(const std::string& text, const std::string& line) { return text.find(line) != std::string::npos; }

}  // namespace

TEST_CASE("Home Assistant's PUT with two ffmpeg: sources: 200, three producers in order, a 320-wide snapshot") {
  camera_options opts;
  opts.size = "640x480";
  opts.audio = "aac";
  fake_camera cam{opts};
  REQUIRE(cam.start() > 0);
  daemon_process d;
  auto c = d.client();
  // The query exactly as Home Assistant's go2rtc client sends it: '#' escaped, '='
  // and ':' not.
  auto target = "/api/streams?name=camera.x&src=" + cam.url() +
                "&src=ffmpeg:camera.x%23audio=opus%23query=log_level=debug&src=ffmpeg:camera.x%23video=mjpeg";
  auto put = c.Put(target.c_str());
  REQUIRE(put);
  CHECK(put->status == 200);
  CHECK(put->body == "");
  CHECK(producer_urls(c, "camera.x") == std::vector<std::string>{cam.url(),
                                                                  "ffmpeg:camera.x#audio=opus#query=log_level=debug",
                                                                  "ffmpeg:camera.x#video=mjpeg"});
  auto again = c.Put(target.c_str());  // HA re-PUTs when it restarts: the same answer
  REQUIRE(again);
  CHECK(again->status == 200);

  auto jpeg = c.Get("/api/frame.jpeg?src=camera.x&width=320");
  REQUIRE(jpeg);
  CHECK(jpeg->status == 200);
  CHECK(jpeg_size(jpeg->body) == std::pair<int, int>{320, 240});
  // An RTSP viewer gets the camera's own H.264 and AAC: nothing was transcoded for it.
  auto [code, out] = ffprobe_entries(d.rtsp_url("camera.x"), "stream=codec_name,width,height,sample_rate");
  CHECK(code == 0);
  CHECK(has_line(out, "h264,640,480"));
  CHECK(has_line(out, "aac,16000"));
  CHECK(cam.client_count() == 1);
}

TEST_CASE("ffmpeg:STREAM transcodes another stream in-process: Opus from AAC, scaled H.264, MJPEG with PCMA, L16") {
  camera_options opts;
  opts.audio = "aac";
  fake_camera cam{opts};
  REQUIRE(cam.start() > 0);
  daemon_process d{"streams:\n  cam: \"" + cam.url() +
                   "\"\n"
                   "  opus: \"ffmpeg:cam#audio=opus\"\n"
                   "  small: \"ffmpeg:cam#video=h264#width=160\"\n"
                   "  turned: \"ffmpeg:cam#video=h264#rotate=90\"\n"
                   "  both: \"ffmpeg:cam#video=mjpeg#audio=pcma\"\n"
                   "  pcm: \"ffmpeg:cam#audio=pcm\"\n"
                   "  pcm16: \"ffmpeg:cam#audio=pcm/16000\"\n"};
  auto entries = "stream=codec_name,width,height,sample_rate";
  auto opus = ffprobe_entries(d.rtsp_url("opus"), entries);
  CHECK(opus.first == 0);
  CHECK(has_line(opus.second, "opus,48000"));
  CHECK_FALSE(has_line(opus.second, "h264"));  // #audio only: no video, as in go2rtc
  auto small = ffprobe_entries(d.rtsp_url("small"), entries);
  CHECK(small.first == 0);
  CHECK(has_line(small.second, "h264,160,120"));
  CHECK_FALSE(has_line(small.second, "aac"));
  auto turned = ffprobe_entries(d.rtsp_url("turned"), entries);
  CHECK(has_line(turned.second, "h264,240,320"));
  auto both = ffprobe_entries(d.rtsp_url("both"), entries);
  CHECK(has_line(both.second, "mjpeg,320,240"));
  CHECK(has_line(both.second, "pcm_alaw,8000"));
  auto pcm = ffprobe_entries(d.rtsp_url("pcm"), entries);  // go2rtc's pcm: L16, mono, 8 kHz
  CHECK(pcm.first == 0);
  CHECK(has_line(pcm.second, "pcm_s16be,8000"));
  auto pcm16 = ffprobe_entries(d.rtsp_url("pcm16"), entries);
  CHECK(has_line(pcm16.second, "pcm_s16be,16000"));
  // Every transcode reads the one camera connection the stream holds.
  CHECK(cam.client_count() == 1);
  // ffmpeg decodes the transcoded video for 2 s: frames keep coming, not one.
  CHECK(ffmpeg_count_frames(d.rtsp_url("small"), 2) >= 30);
}

TEST_CASE("ffmpeg:rtsp://CAMERA transcodes a camera read over its own RTSP connection") {
  fake_camera cam;
  REQUIRE(cam.start() > 0);
  daemon_process d;
  auto c = d.client();
  auto put = put_stream(c, "low", "ffmpeg:" + cam.url() + "#video=h264#height=120");
  REQUIRE(put);
  CHECK(put->status == 200);
  auto probe = ffprobe_video(d.rtsp_url("low"));
  CHECK(probe.ok);
  CHECK(probe.codec == "h264");
  CHECK(probe.width == 160);
  CHECK(probe.height == 120);
}

TEST_CASE("bad ffmpeg: sources are refused with a clear text and store nothing") {
  daemon_process d{"streams:\n  cam: \"test:?size=320x240\"\n"};
  auto c = d.client();
  struct bad {
    std::string name, src, text;
  };
  const bad cases[] = {
      {"a", "ffmpeg:cam#video=vp9", "ffmpeg: unknown #video=vp9 (h264, h265, mjpeg or copy)\n"},
      {"a", "ffmpeg:cam#audio=mp3", "ffmpeg: unknown #audio=mp3 (opus, aac, pcma, pcmu, pcm or copy)\n"},
      {"a", "ffmpeg:nope#video=h264", "streams: ffmpeg:nope#video=h264: no stream named nope\n"},
      {"a", "ffmpeg:a#video=h264", "streams: every source transcodes a, which has no other\n"},
  };
  for (auto& b : cases) {
    CAPTURE(b.src);
    auto res = put_stream(c, b.name, b.src);
    REQUIRE(res);
    CHECK(res->status == 400);
    CHECK(res->body == b.text);
    auto get = c.Get(("/api/streams?src=" + b.name).c_str());
    REQUIRE(get);
    CHECK(get->status == 404);
  }
  // A loop through a transcode is refused like a plain one.
  REQUIRE(put_stream(c, "b", "ffmpeg:cam#video=h264")->status == 200);
  auto loop = put_stream(c, "cam", "ffmpeg:b#video=mjpeg");
  REQUIRE(loop);
  CHECK(loop->status == 400);
  CHECK(loop->body == "streams: source loops back to this stream\n");
  CHECK(producer_urls(c, "cam") == std::vector<std::string>{"test:?size=320x240"});
}
