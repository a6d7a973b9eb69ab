#include "actors/config_writer_actor.hpp"

#include <malloc.h>
#include <unistd.h>

#include <chrono>
#include <vector>

#include "actors/config/config_files.hpp"
#include "actors/config/config_journal.hpp"
#include "actors/config/config_text.hpp"
#include "pipelines/log.hpp"

namespace sy {
namespace {

constexpr auto yaml_catch_up = std::chrono::seconds(1);
constexpr size_t journal_limit = 8u << 20;  // rewrite the YAML early past this

struct writer_state {
  static constexpr const char* name = "config_writer";
  std::string path;
  std::string journal;
  config_text doc{""};         // parsed on the first change (see document())
  bool doc_parsed = false;
  int journal_fd = -1;          // -1: no usable journal; flushes rewrite the YAML
  size_t journal_bytes = 0;
  std::string queued;           // journal lines of the changes not yet flushed
  std::vector<caf::typed_response_promise<bool>> pending;
  bool flush_queued = false;
  bool compact_queued = false;
  bool yaml_behind = false;     // the journal holds changes the YAML file lacks

  ~writer_state() {
    if (yaml_behind) compact();  // a clean stop leaves the YAML file complete
    close_journal();
  }

  // The file's document, parsed the first time a change needs it.
  config_text& document() {
    if (!doc_parsed) {
      doc.parsed();
      malloc_trim(0);  // parsing a large file leaves megabytes of freed YAML nodes in this thread's heap
      doc_parsed = true;
    }
    return doc;
  }

  void close_journal() {
    if (journal_fd >= 0) ::close(journal_fd);
    journal_fd = -1;
  }

  // Rewrites the YAML file from the document, then restarts the journal for it.
  // A crash between the two leaves a journal whose header names the old file, which
  // replay ignores; everything in it is in the new file.
  std::string compact() {
    auto text = document().render();
    auto error = write_file_atomically(path, text);
    if (!error.empty()) return error;
    yaml_behind = false;
    restart_journal(text);
    return {};
  }

  void restart_journal(const std::string& yaml_text) {
    close_journal();
    auto header = journal_header(text_hash(yaml_text));
    auto error = write_file_atomically(journal, header, &journal_fd);
    if (!error.empty()) {
      journal_fd = -1;
      log_line('W', "config", "journal " + journal + ": " + error + "; each change rewrites the file");
    }
    journal_bytes = header.size();
  }

  // Makes every queued change durable; empty on success, else the reason.
  std::string flush() {
    if (journal_fd >= 0 && names_open_file(journal, journal_fd)) {
      auto error = append_durably(journal_fd, queued);
      if (error.empty()) {
        journal_bytes += queued.size();
        yaml_behind = true;
        return {};
      }
      log_line('W', "config", "journal " + journal + ": " + error);
      close_journal();  // it may end in a torn line now: never append after one
    }
    return compact();  // no usable journal: the YAML file itself, now (and a new journal)
  }
};

config_writer_actor::behavior_type writer_behavior(config_writer_actor::stateful_pointer<writer_state> self,
                                                   std::string path, std::string document) {
  auto& st = self->state;
  st.path = std::move(path);
  st.journal = journal_path(st.path);
  bool exists = false;
  auto on_disk = read_whole_file(st.path, exists);
  bool current = exists && on_disk == document;
  bool new_and_empty = !exists && document.empty();
  st.doc = config_text{std::move(document)};
  if (current) st.restart_journal(on_disk);
  else if (new_and_empty) st.restart_journal("");
  else if (auto error = st.compact(); !error.empty())  // a replayed journal: bring the file up to date
    log_line('E', "config", "write " + st.path + " failed: " + error);
  auto queue = [self](const config_change& c) -> caf::typed_response_promise<bool> {
    auto& st = self->state;
    st.queued += encode_change(c);
    if (!st.flush_queued) {
      st.flush_queued = true;
      self->send(self, flush_atom::value);  // behind every change already queued
    }
    st.pending.push_back(self->make_response_promise<bool>());
    return st.pending.back();
  };
  return {
      [=](persist_atom, const std::string& name, const std::vector<std::string>& sources) {
        self->state.document().set_stream(name, sources);
        return queue({config_change::stream, name, sources, false});
      },
      [=](preload_atom, const std::string& name, bool on) {
        self->state.document().set_preload(name, on);
        return queue({config_change::preload, name, {}, on});
      },
      [=](flush_atom) {
        auto& st = self->state;
        st.flush_queued = false;
        auto error = st.flush();
        st.queued.clear();
        if (!error.empty()) log_line('E', "config", "write " + st.path + " failed: " + error);
        for (auto& rp : st.pending) {
          if (error.empty()) rp.deliver(true);
          else rp.deliver(make_error(errc::persist_failed, "config: " + error));
        }
        st.pending.clear();
        if (st.yaml_behind && st.journal_bytes > journal_limit) {
          self->send(self, compact_atom::value);
        } else if (st.yaml_behind && !st.compact_queued) {
          st.compact_queued = true;
          self->delayed_send(self, yaml_catch_up, compact_atom::value);
        }
      },
      [=](compact_atom) {
        auto& st = self->state;
        st.compact_queued = false;
        if (!st.yaml_behind) return;
        if (auto error = st.compact(); !error.empty())
          log_line('W', "config", "write " + st.path + " failed: " + error + "; the journal keeps the changes");
      },
  };
}

}  // namespace

config_writer_actor spawn_config_writer(caf::actor_system& sys, std::string path, std::string document) {
  return sys.spawn<caf::detached>(writer_behavior, std::move(path), std::move(document));
}

}  // namespace sy
