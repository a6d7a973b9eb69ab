// snapshot_consumer: one JPEG out of a live stream, on the caller's thread.
//
// Subscribes a short-lived decode pipeline (appsrc -> decodebin -> scale -> jpegenc
// -> appsink) to an attached stream's hub. The hub pushes its cached GOP first, so
// a running stream yields a frame without waiting for the next keyframe.
// Blocks for up to `timeout`: call it from an HTTP handler thread, never an actor.
#pragma once

#include <caf/all.hpp>

#include <chrono>
#include <string>

#include "actors/attach_client.hpp"
#include "pipelines/consumer_launch.hpp"

namespace sy {

/// The JPEG bytes, or errc::source_failed with the reason.
caf::expected<std::string> take_snapshot(const attachment& att, snapshot_size size,
                                         std::chrono::milliseconds timeout);

}  // namespace sy
