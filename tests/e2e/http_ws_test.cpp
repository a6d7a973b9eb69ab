// A scripted WebSocket client (no browser) against a daemon's /api/ws: go2rtc's
// `mse` exchange as Frigate and go2rtc's player drive it, errors, and leaving.
#include <doctest/doctest.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <regex>
#include <string>
#include <thread>

#include "tests/support/daemon.hpp"
#include "tests/support/media_probe.hpp"
#include "tests/support/process.hpp"
#include "tests/support/ws_client.hpp"

using namespace sy::test;
using namespace std::chrono;

namespace {

const char* player_codecs = R"({"type":"mse","value":"avc1.640029,avc1.64002A,avc1.640033,hvc1.1.6.L153.B0,mp4a.40.2,mp4a.40.5,flac,opus"})";


// The next text frame (skipping binary ones), or "" if none within `timeout`.
std::string next_text(ws_client& ws, milliseconds timeout) {
  auto until = steady_clock::now() + timeout;
  while (steady_clock::now() < until) {
    auto f = ws.next(duration_cast<milliseconds>(until - steady_clock::now()));
    if (f.opcode == 0) return {};
    if (f.opcode == 1) return f.payload;
  }
  return {};
}

}  // namespace

TEST_CASE("mse over /api/ws: the codec answer within 3 s, then fMP4 that ffprobe decodes, 2 s of it at least") {
  daemon_process d{"streams:\n  pattern: \"test:?size=640x360&fps=25\"\n"};
  ws_client ws{d.api_port, "/api/ws?src=pattern"};
  REQUIRE(ws.ok());
  REQUIRE(ws.send_text(player_codecs));
  auto first = ws.next(seconds(3));
  REQUIRE(first.opcode == 1);
  CHECK(std::regex_match(first.payload, std::regex(R"(\{"type":"mse","value":"video/mp4; codecs=\\"avc1\.[0-9a-f]{6}\\""\})")));
  std::string file;
  auto until = steady_clock::now() + seconds(3);
  while (steady_clock::now() < until) {
    auto f = ws.next(seconds(2));
    REQUIRE(f.opcode == 2);
    file += f.payload;
  }
  auto path = make_temp_dir() + "/mse.mp4";
  std::ofstream(path, std::ios::binary) << file;
  auto [code, out] = ffprobe_count_streams(path);
  CHECK(code == 0);
  std::smatch m;
  REQUIRE(std::regex_search(out, m, std::regex(R"(h264,640,360,(\d+))")));
  CHECK(std::stoi(m[1]) >= 50);
  ws.send(8, std::string("\x03\xe8", 2));  // close, 1000
  auto closing = ws.next(seconds(5));
  while (closing.opcode == 2) closing = ws.next(seconds(5));
  CHECK(closing.opcode == 8);
  CHECK(consumers_gone(d, "pattern"));
}

TEST_CASE("/api/ws answers errors as go2rtc does: unknown stream, unknown type, no codec in common, bad JSON") {
  daemon_process d{"streams:\n  pattern: \"test:?size=320x240\"\n"};
  {
    ws_client ws{d.api_port, "/api/ws?src=nope"};
    REQUIRE(ws.ok());
    ws.send_text(R"({"type":"mse","value":""})");
    CHECK(next_text(ws, seconds(5)) == R"({"type":"error","value":"mse: stream not found"})");
  }
  ws_client ws{d.api_port, "/api/ws?src=pattern"};
  REQUIRE(ws.ok());
  ws.send_text(R"({"type":"bogus"})");
  CHECK(next_text(ws, seconds(5)) == R"({"type":"error","value":"bogus: unknown message type"})");
  ws.send_text("not json");
  CHECK(next_text(ws, seconds(5)).find(R"("type":"error")") != std::string::npos);
  ws.send_text(R"({"type":"mse","value":"mp4a.40.2,opus"})");  // audio only: the stream has H.264 alone
  CHECK(next_text(ws, seconds(15)).rfind(R"({"type":"error","value":"mse: no codec of this stream)", 0) == 0);
  ws.send_text(R"({"type":"webrtc/offer","value":"v=0"})");  // not an offer a sender can answer
  CHECK(next_text(ws, seconds(5)).rfind(R"({"type":"error","value":"webrtc/offer: )", 0) == 0);
  ws.send_text(R"({"type":"webrtc","value":"v=0"})");  // v2 wants {type, sdp}
  CHECK(next_text(ws, seconds(5)) == R"({"type":"error","value":"webrtc: the value must be {\"type\":\"offer\",\"sdp\":...}"})");
  ws.send_text(R"({"type":"webrtc","value":{"type":"answer","sdp":"v=0"}})");
  CHECK(next_text(ws, seconds(5)).rfind(R"({"type":"error","value":"webrtc: )", 0) == 0);
  ws.send(9, "are you there");  // ping -> pong with the same payload
  auto pong = ws.next(seconds(5));
  CHECK(pong.opcode == 10);
  CHECK(pong.payload == "are you there");
  auto c = d.client();
  auto plain = c.Get("/api/ws?src=pattern");  // no upgrade
  REQUIRE(plain);
  CHECK(plain->status == 400);
}

TEST_CASE("a WebSocket viewer that vanishes mid-stream leaves no consumer behind") {
  daemon_process d{"streams:\n  pattern: \"test:?size=320x240\"\n"};
  for (int i = 0; i < 3; ++i) {
    ws_client ws{d.api_port, "/api/ws?src=pattern"};
    REQUIRE(ws.ok());
    ws.send_text(player_codecs);
    CHECK(ws.next(seconds(5)).opcode == 1);
    CHECK(ws.next(seconds(5)).opcode == 2);
    ws.drop();  // no close frame
  }
  CHECK(consumers_gone(d, "pattern"));
}
