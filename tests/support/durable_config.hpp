// What a restart would load from a config file: the YAML with its journal replayed.
// A change is durable once acknowledged; the YAML file itself catches up within a
// second (actors/config_writer_actor.hpp).
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>

#include "actors/config/config_journal.hpp"
#include "tests/support/daemon.hpp"

namespace sy::test {

inline YAML::Node durable_config(const std::string& path) {
  for (;;) {  // the daemon may rewrite the file between the two reads: read again then
    auto text = read_text_file(path);
    std::string note;
    auto replayed = replay_journal(path, text, note);
    if (read_text_file(path) == text) return YAML::Load(replayed);
  }
}

}  // namespace sy::test
