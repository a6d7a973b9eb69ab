// list_index: the registry's rows for GET /api/streams, kept sorted by name in
// immutable runs (chunks) of at most 2 * chunk_rows rows. A change copies the one run
// it touches; a list copies one pointer per run, so the registry hands out 10,000
// rows without making them, and a list already handed out never changes.
#pragma once

#include <string>
#include <vector>

#include "actors/protocol.hpp"

namespace sy {

class list_index {
 public:
  explicit list_index(size_t chunk_rows = 16) : chunk_rows_(chunk_rows < 1 ? 1 : chunk_rows) {}

  /// Replaces every row with `rows`, which must be sorted by name without repeats.
  void assign(std::vector<list_row> rows);
  /// Adds `row`, or replaces the row of its name.
  void put(list_row row);
  /// Drops the row named `name`, if any.
  void erase(const std::string& name);
  void clear() { chunks_.clear(); }

  const std::vector<list_chunk>& chunks() const { return chunks_; }

 private:
  // The run that holds `name`, or would: the last whose first row is not after it.
  size_t run_of(const std::string& name) const;

  size_t chunk_rows_;
  std::vector<list_chunk> chunks_;  // each non-empty
};

}  // namespace sy
