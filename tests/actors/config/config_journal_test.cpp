// The config journal: replayed only onto the file it was written for, in order, and
// only up to the last whole, undamaged line.
#include <doctest/doctest.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>

#include "actors/config/config_journal.hpp"
#include "tests/support/daemon.hpp"

using namespace sy;

namespace {

config_change put(std::string name, std::vector<std::string> sources) {
  return {config_change::stream, std::move(name), std::move(sources), false};
}

std::string journal_of(const std::string& yaml, const std::vector<config_change>& changes) {
  auto text = journal_header(text_hash(yaml));
  for (auto& c : changes) text += encode_change(c);
  return text;
}

}  // namespace

TEST_CASE("every kind of change reads back as written, tabs and newlines in fields included") {
  std::vector<config_change> changes = {put("a", {"test:"}), put("b\tc", {"x\ny", "back\\slash", ""}),
                                        put("a", {}), {config_change::preload, "b\tc", {}, true},
                                        {config_change::preload, "z", {}, false}};
  auto parsed = parse_journal(journal_of("streams: {}\n", changes), text_hash("streams: {}\n"));
  CHECK(parsed.applies);
  CHECK(parsed.problem.empty());
  REQUIRE(parsed.changes.size() == changes.size());
  for (size_t i = 0; i < changes.size(); ++i) {
    CHECK(parsed.changes[i].kind == changes[i].kind);
    CHECK(parsed.changes[i].name == changes[i].name);
    CHECK(parsed.changes[i].sources == changes[i].sources);
    CHECK(parsed.changes[i].on == changes[i].on);
  }
}

TEST_CASE("a journal written for another version of the file does not apply") {
  auto parsed = parse_journal(journal_of("streams:\n  a: test:\n", {put("b", {"test:"})}), text_hash("edited\n"));
  CHECK_FALSE(parsed.applies);
  CHECK(parsed.changes.empty());
  CHECK_FALSE(parse_journal("", 0).applies);
}

TEST_CASE("replay stops at a torn last line or a damaged one") {
  auto full = journal_of("", {put("a", {"test:"}), put("b", {"test:"}), put("c", {"test:"})});
  auto torn = parse_journal(full.substr(0, full.size() - 5), text_hash(""));
  CHECK(torn.changes.size() == 2);
  CHECK(torn.problem.find("torn") != std::string::npos);
  auto damaged = full;
  damaged[damaged.find("\tb\t") + 1] = 'q';
  auto stopped = parse_journal(damaged, text_hash(""));
  CHECK(stopped.changes.size() == 1);
  CHECK(stopped.problem.find("damaged") != std::string::npos);
}

TEST_CASE("replaying a journal file applies its changes in order onto the file it names") {
  auto dir = test::make_temp_dir();
  auto path = dir + "/switchyard.yaml";
  std::string yaml = "log:\n  level: info\nstreams:\n  a: \"test:\"\n";
  std::ofstream(journal_path(path)) << journal_of(
      yaml, {put("b", {"test:?fps=1"}), put("a", {}), put("b", {"test:?fps=2"}),
             {config_change::preload, "b", {}, true}});
  std::string note;
  auto y = YAML::Load(replay_journal(path, yaml, note));
  CHECK(note.find("4 change(s) replayed") != std::string::npos);
  CHECK_FALSE(y["streams"]["a"]);
  CHECK(y["streams"]["b"].as<std::string>() == "test:?fps=2");
  CHECK(y["preload"]["b"]);
  CHECK(y["log"]["level"].as<std::string>() == "info");
  note.clear();
  CHECK(replay_journal(path, "log:\n  level: debug\n", note) == "log:\n  level: debug\n");  // edited since
  CHECK(note.find("ignored") != std::string::npos);
  // A file that no longer parses is left as it is, for the daemon to report.
  std::ofstream(journal_path(path)) << journal_of("streams: [", {put("b", {"test:"})});
  note.clear();
  CHECK(replay_journal(path, "streams: [", note) == "streams: [");
  CHECK(note.find("does not parse") != std::string::npos);
  std::filesystem::remove_all(dir);
}
