// The config file as text: what the daemon changes is rendered, everything else is
// kept byte for byte, and every name and source reads back the same in yaml-cpp.
#include <doctest/doctest.h>
#include <yaml-cpp/yaml.h>

#include "actors/config/config_text.hpp"

using sy::config_text;

namespace {

const std::string user_file =
    "# my cameras\n"
    "api:\n"
    "  listen: \":11984\"   # keep me\n"
    "\n"
    "# the streams\n"
    "streams:\n"
    "  door: rtsp://10.0.0.2/s\n"
    "  yard:\n"
    "    - rtsp://10.0.0.3/s\n"
    "    - ffmpeg:yard#audio=opus\n"
    "# trailing notes about webrtc\n"
    "webrtc:\n"
    "  candidates: [ \"192.168.1.2:18555\" ]\n";

}  // namespace

TEST_CASE("an unchanged document renders byte for byte, comments included") {
  CHECK(config_text{user_file}.render() == user_file);
}

TEST_CASE("a change rewrites only the streams section and keeps the others and their comments in place") {
  config_text doc{user_file};
  doc.set_stream("porch", {"rtsp://10.0.0.4/s"});
  doc.set_stream("door", {});
  auto text = doc.render();
  CHECK(text.rfind("# my cameras\napi:\n  listen: \":11984\"   # keep me\n\n# the streams\nstreams:\n", 0) == 0);
  CHECK(text.find("# trailing notes about webrtc\nwebrtc:\n  candidates: [ \"192.168.1.2:18555\" ]\n") !=
        std::string::npos);
  auto y = YAML::Load(text);
  CHECK_FALSE(y["streams"]["door"]);
  CHECK(y["streams"]["porch"].as<std::string>() == "rtsp://10.0.0.4/s");
  CHECK(y["streams"]["yard"][1].as<std::string>() == "ffmpeg:yard#audio=opus");
  // Order: existing entries keep their place, new ones go last.
  auto it = y["streams"].begin();
  CHECK(it->first.as<std::string>() == "yard");
  CHECK((++it)->first.as<std::string>() == "porch");
}

TEST_CASE("streams and preload sections are added when the file has none") {
  config_text doc{"api:\n  listen: \":11984\""};  // no newline at the end
  doc.set_stream("a", {"test:"});
  doc.set_preload("a", true);
  auto y = YAML::Load(doc.render());
  CHECK(y["api"]["listen"].as<std::string>() == ":11984");
  CHECK(y["streams"]["a"].as<std::string>() == "test:");
  CHECK(y["preload"]["a"].as<std::string>() == "video&audio");
  doc.set_preload("a", false);
  CHECK_FALSE(YAML::Load(doc.render())["preload"]["a"]);
  config_text empty{""};
  empty.set_stream("b", {"test:"});
  CHECK(empty.render() == "streams:\n  b: \"test:\"\n");
  // A file of comments alone keeps them above what is added; a `null` document does not
  // survive as text (it would not parse with a section after it).
  config_text comments{"# my cameras\n\n# go here"};
  comments.set_stream("b", {"test:"});
  CHECK(comments.render() == "# my cameras\n\n# go here\nstreams:\n  b: \"test:\"\n");
  config_text null{"~\n"};
  null.set_stream("b", {"test:"});
  CHECK(null.render() == "streams:\n  b: \"test:\"\n");
}

TEST_CASE("names and sources with YAML's special characters read back unchanged") {
  std::vector<std::string> tricky = {
      "rtsp://user:p@ss#word@10.0.0.1:554/Streaming/Channels/101?transportmode=unicast&profile=Profile_1",
      "ffmpeg:camera.x#video=mjpeg", "- dash", "key: value", "#hash", "\"quoted\"", "back\\slash", "tab\there",
      "line\nbreak", "true", "null", "~", "123", "0x1F", "  spaced  ", "[flow]", "{map}", "&anchor", "*alias",
      "!tag", "%percent", "@at", "`tick", "|pipe", ">fold", "?q", "ünïcödé 日本", "",
  };
  config_text doc{""};
  for (size_t i = 0; i < tricky.size(); ++i) {
    doc.set_stream(tricky[i].empty() ? "empty" : tricky[i], {tricky[i]});
    doc.set_stream("list" + std::to_string(i), {tricky[i], "test:"});
  }
  auto y = YAML::Load(doc.render());
  for (size_t i = 0; i < tricky.size(); ++i) {
    CAPTURE(tricky[i]);
    auto name = tricky[i].empty() ? "empty" : tricky[i];
    REQUIRE(y["streams"][name]);
    CHECK(y["streams"][name].as<std::string>() == tricky[i]);
    CHECK(y["streams"]["list" + std::to_string(i)][0].as<std::string>() == tricky[i]);
  }
  CHECK(y["streams"].size() == 2 * tricky.size());
}

TEST_CASE("a flow-style document is normalised once and then changed like any other") {
  config_text doc{"{api: {listen: ':11984'}, streams: {a: 'test:'}}"};
  doc.set_stream("b", {"test:?fps=5"});
  auto y = YAML::Load(doc.render());
  CHECK(y["api"]["listen"].as<std::string>() == ":11984");
  CHECK(y["streams"]["a"].as<std::string>() == "test:");
  CHECK(y["streams"]["b"].as<std::string>() == "test:?fps=5");
}
