// Source spec -> GStreamer launch text for a stream's source part. Pure.
//
// Contract with the stream pipeline (actors/stream_pipeline.cpp): every element
// named `out<N>` is an output; each of its src pads (static or added later) is
// fed to a parsebin, and each parsed elementary stream becomes one track.
#pragma once

#include <string>

#include "pipelines/source_uri.hpp"

namespace sy {

struct launch_result {
  std::string text;   // launch text, empty on error
  std::string error;  // why no text could be built
};

/// Launch text for one source URL.
launch_result source_launch(const std::string& url);

/// Quotes a property value for launch text: "value" with \" and \\ escaped.
std::string quote_launch_value(const std::string& value);

}  // namespace sy
