#include "actors/config/config_journal.hpp"

#include <cinttypes>
#include <cstdio>
#include "actors/config/config_files.hpp"
#include "actors/config/config_text.hpp"

namespace sy {
namespace {

constexpr const char* magic = "switchyard-journal v1 base=";

std::string hex(uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016" PRIx64, v);
  return buf;
}

std::string escape(const std::string& field) {
  std::string out;
  for (char c : field) {
    if (c == '\\') out += "\\\\";
    else if (c == '\t') out += "\\t";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::vector<std::string> split_fields(const std::string& line) {
  std::vector<std::string> fields(1);
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (c == '\t') {
      fields.emplace_back();
    } else if (c == '\\' && i + 1 < line.size()) {
      char n = line[++i];
      fields.back() += n == 't' ? '\t' : n == 'n' ? '\n' : n;
    } else {
      fields.back() += c;
    }
  }
  return fields;
}

}  // namespace

uint64_t text_hash(const std::string& text) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

std::string journal_path(const std::string& config_path) { return config_path + ".journal"; }

std::string journal_header(uint64_t base) { return magic + hex(base) + "\n"; }

std::string encode_change(const config_change& c) {
  std::string line = c.kind == config_change::stream ? "S" : c.on ? "P" : "p";
  line += "\t" + escape(c.name);
  for (auto& s : c.sources) line += "\t" + escape(s);
  return line + "\t#" + hex(text_hash(line)) + "\n";
}

journal_contents parse_journal(const std::string& text, uint64_t base) {
  journal_contents out;
  auto header_end = text.find('\n');
  if (header_end == std::string::npos || text.compare(0, header_end, magic + hex(base)) != 0) {
    out.problem = "the journal is for another version of the file";
    return out;
  }
  out.applies = true;
  for (size_t pos = header_end + 1; pos < text.size();) {
    auto end = text.find('\n', pos);
    if (end == std::string::npos) {
      out.problem = "a torn last line was dropped";
      break;
    }
    std::string line = text.substr(pos, end - pos);
    pos = end + 1;
    auto sum = line.rfind("\t#");
    if (sum == std::string::npos || line.substr(sum + 2) != hex(text_hash(line.substr(0, sum)))) {
      out.problem = "a damaged line ended the replay";
      break;
    }
    auto fields = split_fields(line.substr(0, sum));
    if (fields.size() < 2 || (fields[0] != "S" && fields[0] != "P" && fields[0] != "p")) {
      out.problem = "an unknown line ended the replay";
      break;
    }
    config_change c;
    c.kind = fields[0] == "S" ? config_change::stream : config_change::preload;
    c.on = fields[0] == "P";
    c.name = fields[1];
    c.sources.assign(fields.begin() + 2, fields.end());
    out.changes.push_back(std::move(c));
  }
  return out;
}

std::string replay_journal(const std::string& config_path, const std::string& text, std::string& note) {
  bool exists = false;
  auto journal_text = read_whole_file(journal_path(config_path), exists);
  if (!exists) return text;
  auto journal = parse_journal(journal_text, text_hash(text));
  if (!journal.applies) {
    note = journal.problem + ": ignored";
    return text;
  }
  if (!journal.problem.empty()) note = journal.problem;
  if (journal.changes.empty()) return text;
  config_text doc{text};
  if (!doc.parsed()) {
    note = "the file does not parse: journal not replayed";
    return text;
  }
  for (auto& c : journal.changes) {
    if (c.kind == config_change::stream) doc.set_stream(c.name, c.sources);
    else doc.set_preload(c.name, c.on);
  }
  note = std::to_string(journal.changes.size()) + " change(s) replayed" + (note.empty() ? "" : "; " + note);
  return doc.render();
}

}  // namespace sy
