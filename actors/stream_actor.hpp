// stream actor: one per stream.
//
// Owns: the stream's sources, its track hub (data plane, shared with consumers),
// the leases of its consumers, and at most one source attempt: a source_pipeline,
// or, for a source that names another stream, a hub_relay subscribed to that
// stream's hub (in-process: no second camera connection, no RTSP hop).
// Spawned by the registry on create/replace; dies when the registry sends it an
// exit (delete, replace, shutdown), which closes its hub (EOS to every viewer)
// and tears its pipeline down on a detached actor.
// Lazy: the source connects when the first consumer attaches (or preload) and
// disconnects `linger` after the last lease is returned. A failing source reconnects
// with backoff, cycling through the sources, while consumers stay attached.
// Never: block, touch media buffers, or hold a pointer into another actor.
#pragma once

#include <caf/all.hpp>

#include <string>
#include <vector>

#include "actors/protocol.hpp"
#include "actors/settings.hpp"

namespace sy {

/// Spawns a stream actor feeding `hub`. Changes of state, tracks and consumers are
/// reported to `registry` as (status_atom, name, stream_status), when they happen
/// (counters are read from the hub by whoever lists them); stream-name sources are
/// looked up there.
stream_actor spawn_stream(caf::actor_system& sys, std::string name, std::vector<std::string> sources,
                          bool preload, stream_settings settings, caf::actor_addr registry, hub_ptr hub);

}  // namespace sy
