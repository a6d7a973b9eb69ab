// Timings the actors follow; from the config file's `switchyard:` section.
#pragma once

#include <chrono>

namespace sy {

/// What every stream actor follows.
struct stream_settings {
  std::chrono::milliseconds linger{10000};         // keep the source this long after the last viewer
  std::chrono::milliseconds start_timeout{10000};  // a viewer waits this long for media
  std::chrono::milliseconds backoff_min{1000};     // first reconnect delay, doubling...
  std::chrono::milliseconds backoff_max{30000};    // ...up to this
  std::chrono::milliseconds stall_timeout{10000};  // no media this long: the source is lost
};

/// How long a thread that is not an actor waits for one (actors/blocking_calls.hpp).
struct call_timeouts {
  std::chrono::milliseconds request{5000};   // a registry request: HTTP, RTSP lookups, start-up
  std::chrono::milliseconds persist{30000};  // once the registry took a change: its config write
  std::chrono::milliseconds media{12000};    // a consumer waiting for a source's media
  std::chrono::milliseconds remote{45000};   // yardctl, over the network, without a deadline

  /// `media` follows the streams' start timeout, plus a margin so that the stream's
  /// own reason (not a timeout) comes back.
  static call_timeouts for_streams(const stream_settings& s) {
    call_timeouts t;
    t.media = s.start_timeout + std::chrono::seconds(2);
    return t;
  }
};

}  // namespace sy
