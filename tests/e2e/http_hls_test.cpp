// Real clients (ffmpeg, ffprobe, a scripted WebSocket client, plain HTTP) against the
// HLS output: GET /api/stream.m3u8 (MPEG-TS and fMP4 segments), the WebSocket `hls`
// message, session lifetime and errors.
#include <doctest/doctest.h>

#include <chrono>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/daemon.hpp"
#include "tests/support/fake_camera.hpp"
#include "tests/support/media_probe.hpp"
#include "tests/support/process.hpp"
#include "tests/support/ws_client.hpp"

using namespace sy::test;
using namespace std::chrono;

namespace {

// ffmpeg copies `seconds` of the HLS stream at `url` into a file (`ext` picks the
// container), then ffprobe decodes that file: its csv stream lines
// (codec_name,width,height,nb_read_frames for video; codec_name,sample_rate,
// nb_read_frames for audio).
std::string record_and_probe(const std::string& url, int seconds_, const std::string& ext) {
  auto path = make_temp_dir() + "/hls." + ext;
  auto [rec, rec_out] = run_process({"ffmpeg", "-nostdin", "-v", "error", "-i", url, "-t", std::to_string(seconds_),
                                     "-map", "0", "-c", "copy", "-y", path},
                                    seconds(60));
  CHECK_MESSAGE(rec == 0, rec_out);
  auto [code, out] = ffprobe_count_streams(path);
  CHECK(code == 0);
  return out;
}

// Frames of the video line `codec,width,height,frames` in ffprobe's csv (-1: none).
int video_frames(const std::string& csv, const std::string& codec_size) {
  std::smatch m;
  if (!std::regex_search(csv, m, std::regex(codec_size + R"(,(\d+))"))) return -1;
  return std::stoi(m[1]);
}

// The media playlist URL a master playlist points at.
std::string media_playlist_path(const std::string& master) {
  std::smatch m;
  if (!std::regex_search(master, m, std::regex(R"((hls/playlist\.m3u8\?id=[A-Za-z0-9]+))"))) return {};
  return "/api/" + m[1].str();
}

}  // namespace

TEST_CASE("ffmpeg reads stream.m3u8 of a test stream as MPEG-TS and as fMP4 (&mp4): H.264 at its size, every frame") {
  daemon_process d{"streams:\n  pattern: \"test:?size=640x360&fps=25\"\n"};
  auto ts = record_and_probe(d.http_url("/api/stream.m3u8?src=pattern"), 4, "ts");
  MESSAGE(ts);
  CHECK(video_frames(ts, "h264,640,360") >= 90);  // 4 s at 25 fps
  auto mp4 = record_and_probe(d.http_url("/api/stream.m3u8?src=pattern&mp4"), 4, "mp4");
  MESSAGE(mp4);
  CHECK(video_frames(mp4, "h264,640,360") >= 90);
}

TEST_CASE("stream.m3u8 of a relayed RTSP camera carries its H.264 and AAC, in TS and in fMP4") {
  camera_options opts;
  opts.size = "352x288";
  opts.audio = "aac";
  fake_camera cam{opts};
  REQUIRE(cam.start() > 0);
  daemon_process d{"streams:\n  cam: \"" + cam.url() + "\"\n"};
  for (std::string q : {"", "&mp4"}) {
    CAPTURE(q);
    auto out = record_and_probe(d.http_url("/api/stream.m3u8?src=cam" + q), 4, q.empty() ? "ts" : "mp4");
    MESSAGE(out);
    CHECK(video_frames(out, "h264,352,288") >= 75);
    std::smatch m;
    REQUIRE(std::regex_search(out, m, std::regex(R"(aac,16000,(\d+))")));
    CHECK(std::stoi(m[1]) >= 40);  // 16 kHz AAC: ~15.6 frames a second
  }
}

TEST_CASE("an H.265 stream plays over HLS too, in TS and in fMP4, with its hvc1 codec string in the master playlist") {
  daemon_process d{"streams:\n  hevc: \"test:?codec=h265&size=320x240&fps=25\"\n"};
  auto c = d.client();
  auto master = c.Get("/api/stream.m3u8?src=hevc");
  REQUIRE(master);
  CHECK(master->body.find("CODECS=\"hvc1.1.6.L") != std::string::npos);
  for (std::string q : {"", "&mp4"}) {
    CAPTURE(q);
    auto out = record_and_probe(d.http_url("/api/stream.m3u8?src=hevc" + q), 3, q.empty() ? "ts" : "mp4");
    CHECK(video_frames(out, "hevc,320,240") >= 65);
  }
}

TEST_CASE("the playlists are go2rtc's: master -> hls/playlist.m3u8?id=..; short segments; any origin; TS has no init") {
  daemon_process d{"streams:\n  pattern: \"test:?size=320x240&fps=25\"\n"};
  auto c = d.client();
  auto master = c.Get("/api/stream.m3u8?src=pattern");
  REQUIRE(master);
  CHECK(master->status == 200);
  CHECK(master->get_header_value("Content-Type") == "application/vnd.apple.mpegurl");
  CHECK(master->get_header_value("Access-Control-Allow-Origin") == "*");
  CHECK(std::regex_search(master->body, std::regex(R"(#EXT-X-STREAM-INF:BANDWIDTH=\d+,CODECS="avc1\.[0-9a-f]{6}")")));
  auto path = media_playlist_path(master->body);
  REQUIRE(!path.empty());
  auto media = c.Get(path.c_str());
  REQUIRE(media);
  CHECK(media->status == 200);
  CHECK(media->body.find("#EXT-X-TARGETDURATION:") != std::string::npos);
  CHECK(media->body.find("#EXT-X-MAP") == std::string::npos);
  std::smatch m;
  REQUIRE(std::regex_search(media->body, m, std::regex(R"((segment\.ts\?id=[A-Za-z0-9]+&n=(\d+)))")));
  auto seg = c.Get(("/api/hls/" + m[1].str()).c_str());
  REQUIRE(seg);
  CHECK(seg->status == 200);
  CHECK(seg->get_header_value("Content-Type") == "video/mp2t");
  REQUIRE(seg->body.size() % 188 == 0);
  CHECK(seg->body[0] == 0x47);
  // The playlist follows the player: the first lists three segments (a player starts
  // three from the end), later ones the three it took and the new ones after them,
  // so it never skips. Segments after the first are short: it stays close to live.
  int taken = -1;
  for (int i = 0; i < 5; ++i) {
    auto again = c.Get(path.c_str());
    REQUIRE(again);
    std::string body = again->body;
    static const std::regex entry(R"(#EXTINF:([0-9.]+),\nsegment\.ts\?id=[A-Za-z0-9]+&n=(\d+))");
    std::vector<int> listed;
    for (std::sregex_iterator it(body.begin(), body.end(), entry), end; it != end; ++it) {
      auto n = std::stoi((*it)[2]);
      if (n > 0) CHECK(std::stod((*it)[1]) <= 1.0);
      if (!listed.empty()) CHECK(n == listed.back() + 1);
      listed.push_back(n);
    }
    CAPTURE(body);
    REQUIRE(!listed.empty());
    if (i == 0) CHECK(listed == std::vector<int>{0, 1, 2});
    if (i > 0) CHECK(listed.front() == std::max(0, taken + 1 - 3));
    CHECK(listed.back() > taken);
    CHECK(listed.back() <= taken + 3);
    for (int n = taken + 1; n <= listed.back(); ++n) {
      auto got = c.Get(("/api/hls/segment.ts?" + path.substr(path.find("id=")) + "&n=" + std::to_string(n)).c_str());
      REQUIRE(got);
      CHECK(got->status == 200);
    }
    taken = listed.back();
  }
  auto init = c.Get(("/api/hls/init.mp4?" + path.substr(path.find("id="))).c_str());
  REQUIRE(init);
  CHECK(init->status == 404);
}

TEST_CASE("the WebSocket hls message answers an fMP4 master playlist that ffmpeg plays; codecs outside the list refused") {
  daemon_process d{"streams:\n  pattern: \"test:?size=320x240&fps=25\"\n"};
  ws_client ws{d.api_port, "/api/ws?src=pattern"};
  REQUIRE(ws.ok());
  REQUIRE(ws.send_text(R"({"type":"hls","value":"avc1.640029,mp4a.40.2"})"));
  auto reply = ws.next(seconds(5));
  REQUIRE(reply.opcode == 1);
  std::smatch m;
  REQUIRE(std::regex_search(reply.payload, m, std::regex(R"(^\{"type":"hls","value":"#EXTM3U\\n.*(hls/playlist\.m3u8\?id=[A-Za-z0-9]+))")));
  auto url = d.http_url("/api/" + m[1].str());
  auto c = d.client();
  auto media = c.Get(("/api/" + m[1].str()).c_str());
  REQUIRE(media);
  CHECK(media->body.find("#EXT-X-MAP:URI=\"init.mp4?id=") != std::string::npos);
  auto out = record_and_probe(url, 3, "mp4");
  CHECK(video_frames(out, "h264,320,240") >= 65);
  REQUIRE(ws.send_text(R"({"type":"hls","value":"hvc1.1.6.L153.B0"})"));
  auto refused = ws.next(seconds(5));
  REQUIRE(refused.opcode == 1);
  CHECK(refused.payload.rfind(R"({"type":"error","value":"hls: )", 0) == 0);
}

TEST_CASE("an HLS session ends 5 s after its last request: its consumer goes, its URLs answer 404") {
  daemon_process d{"streams:\n  pattern: \"test:?size=320x240&fps=25\"\n"};
  auto c = d.client();
  auto master = c.Get("/api/stream.m3u8?src=pattern");
  REQUIRE(master);
  auto path = media_playlist_path(master->body);
  REQUIRE(!path.empty());
  // Kept alive by requests every second for 8 s...
  for (int i = 0; i < 8; ++i) {
    auto res = c.Get(path.c_str());
    REQUIRE(res);
    CHECK(res->status == 200);
    auto s = c.Get("/api/streams?src=pattern");
    REQUIRE(s);
    CHECK(s->body.find("\"format_name\": \"hls\"") != std::string::npos);
    std::this_thread::sleep_for(seconds(1));
  }
  // ...then left alone: gone within 5 s (+ the reaper's half second), not before 4.
  std::this_thread::sleep_for(seconds(4));
  auto s = c.Get("/api/streams?src=pattern");
  REQUIRE(s);
  CHECK(s->body.find("\"format_name\": \"hls\"") != std::string::npos);
  std::this_thread::sleep_for(seconds(2));
  CHECK(consumers_gone(d, "pattern"));
  auto late = c.Get(path.c_str());
  REQUIRE(late);
  CHECK(late->status == 404);
}

TEST_CASE("HLS refuses bad requests with clear errors and changes nothing") {
  daemon_process d{"streams:\n  pattern: \"test:?size=320x240\"\n"};
  auto c = d.client();
  auto none = c.Get("/api/stream.m3u8");
  REQUIRE(none);
  CHECK(none->status == 400);
  auto missing = c.Get("/api/stream.m3u8?src=nope");
  REQUIRE(missing);
  CHECK(missing->status == 404);
  CHECK(missing->body == "stream not found\n");
  for (auto* path : {"/api/hls/playlist.m3u8?id=nope", "/api/hls/segment.ts?id=nope&n=0", "/api/hls/init.mp4?id=x"}) {
    CAPTURE(path);
    auto res = c.Get(path);
    REQUIRE(res);
    CHECK(res->status == 404);
    CHECK(res->get_header_value("Access-Control-Allow-Origin") == "*");
  }
  auto master = c.Get("/api/stream.m3u8?src=pattern");
  REQUIRE(master);
  auto id = media_playlist_path(master->body);
  REQUIRE(!id.empty());
  id = id.substr(id.find("id="));
  auto bad_n = c.Get(("/api/hls/segment.ts?" + id + "&n=soon").c_str());
  REQUIRE(bad_n);
  CHECK(bad_n->status == 400);
  auto ahead = c.Get(("/api/hls/segment.ts?" + id + "&n=99").c_str());
  REQUIRE(ahead);
  CHECK(ahead->status == 404);
  auto wrong_kind = c.Get(("/api/hls/segment.m4s?" + id + "&n=0").c_str());
  REQUIRE(wrong_kind);
  CHECK(wrong_kind->status == 404);
  auto options = c.Options("/api/stream.m3u8");
  REQUIRE(options);
  CHECK(options->get_header_value("Access-Control-Allow-Origin") == "*");
  auto list = c.Get("/api/streams");
  REQUIRE(list);
  CHECK(list->body.find("nope") == std::string::npos);
}
