#include <doctest/doctest.h>

#include "pipelines/rtsp_credentials.hpp"

using namespace sy;

TEST_CASE("an RTSP URL gives host, port, path and decoded credentials, and a request URL without them") {
  rtsp_url u;
  REQUIRE(parse_rtsp_url("rtsp://admin:p%40ss:w@192.168.1.10:10554/Streaming/Channels/101?x=1", u));
  CHECK(u.host == "192.168.1.10");
  CHECK(u.port == "10554");
  CHECK(u.path == "/Streaming/Channels/101?x=1");
  CHECK(u.user == "admin");
  CHECK(u.password == "p@ss:w");
  CHECK(u.request == "rtsp://192.168.1.10:10554/Streaming/Channels/101?x=1");
  rtsp_url v6;
  REQUIRE(parse_rtsp_url("rtsp://[::1]/cam", v6));
  CHECK(v6.host == "::1");
  CHECK(v6.port == "554");
  CHECK(v6.path == "/cam");
  rtsp_url bad;
  CHECK_FALSE(parse_rtsp_url("http://host/cam", bad));
  CHECK_FALSE(parse_rtsp_url("rtsp://user@/cam", bad));
}

TEST_CASE("Digest answers RFC 2617's own example; Basic is base64 of user:password") {
  // RFC 2617, section 3.5 (method GET, qop=auth, nc=00000001, cnonce 0a4f113b).
  auto challenge = R"(Digest realm="testrealm@host.com", qop="auth,auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41")";
  auto header = rtsp_authorization(challenge, "Mufasa", "Circle Of Life", "GET", "/dir/index.html", "0a4f113b");
  CHECK(header.find(R"(response="6629fae49393a05397450978507c4ef1")") != std::string::npos);
  CHECK(header.find(R"(opaque="5ccc069c403ebaf9f0171e9517f40e41")") != std::string::npos);
  CHECK(header.rfind("Authorization: Digest username=\"Mufasa\"", 0) == 0);
  // Without qop (RFC 2069 style, what many cameras send): MD5(HA1:nonce:HA2).
  auto plain = rtsp_authorization(R"(Digest realm="r", nonce="n")", "u", "p", "DESCRIBE", "rtsp://h/s", "c");
  CHECK(plain.find("qop") == std::string::npos);
  CHECK(plain.find(R"(response=")") != std::string::npos);
  CHECK(rtsp_authorization(R"(Basic realm="cam")", "Aladdin", "open sesame", "DESCRIBE", "rtsp://h/s", "") ==
        "Authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
}
