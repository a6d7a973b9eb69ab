#include <doctest/doctest.h>

#include "pipelines/rtsp_message.hpp"

using namespace sy;

TEST_CASE("an RTSP request is parsed once it is complete, body included") {
  std::string text = "ANNOUNCE rtsp://h:1/cam/trackID=0?x=1 RTSP/1.0\r\nCSeq: 3\r\ncontent-length: 4\r\n\r\nabcdREST";
  rtsp_request req;
  CHECK(parse_rtsp_request(text.data(), 20, req) == 0);
  CHECK(parse_rtsp_request(text.data(), text.size() - 6, req) == 0);  // body not all there
  auto used = parse_rtsp_request(text.data(), text.size(), req);
  CHECK(used == long(text.size() - 4));
  CHECK(req.method == "ANNOUNCE");
  CHECK(req.header("cseq") == "3");
  CHECK(req.body == "abcd");
  CHECK(req.path() == "cam/trackID=0");
  CHECK(req.header("Session").empty());
}

TEST_CASE("bytes that are not RTSP are refused, and so is a head without end") {
  rtsp_request req;
  std::string http = "GET / HTTP/1.1\r\n\r\n";
  CHECK(parse_rtsp_request(http.data(), http.size(), req) == -1);
  std::string endless(70 * 1024, 'a');
  CHECK(parse_rtsp_request(endless.data(), endless.size(), req) == -1);
  std::string huge = "PLAY rtsp://h/x RTSP/1.0\r\nContent-Length: 999999999\r\n\r\n";
  CHECK(parse_rtsp_request(huge.data(), huge.size(), req) == -1);
}

TEST_CASE("a path keeps slashes inside a stream name and loses the query and trailing slash") {
  rtsp_request req;
  req.uri = "rtsp://127.0.0.1:10554/site/cam1/?video";
  CHECK(req.path() == "site/cam1");
  req.uri = "/cam";
  CHECK(req.path() == "cam");
}

TEST_CASE("interleaved frames are measured from their 4-byte header") {
  const char frame[] = {'$', 1, 0, 3, 'a', 'b', 'c', 'x'};
  CHECK(interleaved_frame_size(frame, 3) == 0);
  CHECK(interleaved_frame_size(frame, 6) == 0);
  CHECK(interleaved_frame_size(frame, 8) == 7);
}

TEST_CASE("Transport headers: TCP interleaved, UDP ports, multicast refused, first usable alternative wins") {
  rtsp_transport t;
  REQUIRE(parse_rtsp_transport("RTP/AVP/TCP;unicast;interleaved=4-5", t));
  CHECK(t.tcp);
  CHECK(t.channel == 4);
  REQUIRE(parse_rtsp_transport("RTP/AVP;unicast;client_port=5000-5001", t));
  CHECK_FALSE(t.tcp);
  CHECK(t.client_rtp_port == 5000);
  CHECK(t.client_rtcp_port == 5001);
  rtsp_transport m;
  CHECK_FALSE(parse_rtsp_transport("RTP/AVP;multicast;port=5000-5001", m));
  CHECK(m.multicast);
  REQUIRE(parse_rtsp_transport("RTP/AVP;multicast, RTP/AVP/TCP;unicast;interleaved=0-1", t));
  CHECK(t.tcp);
  CHECK_FALSE(parse_rtsp_transport("RAW/RAW/UDP;unicast", t));
  CHECK_FALSE(parse_rtsp_transport("RTP/AVP;unicast", t));  // UDP without ports
}

TEST_CASE("a response carries CSeq, headers and a body with its length") {
  auto r = rtsp_response(200, "7", {"Content-Type: application/sdp"}, "v=0\r\n");
  CHECK(r.rfind("RTSP/1.0 200 OK\r\nCSeq: 7\r\n", 0) == 0);
  CHECK(r.find("Content-Length: 5\r\n\r\nv=0\r\n") != std::string::npos);
  CHECK(rtsp_response(404, "1", {}).find("404 Not Found") != std::string::npos);
}
