// The request query parsed as go2rtc (Go's url.ParseQuery) does, where httplib 0.11
// loses text: values with '=' or '?' in them.
#include <doctest/doctest.h>

#include "api/http/query_params.hpp"

using namespace sy;

namespace {

std::vector<std::string> values(const httplib::Params& p, const std::string& key) {
  std::vector<std::string> out;
  auto range = p.equal_range(key);
  for (auto it = range.first; it != range.second; ++it) out.push_back(it->second);
  return out;
}

}  // namespace

TEST_CASE("Home Assistant's PUT keeps its three sources whole and in order") {
  auto p = parse_query(
      "/api/streams?name=camera.x&src=rtsp://CAM&src=ffmpeg:camera.x%23audio=opus%23query=log_level=debug"
      "&src=ffmpeg:camera.x%23video=mjpeg");
  CHECK(values(p, "name") == std::vector<std::string>{"camera.x"});
  CHECK(values(p, "src") == std::vector<std::string>{"rtsp://CAM", "ffmpeg:camera.x#audio=opus#query=log_level=debug",
                                                      "ffmpeg:camera.x#video=mjpeg"});
}

TEST_CASE("a value may hold '?', '=' and escapes; '+' is a space; keys without '=' are empty") {
  auto p = parse_query("/api/streams?src=test:?size=320x240&fps=25&name=a+b%2Bc&video&x=%zz%4");
  CHECK(values(p, "src") == std::vector<std::string>{"test:?size=320x240"});
  CHECK(values(p, "fps") == std::vector<std::string>{"25"});
  CHECK(values(p, "name") == std::vector<std::string>{"a b+c"});
  CHECK(values(p, "video") == std::vector<std::string>{""});
  CHECK(values(p, "x") == std::vector<std::string>{"%zz%4"});
}

TEST_CASE("a repeated pair is kept each time, and a target without a query has no params") {
  auto p = parse_query("/api/streams?src=a&src=a&&src=b");
  CHECK(values(p, "src") == std::vector<std::string>{"a", "a", "b"});
  CHECK(parse_query("/api/streams").empty());
  CHECK(parse_query("/api/streams?").empty());
}
