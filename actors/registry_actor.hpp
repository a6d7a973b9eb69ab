// registry actor: one per daemon.
//
// Owns: every stream name and its stream actor handle, the cached status of each
// stream, and the order of all changes (change_ack::seq).
// Serialises create/replace/delete/list/get/lookup: no other code holds the name
// table, so concurrent API calls cannot race on it. Replacing or deleting a stream
// kills its actor (which closes its viewers) and remounts/unmounts its RTSP path.
// Changes that come from the API are acknowledged only once the config writer has
// them on disk.
// Spawned by main (or a test); dies on an exit message, killing every stream.
// Never: relay media, wait on a stream, or block.
#pragma once

#include <caf/all.hpp>

#include "actors/protocol.hpp"
#include "actors/stream_settings.hpp"

namespace sy {

struct registry_settings {
  stream_settings stream;
  caf::actor config_writer;  // may be invalid: changes are then not persisted
  caf::actor rtsp_server;    // may be invalid: nothing is mounted
  uint16_t rtsp_port = 0;    // for PATCH aliases (rtsp://127.0.0.1:port/other)
};

registry_actor spawn_registry(caf::actor_system& sys, registry_settings settings);

}  // namespace sy
