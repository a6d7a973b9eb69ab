#include <doctest/doctest.h>

#include <rapidjson/document.h>

#include <string>
#include <vector>

#include "actors/registry/list_index.hpp"
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

TEST_CASE("a list from the registry's runs says what the same streams' objects say, cached run texts or not") {
  // Nine streams in runs of at most two rows; two are awake (a status of their own),
  // so their runs are written row by row and the others from their cached text.
  list_index index{1};
  std::vector<list_row> rows;
  std::vector<stream_info> infos;
  for (int i = 0; i < 9; ++i) {
    auto name = "cam" + std::to_string(i);
    std::vector<std::string> sources{"rtsp://u:p@127.0.0.1:1/" + name};
    rows.push_back({name, std::make_shared<const std::vector<std::string>>(sources), i == 4, 1700000000000 + i, nullptr,
                    i == 7 ? "cam6" : ""});
    infos.push_back(lazy(name, sources, 1700000000000 + i));
    infos.back().preload = i == 4;
    infos.back().alias_of = i == 7 ? "cam6" : "";
  }
  index.assign(rows);
  list_snapshot snapshot{index.chunks(), {}};
  for (int i : {2, 5}) {
    stream_status st;
    st.state = stream_state::running;
    st.since_ms = 1800000000000 + i;
    st.last_error = "woken " + std::to_string(i);
    auto awake = rows[size_t(i)];
    awake.status = std::make_shared<const stream_status>(st);
    snapshot.awake.push_back(awake);
    infos[size_t(i)].status = st;
  }
  auto expected_text = streams_json(infos);
  rapidjson::Document expected;
  expected.Parse(expected_text.c_str());
  REQUIRE_FALSE(expected.HasParseError());
  for (int pass = 0; pass < 2; ++pass) {  // the second from the runs' cached texts
    CAPTURE(pass);
    auto text = streams_json(snapshot);
    rapidjson::Document got;
    got.Parse(text.c_str());
    REQUIRE_FALSE(got.HasParseError());
    CHECK(got == expected);
    CHECK(got.MemberCount() == 9);
    CHECK(std::string(got["cam2"]["last_error"].GetString()) == "woken 2");
  }
}
