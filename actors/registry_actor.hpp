// registry actor: one per daemon.
//
// Owns: every stream name (streams and PATCH aliases), each stream's actor handle,
// the cached status of each stream, the order of all changes (change_ack::seq), and
// the list of stream listeners.
// Serialises create/replace/delete/list/get/lookup: no other code holds the name
// table, so concurrent API calls cannot race on it. Replacing or deleting a stream
// kills its actor (which closes its viewers) and tells every listener; outputs that
// keep per-stream state (RTSP mounts) follow those events, so the registry knows no
// output protocol. Changes that come from the API are acknowledged only once the
// config writer has them on disk. A stream's actor is spawned lazily, on the first
// lookup (a consumer, an upstream stream) or preload, and lives until the stream is
// replaced or deleted: until then the stream is listed, gettable and deletable from
// the name table alone.
// Spawned by main (or a test); dies on an exit message, killing every stream.
// Never: relay media, wait on a stream, or block.
#pragma once

#include <caf/all.hpp>

#include "actors/protocol.hpp"
#include "actors/settings.hpp"

namespace sy {

struct registry_settings {
  stream_settings stream;
  config_writer_actor config_writer;  // may be invalid: changes are then not persisted
};

registry_actor spawn_registry(caf::actor_system& sys, registry_settings settings);

}  // namespace sy
