#include "actors/registry/list_index.hpp"

#include <algorithm>

namespace sy {
namespace {

bool name_before(const list_row& row, const std::string& name) { return row.name < name; }

list_chunk run(std::vector<list_row> rows) { return std::make_shared<const list_chunk_rows>(std::move(rows)); }

}  // namespace

void list_index::assign(std::vector<list_row> rows) {
  chunks_.clear();
  for (size_t at = 0; at < rows.size(); at += chunk_rows_) {
    auto end = std::min(rows.size(), at + chunk_rows_);
    chunks_.push_back(run(std::vector<list_row>(std::make_move_iterator(rows.begin() + at),
                                                std::make_move_iterator(rows.begin() + end))));
  }
}

size_t list_index::run_of(const std::string& name) const {
  auto after = std::upper_bound(chunks_.begin(), chunks_.end(), name,
                                [](const std::string& n, const list_chunk& c) { return n < c->rows.front().name; });
  return after == chunks_.begin() ? 0 : size_t(after - chunks_.begin()) - 1;
}

void list_index::put(list_row row) {
  if (chunks_.empty()) {
    chunks_.push_back(run(std::vector<list_row>(1, std::move(row))));
    return;
  }
  auto at = run_of(row.name);
  auto rows = chunks_[at]->rows;
  auto pos = std::lower_bound(rows.begin(), rows.end(), row.name, name_before);
  if (pos != rows.end() && pos->name == row.name)
    *pos = std::move(row);
  else
    rows.insert(pos, std::move(row));
  if (rows.size() <= 2 * chunk_rows_) {
    chunks_[at] = run(std::move(rows));
    return;
  }
  auto half = rows.begin() + rows.size() / 2;
  auto upper = run(std::vector<list_row>(std::make_move_iterator(half), std::make_move_iterator(rows.end())));
  rows.erase(half, rows.end());
  chunks_[at] = run(std::move(rows));
  chunks_.insert(chunks_.begin() + at + 1, std::move(upper));
}

void list_index::erase(const std::string& name) {
  if (chunks_.empty()) return;
  auto at = run_of(name);
  auto& old = chunks_[at]->rows;
  auto pos = std::lower_bound(old.begin(), old.end(), name, name_before);
  if (pos == old.end() || pos->name != name) return;
  if (old.size() == 1) {
    chunks_.erase(chunks_.begin() + at);
    return;
  }
  auto rows = old;
  rows.erase(rows.begin() + (pos - old.begin()));
  chunks_[at] = run(std::move(rows));
}

}  // namespace sy
