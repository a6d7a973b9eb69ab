// The one place that turns launch text into GStreamer elements.
#pragma once

#include <gst/gst.h>

#include <string>

namespace sy {

struct parsed_pipeline {
  GstElement* element = nullptr;  // owned (floating ref sunk); nullptr on error
  std::string error;
};

/// gst_parse_launch_full with GST_PARSE_FLAG_FATAL_ERRORS: a missing element or
/// property fails instead of yielding a half-built pipeline.
parsed_pipeline parse_launch(const std::string& text);

/// A bin from launch text whose unlinked pads become ghost pads ("sink", "src").
parsed_pipeline parse_bin(const std::string& text);

}  // namespace sy
