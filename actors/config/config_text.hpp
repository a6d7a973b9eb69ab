// The config file as text, with its `streams:` and `preload:` sections as ordered
// maps the daemon changes one entry at a time.
//
// Every other top-level section (and every comment outside those two) is kept
// byte for byte, in its place. The two sections are rendered again only once they
// changed, each entry from a cached line, so rendering the whole file is a string
// concatenation and a change costs the same whether the file holds 10 streams or
// 10,000. A document that is not plain block style at the top level (flow maps,
// several documents) is normalised once by yaml-cpp's emitter on load.
// The text is parsed on first use, not on construction: a daemon whose streams never
// change holds the file once, not an index of every entry (2 MiB at 10,000 streams).
// Pure: no I/O, no threads.
#pragma once

#include <list>
#include <string>
#include <unordered_map>
#include <vector>

namespace sy {

class config_text {
 public:
  /// Holds `text` (a go2rtc YAML file), to be parsed on first use.
  explicit config_text(std::string text) : text_(std::move(text)) {}
  /// False when the text was not YAML with a map at the top: the document is then
  /// empty, and rendering it would lose the file.
  bool parsed() {
    load();
    return parsed_;
  }

  /// Adds or replaces a stream (new names go last); empty `sources` removes it.
  void set_stream(const std::string& name, const std::vector<std::string>& sources);
  void set_preload(const std::string& name, bool on);

  /// The whole file.
  std::string render();

  /// One map entry as this class writes it (`  name: "src"` or a list), for tests.
  static std::string render_entry(const std::string& name, const std::vector<std::string>& values);

 private:
  struct entry {
    std::string name;
    std::string text;  // rendered lines, indented, ending in '\n'
  };
  struct section_map {
    std::list<entry> entries;
    std::unordered_map<std::string, std::list<entry>::iterator> by_name;
    bool changed = false;
    void set(const std::string& name, std::string text);
    void remove(const std::string& name);
  };
  struct section {
    std::string key;   // top-level key; empty for leading comments
    std::string text;  // as loaded, including its key line and trailing comments
  };
  std::string text_;  // until parsed
  bool loaded_ = false;
  bool parsed_ = false;
  std::vector<section> sections_;
  section_map streams_;
  section_map preload_;

  void load();
  std::string render_section(const std::string& key, const section_map& m) const;
};

}  // namespace sy
