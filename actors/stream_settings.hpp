// Timings every stream actor follows; from the config file's `switchyard:` section.
#pragma once

#include <chrono>

namespace sy {

struct stream_settings {
  std::chrono::milliseconds linger{10000};         // keep the source this long after the last viewer
  std::chrono::milliseconds start_timeout{10000};  // a viewer waits this long for media
  std::chrono::milliseconds backoff_min{1000};     // first reconnect delay, doubling...
  std::chrono::milliseconds backoff_max{30000};    // ...up to this
  std::chrono::milliseconds stall_timeout{10000};  // no media this long: the source is lost
  std::chrono::milliseconds tick{1000};            // watchdog and status refresh period
};

}  // namespace sy
