#include <doctest/doctest.h>

#include "pipelines/stream_name.hpp"

using namespace sy;

TEST_CASE("stream names are UTF-8 without control characters, 1..256 bytes") {
  CHECK(check_stream_name("cam1").empty());
  CHECK(check_stream_name("Küche Kamera 2").empty());
  CHECK(check_stream_name(std::string(256, 'a')).empty());
  CHECK(check_stream_name("") == "streams: empty name");
  CHECK(check_stream_name(std::string(257, 'a')) == "streams: name longer than 256 bytes");
  CHECK(check_stream_name("a\nb") == "streams: name with control characters");
  CHECK(check_stream_name(std::string("a\0b", 3)) == "streams: name with control characters");
  CHECK(check_stream_name("\x7f") == "streams: name with control characters");
  CHECK(check_stream_name("\xff\xfe") == "streams: name is not valid UTF-8");
  CHECK(check_stream_name("\xc0\xaf") == "streams: name is not valid UTF-8");      // overlong '/'
  CHECK(check_stream_name("\xed\xa0\x80") == "streams: name is not valid UTF-8");  // surrogate
  CHECK(check_stream_name("abc\xe2\x82") == "streams: name is not valid UTF-8");   // truncated
}
