// The CAF configuration shared by the daemon, yardctl and the tests: the
// protocol's types and the middleman (for yardctl's remote registry).
#pragma once

#include <caf/all.hpp>
#include <caf/io/all.hpp>

#include "actors/protocol.hpp"

namespace sy {

class system_config : public caf::actor_system_config {
 public:
  system_config() {
    register_protocol(*this);
    load<caf::io::middleman>();
    // Quiet: CAF's own console output would break go2rtc's log shape.
    set("logger.console", caf::atom("none"));
    // Work sharing: idle workers sleep on a condition variable. CAF's default work
    // stealing polls (50 us naps, then 10 ms), which cost an idle daemon ~1 % of a core
    // and a watched stream another ~1.3 % (bench/watched_stream_profile).
    set("scheduler.policy", caf::atom("sharing"));
  }
};

}  // namespace sy
