#include <doctest/doctest.h>

#include <rapidjson/document.h>

#include <string>
#include <vector>

#include "api/http/stream_json.hpp"

using namespace sy;

namespace {

stream_info lazy(const std::string& name, std::vector<std::string> sources, int64_t since_ms) {
  stream_info info;
  info.name = name;
  info.sources = std::move(sources);
  info.status.since_ms = since_ms;
  return info;
}

}  // namespace

TEST_CASE("the list keeps each stream's own time, URL and masking, and stays valid JSON") {
  // 1700000000 s is 2023-11-14T22:13:20Z; the formatter keeps the date per day, so
  // "e" (the next midnight, padded digits) and "f" (back a day) check the day changes.
  std::vector<stream_info> all{lazy("a", {"rtsp://127.0.0.1:1/a"}, 1700000000000),
                               lazy("b", {"rtsp://user:pass@127.0.0.1:1/b"}, 1700000000999),
                               lazy("c", {"http://h/x?q=\"quoted\"\\"}, 1700000061000),
                               lazy("d", {}, 1700000000000),
                               lazy("e", {"rtsp://127.0.0.1:1/e"}, 1700006409000),
                               lazy("f", {"rtsp://127.0.0.1:1/f"}, 1699999999000)};
  auto text = streams_json(all);
  rapidjson::Document doc;
  doc.Parse(text.c_str(), text.size());
  REQUIRE_FALSE(doc.HasParseError());
  CHECK(std::string(doc["a"]["since"].GetString()) == "2023-11-14T22:13:20Z");
  CHECK(std::string(doc["b"]["since"].GetString()) == "2023-11-14T22:13:20Z");
  CHECK(std::string(doc["c"]["since"].GetString()) == "2023-11-14T22:14:21Z");
  CHECK(std::string(doc["d"]["since"].GetString()) == "2023-11-14T22:13:20Z");
  CHECK(std::string(doc["e"]["since"].GetString()) == "2023-11-15T00:00:09Z");
  CHECK(std::string(doc["f"]["since"].GetString()) == "2023-11-14T22:13:19Z");
  CHECK(std::string(doc["a"]["producers"][0]["url"].GetString()) == "rtsp://127.0.0.1:1/a");
  CHECK(std::string(doc["b"]["producers"][0]["url"].GetString()) == "rtsp://***@127.0.0.1:1/b");
  CHECK(std::string(doc["c"]["producers"][0]["url"].GetString()) == "http://h/x?q=\"quoted\"\\");
  CHECK(doc["d"]["producers"].IsNull());
  CHECK(doc["a"]["consumers"].IsNull());
}

TEST_CASE("one stream renders the same object as its entry in the list") {
  auto one = lazy("cam", {"rtsp://u:p@127.0.0.1:1/cam", "rtsp://127.0.0.1:1/other"}, 1700000000000);
  rapidjson::Document single, list;
  auto single_text = stream_json(one);
  auto list_text = streams_json({one});
  single.Parse(single_text.c_str());
  list.Parse(list_text.c_str());
  REQUIRE_FALSE(single.HasParseError());
  REQUIRE_FALSE(list.HasParseError());
  CHECK(single == list["cam"]);
}
