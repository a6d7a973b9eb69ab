// The config journal: the stream and preload changes acknowledged since the YAML
// file was last rewritten, one line each, next to the file (`<config>.journal`).
//
// Appending a line and one fdatasync makes a change durable at the same cost at 10
// streams or 10,000; the YAML file is rewritten in the background and the journal
// restarted. The journal's header names the YAML text it applies to (a hash of its
// bytes), so a journal is replayed only onto that exact file: one left behind by a
// rewrite that finished, or by a user who edited the file while the daemon was
// stopped, is ignored. Each line carries its own checksum; replay stops at the first
// torn or damaged line (one that was never acknowledged).
// Pure but for replay_journal, which reads the journal file; writing is the config
// writer's.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace sy {

struct config_change {
  enum kind_t { stream, preload } kind = stream;
  std::string name;
  std::vector<std::string> sources;  // stream: empty removes it
  bool on = false;                   // preload
};

/// FNV-1a, 64 bits: identifies a YAML text.
uint64_t text_hash(const std::string& text);

std::string journal_path(const std::string& config_path);
std::string journal_header(uint64_t base);
/// One line, '\n' included.
std::string encode_change(const config_change& c);

struct journal_contents {
  bool applies = false;  // the header names `base`
  std::vector<config_change> changes;
  std::string problem;  // why replay stopped early or the journal does not apply; empty if neither
};

/// Parses a journal's text for the YAML text whose hash is `base`.
journal_contents parse_journal(const std::string& journal_text, uint64_t base);

/// The YAML text `text` (the file at `config_path` as read) with its journal
/// applied; unchanged when there is no journal for it. `note` says what was done.
std::string replay_journal(const std::string& config_path, const std::string& text, std::string& note);

}  // namespace sy
