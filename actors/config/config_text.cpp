#include "actors/config/config_text.hpp"

#include <yaml-cpp/yaml.h>

#include <cctype>
#include <cstdio>

namespace sy {
namespace {

// A top-level key line: starts at column 0 with a key, not a comment, list item,
// indentation or document marker. Gives the key, or empty.
std::string top_level_key(const std::string& line) {
  if (line.empty() || line[0] == ' ' || line[0] == '\t' || line[0] == '#' || line[0] == '-' || line[0] == '\r')
    return {};
  if (line.rfind("...", 0) == 0) return {};
  if (line[0] == '"' || line[0] == '\'') {
    auto end = line.find(line[0], 1);
    return end == std::string::npos ? std::string{} : line.substr(1, end - 1);
  }
  for (size_t i = 0; i < line.size(); ++i)
    if (line[i] == ':' && (i + 1 == line.size() || line[i + 1] == ' ' || line[i + 1] == '\r')) return line.substr(0, i);
  return {};
}

bool comment_or_blank(const std::string& line) {
  for (char c : line)
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n') return c == '#';
  return true;
}

bool only_comments(const std::string& text) {
  for (size_t pos = 0; pos < text.size();) {
    auto end = text.find('\n', pos);
    auto next = end == std::string::npos ? text.size() : end + 1;
    if (!comment_or_blank(text.substr(pos, next - pos))) return false;
    pos = next;
  }
  return true;
}

struct split_section {
  std::string key, lead, body;
};

// Splits block-style text into top-level sections; false if a line at column 0 is
// neither a key nor a comment (flow style, document markers...).
bool split(const std::string& text, std::vector<split_section>& out, std::string& tail) {
  std::string pending;  // comment/blank lines not yet given to a section
  size_t pos = 0;
  while (pos < text.size()) {
    auto end = text.find('\n', pos);
    auto next = end == std::string::npos ? text.size() : end + 1;
    std::string line = text.substr(pos, next - pos);
    std::string bare = line.back() == '\n' ? line.substr(0, line.size() - 1) : line;
    pos = next;
    if (comment_or_blank(bare)) {
      pending += line;
      continue;
    }
    auto key = top_level_key(bare);
    if (!key.empty()) {
      out.push_back({key, pending, line});
      pending.clear();
      continue;
    }
    if (bare[0] != ' ' && bare[0] != '\t' && bare[0] != '-') return false;
    if (out.empty()) return false;  // indented content before any key
    out.back().body += pending + line;
    pending.clear();
  }
  tail = pending;
  return true;
}

// yaml-cpp emits a node in the style it was parsed in; the sections need block style.
void block_style(YAML::Node node) {
  if (node.IsMap() || node.IsSequence()) node.SetStyle(YAML::EmitterStyle::Block);
  if (node.IsMap())
    for (auto kv : node) block_style(kv.second);
  else if (node.IsSequence())
    for (auto item : node) block_style(item);
}

bool special_word(std::string w) {
  for (auto& c : w) c = char(std::tolower(static_cast<unsigned char>(c)));
  for (auto* s : {"null", "true", "false", "yes", "no", "on", "off", "y", "n"})
    if (w == s) return true;
  return false;
}

// Plain when it reads back as the same string in any YAML parser; double-quoted otherwise.
std::string scalar(const std::string& s) {
  bool plain = !s.empty() && (std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_') && !special_word(s);
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.')) plain = false;
  if (plain) return s;
  std::string out = "\"";
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (u < 0x20 || u == 0x7f) {
      char hex[5];
      std::snprintf(hex, sizeof hex, "\\x%02x", u);
      out += hex;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

}  // namespace

std::string config_text::render_entry(const std::string& name, const std::vector<std::string>& values) {
  if (values.size() == 1) return "  " + scalar(name) + ": " + scalar(values.front()) + "\n";
  std::string out = "  " + scalar(name) + ":\n";
  for (auto& v : values) out += "    - " + scalar(v) + "\n";
  return out;
}

void config_text::section_map::set(const std::string& name, std::string text) {
  changed = true;
  auto it = by_name.find(name);
  if (it != by_name.end()) {
    it->second->text = std::move(text);
    return;
  }
  entries.push_back({name, std::move(text)});
  by_name.emplace(name, std::prev(entries.end()));
}

void config_text::section_map::remove(const std::string& name) {
  auto it = by_name.find(name);
  if (it == by_name.end()) return;
  changed = true;
  entries.erase(it->second);
  by_name.erase(it);
}

void config_text::load() {
  if (loaded_) return;
  loaded_ = true;
  std::string text = std::move(text_);
  text_ = {};
  YAML::Node doc;
  try {
    doc = YAML::Load(text);
  } catch (const YAML::Exception&) {
    return;
  }
  if (!doc.IsMap() && !doc.IsNull()) return;
  parsed_ = true;
  if (doc.IsNull()) {  // nothing but comments (kept above what the daemon adds) or `null`
    if (only_comments(text)) sections_.push_back({"", text});
    return;
  }
  std::vector<split_section> parts;
  std::string tail;
  bool block = split(text, parts, tail) && parts.size() == doc.size();
  if (block) {
    size_t i = 0;
    for (auto kv : doc) block = block && kv.first.IsScalar() && kv.first.Scalar() == parts[i++].key;
  }
  if (!block) {  // normalise once; comments are lost only in this case
    block_style(doc);
    YAML::Emitter out;
    out << doc;
    parts.clear();
    tail.clear();
    if (!split(std::string(out.c_str()) + "\n", parts, tail)) return;
  }
  for (auto& p : parts) sections_.push_back({p.key, p.lead + p.body});
  if (!tail.empty()) sections_.push_back({"", tail});
  const YAML::Node& cdoc = doc;
  for (auto& [key, into] : {std::pair<const char*, section_map*>{"streams", &streams_}, {"preload", &preload_}}) {
    auto map = cdoc[key];
    if (!map || !map.IsMap()) continue;
    for (auto kv : map) {
      auto name = kv.first.Scalar();
      std::vector<std::string> values;
      if (kv.second.IsSequence()) {
        for (auto v : kv.second) values.push_back(v.Scalar());
      } else if (kv.second.IsScalar()) {
        values.push_back(kv.second.Scalar());
      }
      into->set(name, values.empty() ? "  " + scalar(name) + ":\n" : render_entry(name, values));
    }
  }
  streams_.changed = preload_.changed = false;
}

void config_text::set_stream(const std::string& name, const std::vector<std::string>& sources) {
  load();
  if (sources.empty()) streams_.remove(name);
  else streams_.set(name, render_entry(name, sources));
}

void config_text::set_preload(const std::string& name, bool on) {
  load();
  if (on) preload_.set(name, render_entry(name, {"video&audio"}));
  else preload_.remove(name);
}

std::string config_text::render_section(const std::string& key, const section_map& m) const {
  std::string out = key + ":\n";
  for (auto& e : m.entries) out += e.text;
  return out;
}

std::string config_text::render() {
  load();
  std::string out;
  bool streams_done = false, preload_done = false;
  auto ensure_newline = [&] {
    if (!out.empty() && out.back() != '\n') out += '\n';
  };
  for (auto& s : sections_) {
    ensure_newline();
    const section_map* m = s.key == "streams" ? &streams_ : s.key == "preload" ? &preload_ : nullptr;
    if (!m || !m->changed) {
      out += s.text;
    } else {
      // Keep the comment lines that lead into the section; render the rest.
      size_t lead_end = 0;
      for (size_t pos = 0; pos < s.text.size();) {
        auto end = s.text.find('\n', pos);
        auto next = end == std::string::npos ? s.text.size() : end + 1;
        if (!comment_or_blank(s.text.substr(pos, next - pos))) break;
        lead_end = next;
        pos = next;
      }
      out += s.text.substr(0, lead_end) + render_section(s.key, *m);
    }
    streams_done = streams_done || s.key == "streams";
    preload_done = preload_done || s.key == "preload";
  }
  ensure_newline();
  if (!streams_done && !streams_.entries.empty()) out += render_section("streams", streams_);
  if (!preload_done && !preload_.entries.empty()) out += render_section("preload", preload_);
  return out;
}

}  // namespace sy
