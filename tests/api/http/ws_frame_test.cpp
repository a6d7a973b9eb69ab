#include <doctest/doctest.h>

#include <string>

#include "api/http/ws_frame.hpp"
#include "tests/support/ws_client.hpp"

using namespace sy;

namespace {

// A client frame, masked with `mask` (RFC 6455's example mask by default).
std::string client_frame(uint8_t first, const std::string& payload, const uint8_t mask[4] = nullptr) {
  static const uint8_t default_mask[4] = {0x37, 0xfa, 0x21, 0x3d};
  return sy::test::masked_frame(first, payload, mask ? mask : default_mask);
}

}  // namespace

TEST_CASE("the accept key is RFC 6455's own example") {
  CHECK(ws_accept_key("dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

TEST_CASE("masked client frames parse, RFC 6455's 'Hello' among them; partial ones wait for more") {
  const uint8_t mask[4] = {0x37, 0xfa, 0x21, 0x3d};
  std::string hello = "\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58";  // the RFC's masked "Hello"
  ws_frame f;
  CHECK(parse_ws_frame(hello.data(), hello.size(), f, 1024) == long(hello.size()));
  CHECK(f.fin);
  CHECK(f.opcode == ws_text);
  CHECK(f.payload == "Hello");
  CHECK(parse_ws_frame(hello.data(), 4, f, 1024) == 0);
  std::string big(300, 'x');
  auto framed = client_frame(0x82, big, mask);
  CHECK(parse_ws_frame(framed.data(), framed.size(), f, 1024) == long(framed.size()));
  CHECK(f.payload == big);
  CHECK(parse_ws_frame(framed.data(), framed.size() - 1, f, 1024) == 0);
  auto first = client_frame(0x01, "Hel");  // a fragment: fin clear
  CHECK(parse_ws_frame(first.data(), first.size(), f, 1024) > 0);
  CHECK_FALSE(f.fin);
}

TEST_CASE("frames that break the protocol are refused") {
  std::string unmasked = "\x81\x05Hello";
  ws_frame f;
  CHECK(parse_ws_frame(unmasked.data(), unmasked.size(), f, 1024) == -1);
  auto reserved = client_frame(0xC1, "x");  // RSV1 without an extension
  CHECK(parse_ws_frame(reserved.data(), reserved.size(), f, 1024) == -1);
  auto opcode = client_frame(0x83, "x");  // opcode 3 is reserved
  CHECK(parse_ws_frame(opcode.data(), opcode.size(), f, 1024) == -1);
  auto long_ping = client_frame(0x89, std::string(126, 'p'));
  CHECK(parse_ws_frame(long_ping.data(), long_ping.size(), f, 1024) == -1);
  auto fragmented_close = client_frame(0x08, "");
  CHECK(parse_ws_frame(fragmented_close.data(), fragmented_close.size(), f, 1024) == -1);
  auto too_big = client_frame(0x82, std::string(2000, 'b'));
  CHECK(parse_ws_frame(too_big.data(), too_big.size(), f, 1024) == -1);
}

TEST_CASE("server frames are final and unmasked, with 7-, 16- and 64-bit lengths") {
  auto small = ws_frame_bytes(ws_text, "hi");
  CHECK(small == std::string("\x81\x02hi", 4));
  auto mid = ws_frame_header(ws_binary, 300);
  CHECK(mid == std::string("\x82\x7e\x01\x2c", 4));
  auto large = ws_frame_header(ws_binary, 70000);
  CHECK(large == std::string("\x82\x7f\x00\x00\x00\x00\x00\x01\x11\x70", 10));
}
