// Source builders: a parsed source URL -> GStreamer launch text for a stream's
// source part, one builder per kind of source. Pure. Which scheme uses which
// builder, and who may use it, is pipelines/scheme_table.hpp.
//
// Contract with the source pipeline (pipelines/hub/source_pipeline.cpp): every
// element named `out<N>` is an output; each of its src pads (static or added
// later) is parsed, and each parsed elementary stream becomes one track.
#pragma once

#include <string>

#include "pipelines/source_uri.hpp"

namespace sy {

struct launch_result {
  std::string text;   // launch text, empty on error
  std::string error;  // why no text could be built
};

/// test:?size=WxH&fps=&codec=h264|h265&gop=&bitrate=&pattern=&audio=opus|aac|pcmu|pcma
launch_result test_launch(const source_spec& spec);
/// rtsp://, rtsps:// (#transport=tcp|udp)
launch_result rtsp_launch(const source_spec& spec);
/// The rtspsrc element of rtsp_launch, named `name` (a transcoder's input).
launch_result rtspsrc_launch(const source_spec& spec, const char* name);
/// gst:LAUNCH, a raw pipeline with an element named out0 (config file only)
launch_result gst_launch(const source_spec& spec);

/// A decimal in [lo, hi] (at most six digits), for builders' numeric options.
bool parse_bounded_uint(const std::string& s, unsigned lo, unsigned hi, unsigned& out);

/// Quotes a property value for launch text: "value" with \" and \\ escaped.
std::string quote_launch_value(const std::string& value);

}  // namespace sy
