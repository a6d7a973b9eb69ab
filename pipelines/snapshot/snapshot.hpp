// snapshot: one JPEG out of a live stream, on the caller's thread.
//
// Subscribes a short-lived decode pipeline (pipelines/snapshot/snapshot_launch.hpp)
// to a stream's hub. The hub pushes its cached GOP first, so a running stream yields
// a frame without waiting for the next keyframe.
// Blocks for up to `timeout`: call it from an HTTP handler thread, never an actor.
#pragma once

#include <chrono>
#include <string>

#include "pipelines/hub/track_hub.hpp"
#include "pipelines/snapshot/snapshot_launch.hpp"

namespace sy {

struct snapshot_result {
  std::string jpeg;   // the JPEG bytes; empty on failure
  std::string error;  // why there is no JPEG
};

snapshot_result take_snapshot(const hub_ptr& hub, snapshot_size size, std::chrono::milliseconds timeout);

}  // namespace sy
