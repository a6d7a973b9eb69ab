// json_writer: what it writes parses, and strings come back byte for byte whatever
// they hold and wherever in an 8-byte block the character to escape sits.
#include <doctest/doctest.h>
#include <rapidjson/document.h>

#include "api/http/json_writer.hpp"

using namespace sy;

namespace {

std::string round_trip(const std::string& value) {
  std::string out;
  json_writer w{out};
  w.StartObject();
  w.Key("v");
  w.String(value.data(), value.size());
  w.EndObject();
  rapidjson::Document doc;
  doc.Parse(out.c_str(), out.size());
  if (doc.HasParseError() || !doc.IsObject() || !doc["v"].IsString()) return "<unparsed: " + out + ">";
  return std::string(doc["v"].GetString(), doc["v"].GetStringLength());
}

}  // namespace

TEST_CASE("every control character, quote and backslash, at every offset, survives a round trip") {
  for (int c = 0; c < 0x20; ++c) {
    for (size_t at = 0; at < 19; ++at) {
      std::string value(19, 'a');
      value[at] = char(c);
      CAPTURE(c);
      CAPTURE(at);
      CHECK(round_trip(value) == value);
    }
  }
  for (char c : {'"', '\\'}) {
    for (size_t at = 0; at < 19; ++at) {
      std::string value = "rtsp://host/path/xy";
      value[at] = c;
      CHECK(round_trip(value) == value);
    }
  }
  CHECK(round_trip("") == "");
  CHECK(round_trip("caméra 東京 ☃") == "caméra 東京 ☃");  // UTF-8 as it is
}

TEST_CASE("objects, arrays, numbers, booleans and null come out as JSON in order") {
  std::string out;
  json_writer w{out};
  w.StartObject();
  w.Key("a");
  w.StartArray();
  w.Uint64(0);
  w.Uint64(18446744073709551615ull);
  w.Uint(42);
  w.EndArray();
  w.Key("b");
  w.Null();
  w.Key("c", 1);
  w.Bool(true);
  w.Key("d");
  w.StartObject();
  w.EndObject();
  w.Key("e");
  w.StartArray();
  w.EndArray();
  w.Key("f");
  w.Bool(false);
  w.EndObject();
  CHECK(out == R"({"a":[0,18446744073709551615,42],"b":null,"c":true,"d":{},"e":[],"f":false})");
}
