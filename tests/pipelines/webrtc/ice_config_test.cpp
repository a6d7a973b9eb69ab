#include <doctest/doctest.h>

#include <gst/gst.h>
#include <gst/webrtc/webrtc.h>

#include "pipelines/webrtc/ice_config.hpp"

using namespace sy;

namespace {

const char* answer =
    "v=0\r\n"
    "m=video 9 UDP/TLS/RTP/SAVPF 96\r\n"
    "a=candidate:1 1 UDP 2015363327 127.0.0.1 40001 typ host\r\n"
    "a=candidate:2 1 TCP 1015021823 127.0.0.1 9 typ host tcptype active\r\n"
    "a=candidate:3 1 UDP 2015363583 10.0.0.9 40002 typ host\r\n"
    "a=candidate:4 1 UDP 1678769407 198.51.100.4 40001 typ srflx raddr 127.0.0.1 rport 40001\r\n"
    "a=end-of-candidates\r\n";

}  // namespace

TEST_CASE("announce_candidates keeps every candidate by default") {
  CHECK(announce_candidates(answer, ice_config{}) == answer);
}

TEST_CASE("announce_candidates: only listen's host, and each host candidate again on every configured address with its port") {
  ice_config ice;
  ice.host = "127.0.0.1";
  ice.candidates = {"192.168.1.5"};
  CHECK(announce_candidates(answer, ice) ==
        "v=0\r\n"
        "m=video 9 UDP/TLS/RTP/SAVPF 96\r\n"
        "a=candidate:1 1 UDP 2015363327 127.0.0.1 40001 typ host\r\n"
        "a=candidate:1x0 1 UDP 2015363327 192.168.1.5 40001 typ host\r\n"
        "a=candidate:2 1 TCP 1015021823 127.0.0.1 9 typ host tcptype active\r\n"
        "a=candidate:2x0 1 TCP 1015021823 192.168.1.5 9 typ host tcptype active\r\n"
        "a=candidate:4 1 UDP 1678769407 198.51.100.4 40001 typ srflx raddr 127.0.0.1 rport 40001\r\n"
        "a=end-of-candidates\r\n");
}

TEST_CASE("ice_server_url: go2rtc's ice_servers urls in webrtcbin's form, or a clear error") {
  std::string error;
  CHECK(ice_server_url("stun:stun.example.org:3478", "", "", error) == "stun://stun.example.org:3478");
  CHECK(ice_server_url("turns:t.example.org:5349", "a b", "c:d", error) == "turns://a%20b:c%3Ad@t.example.org:5349");
  CHECK(error.empty());
  CHECK(ice_server_url("turn:t.example.org", "", "", error).empty());
  CHECK(error == "webrtc.ice_servers: turn:t.example.org needs a username and a credential");
  CHECK(ice_server_url("stun:", "", "", error).empty());
  CHECK(error == "webrtc.ice_servers: stun: is not a stun:, turn: or turns: url");
}

TEST_CASE("apply_ice_config: webrtcbin's ICE agent keeps to the port range and never asks a router for UPnP (no SSDP multicast)") {
  GstElement* webrtcbin = gst_element_factory_make("webrtcbin", nullptr);
  REQUIRE(webrtcbin);
  ice_config ice;
  ice.min_port = 40100;
  ice.max_port = 40199;
  apply_ice_config(webrtcbin, ice);
  GstWebRTCICE* agent = nullptr;
  g_object_get(webrtcbin, "ice-agent", &agent, nullptr);
  REQUIRE(agent);
  guint min_port = 0, max_port = 0;
  g_object_get(agent, "min-rtp-port", &min_port, "max-rtp-port", &max_port, nullptr);
  CHECK(min_port == 40100);
  CHECK(max_port == 40199);
  GObject* nice = nullptr;
  g_object_get(agent, "agent", &nice, nullptr);
  REQUIRE(nice);
  gboolean upnp = TRUE;
  g_object_get(nice, "upnp", &upnp, nullptr);
  CHECK_FALSE(upnp);
  g_object_unref(nice);
  gst_object_unref(agent);
  gst_object_unref(webrtcbin);
}
