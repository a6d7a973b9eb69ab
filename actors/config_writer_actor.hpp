// config writer actor: owns the first config file on disk and its journal.
//
// Holds the file as text (actors/config/config_text: streams and preload as ordered
// maps, every other section byte for byte, comments included). A change is durable
// once its line is in the journal (`<config>.journal`, actors/config/config_journal):
// one append and one fdatasync, whatever the number of streams. Group commit: every
// change already in the mailbox when a flush starts goes into that one append, and
// each is acknowledged (true) only once it is on disk. The YAML file is rewritten
// atomically (temporary file, fsync, rename, fsync of the directory) at most a second
// after a change, then the journal restarts empty; on a clean stop it is rewritten
// at once. If the journal cannot be used (its file vanished or cannot be written),
// every flush rewrites the YAML file instead, and a failure there is
// errc::persist_failed for each change it carried.
// Spawned detached by main (it does blocking file I/O on its own thread) with the
// text the daemon loaded (journal already replayed); dies on exit.
#pragma once

#include <caf/all.hpp>

#include <string>

#include "actors/protocol.hpp"

namespace sy {

/// Spawns the writer for `path`; `document` is the config text in effect (the file
/// with its journal replayed: see replay_journal).
config_writer_actor spawn_config_writer(caf::actor_system& sys, std::string path, std::string document);

}  // namespace sy
