#include <doctest/doctest.h>

#include <map>
#include <random>

#include "actors/registry/list_index.hpp"

using namespace sy;

namespace {

list_row row(const std::string& name, const std::string& source) {
  return {name, std::make_shared<const std::vector<std::string>>(1, source), false, 0, nullptr, {}};
}

// name -> first source, in the index's order; fails on an unsorted, repeated or empty run.
std::vector<std::pair<std::string, std::string>> rows_of(const list_index& index) {
  std::vector<std::pair<std::string, std::string>> out;
  for (auto& chunk : index.chunks()) {
    REQUIRE_FALSE(chunk->rows.empty());
    for (auto& r : chunk->rows) {
      if (!out.empty()) REQUIRE(out.back().first < r.name);
      out.emplace_back(r.name, r.sources->front());
    }
  }
  return out;
}

}  // namespace

TEST_CASE("the list index keeps every row sorted in bounded runs through random puts and erases") {
  list_index index{4};  // runs of up to 8 rows: splits and emptied runs happen often
  std::map<std::string, std::string> expected;
  std::mt19937 random{7};
  for (int step = 0; step < 5000; ++step) {
    auto name = "cam" + std::to_string(random() % 200);
    if (random() % 3 == 0) {
      index.erase(name);
      expected.erase(name);
    } else {
      auto source = "test:?step=" + std::to_string(step);
      index.put(row(name, source));
      expected[name] = source;
    }
    if (step % 250 != 0) continue;
    auto got = rows_of(index);
    CHECK(got == std::vector<std::pair<std::string, std::string>>(expected.begin(), expected.end()));
    for (auto& chunk : index.chunks()) CHECK(chunk->rows.size() <= 8);
  }
  CHECK(rows_of(index) == std::vector<std::pair<std::string, std::string>>(expected.begin(), expected.end()));
}

TEST_CASE("a change copies only its run; runs handed out before it never change") {
  list_index index{2};
  std::vector<list_row> all;
  for (char c = 'a'; c <= 'j'; ++c) all.push_back(row(std::string(1, c), "test:"));
  index.assign(all);
  REQUIRE(index.chunks().size() == 5);
  auto before = index.chunks();
  index.put(row("g", "test:?changed"));
  auto after = index.chunks();
  REQUIRE(after.size() == before.size());
  int replaced = 0;
  for (size_t i = 0; i < after.size(); ++i) replaced += after[i] != before[i];
  CHECK(replaced == 1);
  CHECK(before[3]->rows.front().sources->front() == "test:");  // the old run is untouched
  index.erase("nothing");
  CHECK(index.chunks() == after);
  index.erase("a");
  index.erase("b");
  CHECK(index.chunks().size() == 4);  // an emptied run goes
  CHECK(rows_of(index).front().first == "c");
  index.put(row("0", "test:"));  // before every run: goes into the first
  CHECK(rows_of(index).front().first == "0");
  index.clear();
  CHECK(index.chunks().empty());
  index.erase("c");
  index.put(row("z", "test:"));
  CHECK(rows_of(index).size() == 1);
}
