// source_event: what a source (a source pipeline, the native RTSP reader) reports to
// its owner. Plain values only.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

namespace sy {

struct source_event {
  enum kind_t : uint8_t { error, eos, tracks_ready, track_added } kind = error;
  std::string text;
};

/// Called on the source's own threads: must not block or touch the owner's state.
using source_notify_fn = std::function<void(source_event)>;

}  // namespace sy
