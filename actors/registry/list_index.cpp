#include "actors/registry/list_index.hpp"

#include <algorithm>

namespace sy {
namespace {

bool name_before(const list_row& row, const std::string& name) { return row.name < name; }

}  // namespace

void list_index::assign(std::vector<list_row> rows) {
  chunks_.clear();
  for (size_t at = 0; at < rows.size(); at += chunk_rows_) {
    auto end = std::min(rows.size(), at + chunk_rows_);
    chunks_.push_back(std::make_shared<const std::vector<list_row>>(std::make_move_iterator(rows.begin() + at),
                                                                    std::make_move_iterator(rows.begin() + end)));
  }
}

size_t list_index::run_of(const std::string& name) const {
  auto after = std::upper_bound(chunks_.begin(), chunks_.end(), name,
                                [](const std::string& n, const list_chunk& c) { return n < c->front().name; });
  return after == chunks_.begin() ? 0 : size_t(after - chunks_.begin()) - 1;
}

void list_index::put(list_row row) {
  if (chunks_.empty()) {
    chunks_.push_back(std::make_shared<const std::vector<list_row>>(1, std::move(row)));
    return;
  }
  auto at = run_of(row.name);
  auto rows = *chunks_[at];
  auto pos = std::lower_bound(rows.begin(), rows.end(), row.name, name_before);
  if (pos != rows.end() && pos->name == row.name)
    *pos = std::move(row);
  else
    rows.insert(pos, std::move(row));
  if (rows.size() <= 2 * chunk_rows_) {
    chunks_[at] = std::make_shared<const std::vector<list_row>>(std::move(rows));
    return;
  }
  auto half = rows.begin() + rows.size() / 2;
  auto upper = std::make_shared<const std::vector<list_row>>(std::make_move_iterator(half),
                                                             std::make_move_iterator(rows.end()));
  rows.erase(half, rows.end());
  chunks_[at] = std::make_shared<const std::vector<list_row>>(std::move(rows));
  chunks_.insert(chunks_.begin() + at + 1, std::move(upper));
}

void list_index::erase(const std::string& name) {
  if (chunks_.empty()) return;
  auto at = run_of(name);
  auto& run = *chunks_[at];
  auto pos = std::lower_bound(run.begin(), run.end(), name, name_before);
  if (pos == run.end() || pos->name != name) return;
  if (run.size() == 1) {
    chunks_.erase(chunks_.begin() + at);
    return;
  }
  auto rows = run;
  rows.erase(rows.begin() + (pos - run.begin()));
  chunks_[at] = std::make_shared<const std::vector<list_row>>(std::move(rows));
}

}  // namespace sy
