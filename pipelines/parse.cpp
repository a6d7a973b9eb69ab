#include "pipelines/parse.hpp"

namespace sy {
namespace {

// Takes ownership of what a gst_parse_* call returned.
parsed_pipeline finish(GstElement* element, GError* err, const char* empty_error) {
  parsed_pipeline out;
  if (err) {
    out.error = err->message;
    g_error_free(err);
    if (element) gst_object_unref(element);
    return out;
  }
  if (element) gst_object_ref_sink(element);
  out.element = element;
  if (!element) out.error = empty_error;
  return out;
}

}  // namespace

parsed_pipeline parse_launch(const std::string& text) {
  GError* err = nullptr;
  auto* element = gst_parse_launch_full(text.c_str(), nullptr, GST_PARSE_FLAG_FATAL_ERRORS, &err);
  return finish(element, err, "empty pipeline");
}

parsed_pipeline parse_bin(const std::string& text) {
  GError* err = nullptr;
  auto* bin = gst_parse_bin_from_description_full(text.c_str(), TRUE, nullptr, GST_PARSE_FLAG_FATAL_ERRORS, &err);
  return finish(bin, err, "empty bin");
}

}  // namespace sy
