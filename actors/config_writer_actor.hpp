// config writer actor: owns the first config file on disk.
//
// Holds the file's YAML document in memory, applies stream/preload changes to it
// and writes it atomically (temp file, fsync, rename, fsync of the directory).
// Group commit: every change already in the mailbox when a write starts goes into
// that one write, and each change is acknowledged (true) only once it is on disk.
// Spawned detached by main (it does blocking file I/O on its own thread); dies on
// exit. Keeps every other section of the file as loaded (comments are not kept:
// yaml-cpp does not model them).
#pragma once

#include <caf/all.hpp>

#include <string>

#include "actors/protocol.hpp"

namespace sy {

/// Spawns the writer for `path`; `document` is the file's current text.
config_writer_actor spawn_config_writer(caf::actor_system& sys, std::string path, std::string document);

}  // namespace sy
