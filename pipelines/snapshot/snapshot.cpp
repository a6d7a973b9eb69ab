#include "pipelines/snapshot/snapshot.hpp"

#include <gst/app/gstappsink.h>

#include "pipelines/hub/appsrc_sink.hpp"
#include "pipelines/parse.hpp"

namespace sy {
namespace {

int first_video_track(const std::vector<std::string>& names) {
  for (size_t i = 0; i < names.size(); ++i)
    if (names[i].rfind("video/", 0) == 0 || names[i] == "image/jpeg") return int(i);
  return -1;
}

std::string bus_error(GstElement* pipeline) {
  auto* bus = gst_element_get_bus(pipeline);
  auto* msg = gst_bus_pop_filtered(bus, GST_MESSAGE_ERROR);
  gst_object_unref(bus);
  if (!msg) return {};
  GError* err = nullptr;
  gst_message_parse_error(msg, &err, nullptr);
  std::string text = err ? err->message : "decode error";
  if (err) g_error_free(err);
  gst_message_unref(msg);
  return text;
}

}  // namespace

snapshot_result take_snapshot(const hub_ptr& hub, snapshot_size size, std::chrono::milliseconds timeout) {
  auto names = hub->caps_names();
  auto video = first_video_track(names);
  if (video < 0) return {{}, "snapshot: stream has no video track"};
  auto parsed = parse_launch(snapshot_launch(size));
  if (!parsed.element) return {{}, "snapshot: " + parsed.error};
  auto* pipeline = parsed.element;
  auto* src = gst_bin_get_by_name(GST_BIN(pipeline), "in");
  auto* sink = gst_bin_get_by_name(GST_BIN(pipeline), "out");
  gst_element_set_state(pipeline, GST_STATE_PLAYING);
  std::vector<GstElement*> inputs(names.size(), nullptr);
  inputs[size_t(video)] = src;
  auto id = hub->subscribe(consumer_kind::snapshot, make_appsrc_sink(inputs));
  GstSample* sample = nullptr;
  std::string error;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!sample && error.empty() && std::chrono::steady_clock::now() < deadline) {
    sample = gst_app_sink_try_pull_sample(GST_APP_SINK(sink), 100 * GST_MSECOND);
    if (!sample) error = bus_error(pipeline);
  }
  hub->unsubscribe(id);
  gst_element_set_state(pipeline, GST_STATE_NULL);
  std::string jpeg;
  if (sample) {
    GstMapInfo map;
    auto* buf = gst_sample_get_buffer(sample);
    if (buf && gst_buffer_map(buf, &map, GST_MAP_READ)) {
      jpeg.assign(reinterpret_cast<const char*>(map.data), map.size);
      gst_buffer_unmap(buf, &map);
    }
    gst_sample_unref(sample);
  }
  gst_object_unref(src);
  gst_object_unref(sink);
  gst_object_unref(pipeline);
  if (!jpeg.empty()) return {std::move(jpeg), {}};
  if (error.empty()) error = "no frame decoded within " + std::to_string(timeout.count() / 1000) + " s";
  return {{}, "snapshot: " + error};
}

}  // namespace sy
