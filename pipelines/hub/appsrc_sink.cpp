#include "pipelines/hub/appsrc_sink.hpp"

#include <gst/app/gstappsrc.h>

namespace sy {

appsrc_sink::appsrc_sink(const std::vector<GstElement*>& inputs) {
  for (auto* in : inputs) inputs_.push_back(in ? GST_ELEMENT(gst_object_ref(in)) : nullptr);
}

appsrc_sink::~appsrc_sink() {
  for (auto* in : inputs_)
    if (in) gst_object_unref(in);
}

bool appsrc_sink::wants(int track) const {
  return track >= 0 && size_t(track) < inputs_.size() && inputs_[size_t(track)];
}

void appsrc_sink::set_caps(int track, GstCaps* caps) {
  if (wants(track)) gst_app_src_set_caps(GST_APP_SRC(inputs_[size_t(track)]), caps);
}

void appsrc_sink::push(int track, GstBuffer* buffer) {
  if (wants(track)) gst_app_src_push_buffer(GST_APP_SRC(inputs_[size_t(track)]), buffer);
  else gst_buffer_unref(buffer);
}

void appsrc_sink::end() {
  for (auto* in : inputs_)
    if (in) gst_app_src_end_of_stream(GST_APP_SRC(in));
}

GstClockTime appsrc_sink::running_time(int track) const {
  return wants(track) ? gst_element_get_current_running_time(inputs_[size_t(track)]) : GST_CLOCK_TIME_NONE;
}

}  // namespace sy
