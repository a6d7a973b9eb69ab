// A client pipeline for the latency benchmarks: GStreamer `launch` text ending in
// `appsink name=sink`, each buffer handed to a callback with its arrival time
// (monotonic microseconds), on the pipeline's streaming thread.
#pragma once

#include <gst/app/gstappsink.h>
#include <gst/gst.h>

#include <functional>
#include <string>

namespace sy::bench {

using buffer_callback = std::function<void(GstBuffer* buffer, int64_t arrival_us)>;

/// The pipeline, not started (nullptr if `launch` does not parse).
inline GstElement* appsink_reader(const std::string& launch, buffer_callback on_buffer) {
  auto* p = gst_parse_launch(launch.c_str(), nullptr);
  if (!p) return nullptr;
  auto* sink = gst_bin_get_by_name(GST_BIN(p), "sink");
  GstAppSinkCallbacks cbs{};
  cbs.new_sample = [](GstAppSink* s, gpointer data) {
    auto now = g_get_monotonic_time();
    auto* sample = gst_app_sink_pull_sample(s);
    (*static_cast<buffer_callback*>(data))(gst_sample_get_buffer(sample), now);
    gst_sample_unref(sample);
    return GST_FLOW_OK;
  };
  gst_app_sink_set_callbacks(GST_APP_SINK(sink), &cbs, new buffer_callback(std::move(on_buffer)),
                             [](gpointer data) { delete static_cast<buffer_callback*>(data); });
  gst_object_unref(sink);
  return p;
}

}  // namespace sy::bench
