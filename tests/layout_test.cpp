// The layers show in the folders, and includes point down only:
// daemon -> api -> actors -> pipelines. The data plane knows no actor (no CAF).
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

struct layer {
  const char* folder;
  std::vector<std::string> forbidden;  // include prefixes a file of this layer may not use
};

const layer layers[] = {
    {"pipelines", {"\"actors/", "\"api/", "\"daemon/", "<caf/"}},
    {"actors", {"\"api/", "\"daemon/"}},
    {"api", {"\"daemon/"}},
};

// "file:line: #include ..." for every include in `folder` that starts with a forbidden prefix.
std::vector<std::string> upward_includes(const fs::path& root, const layer& l) {
  std::vector<std::string> found;
  static const std::regex include_line(R"(^\s*#\s*include\s*([<"][^>"]+[>"]))");
  for (auto& entry : fs::recursive_directory_iterator(root / l.folder)) {
    auto ext = entry.path().extension();
    if (ext != ".cpp" && ext != ".hpp" && ext != ".h") continue;
    std::ifstream in(entry.path());
    int n = 0;
    for (std::string line; std::getline(in, line);) {
      ++n;
      std::smatch m;
      if (!std::regex_search(line, m, include_line)) continue;
      for (auto& prefix : l.forbidden)
        if (m[1].str().rfind(prefix, 0) == 0)
          found.push_back(fs::relative(entry.path(), root).string() + ":" + std::to_string(n) + ": " + line);
    }
  }
  return found;
}

}  // namespace

TEST_CASE("no file includes from a layer above its own") {
  fs::path root = SOURCE_ROOT;
  for (auto& l : layers) {
    CAPTURE(l.folder);
    REQUIRE(fs::is_directory(root / l.folder));
    auto bad = upward_includes(root, l);
    for (auto& b : bad) MESSAGE(b);
    CHECK(bad.empty());
  }
}

TEST_CASE("the rule check sees an upward include when there is one") {
  auto dir = fs::temp_directory_path() / "switchyard-layout-test";
  fs::create_directories(dir / "pipelines" / "hub");
  std::ofstream(dir / "pipelines" / "hub" / "x.cpp") << "#include <gst/gst.h>\n  #include \"actors/protocol.hpp\"\n";
  auto bad = upward_includes(dir, layers[0]);
  fs::remove_all(dir);
  REQUIRE(bad.size() == 1);
  CHECK(bad[0] == "pipelines/hub/x.cpp:2:   #include \"actors/protocol.hpp\"");
}
