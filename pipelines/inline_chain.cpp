#include "pipelines/inline_chain.hpp"

#include "pipelines/parse.hpp"

namespace sy {

std::unique_ptr<inline_chain> inline_chain::make(const std::string& launch, caps_fn on_caps, buffer_fn on_buffer) {
  auto parsed = parse_bin(launch);
  if (!parsed.element) return nullptr;
  std::unique_ptr<inline_chain> self{new inline_chain};
  self->bin_ = parsed.element;
  self->on_caps_ = std::move(on_caps);
  self->on_buffer_ = std::move(on_buffer);
  self->src_ = GST_PAD(gst_object_ref_sink(gst_pad_new("src", GST_PAD_SRC)));
  self->sink_ = GST_PAD(gst_object_ref_sink(gst_pad_new("sink", GST_PAD_SINK)));
  gst_pad_set_element_private(self->sink_, self.get());
  gst_pad_set_chain_function(self->sink_, on_chain);
  gst_pad_set_chain_list_function(self->sink_, on_chain_list);
  gst_pad_set_event_function(self->sink_, on_event);
  auto* bin_sink = gst_element_get_static_pad(self->bin_, "sink");
  auto* bin_src = gst_element_get_static_pad(self->bin_, "src");
  bool linked = bin_sink && bin_src && gst_pad_link(self->src_, bin_sink) == GST_PAD_LINK_OK &&
                gst_pad_link(bin_src, self->sink_) == GST_PAD_LINK_OK;
  if (bin_sink) gst_object_unref(bin_sink);
  if (bin_src) gst_object_unref(bin_src);
  if (!linked) return nullptr;
  gst_pad_set_active(self->sink_, TRUE);
  gst_pad_set_active(self->src_, TRUE);
  if (gst_element_set_state(self->bin_, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) return nullptr;
  gst_pad_push_event(self->src_, gst_event_new_stream_start("sy-inline"));
  return self;
}

inline_chain::~inline_chain() {
  if (bin_) {
    gst_element_set_state(bin_, GST_STATE_NULL);
    gst_object_unref(bin_);
  }
  if (src_) {
    gst_pad_set_active(src_, FALSE);
    gst_object_unref(src_);
  }
  if (sink_) {
    gst_pad_set_active(sink_, FALSE);
    gst_object_unref(sink_);
  }
}

bool inline_chain::set_caps(GstCaps* caps) {
  bool first = !gst_pad_has_current_caps(src_);
  if (!gst_pad_push_event(src_, gst_event_new_caps(caps))) return false;
  if (first) {
    GstSegment segment;
    gst_segment_init(&segment, GST_FORMAT_TIME);
    gst_pad_push_event(src_, gst_event_new_segment(&segment));
  }
  return true;
}

GstFlowReturn inline_chain::push(GstBuffer* buffer) { return gst_pad_push(src_, buffer); }

GstElement* inline_chain::element(const char* name) const { return gst_bin_get_by_name(GST_BIN(bin_), name); }

GstFlowReturn inline_chain::on_chain(GstPad* pad, GstObject*, GstBuffer* buffer) {
  static_cast<inline_chain*>(gst_pad_get_element_private(pad))->on_buffer_(buffer);
  return GST_FLOW_OK;
}

GstFlowReturn inline_chain::on_chain_list(GstPad* pad, GstObject*, GstBufferList* list) {
  auto* self = static_cast<inline_chain*>(gst_pad_get_element_private(pad));
  for (guint i = 0, n = gst_buffer_list_length(list); i < n; ++i)
    self->on_buffer_(gst_buffer_ref(gst_buffer_list_get(list, i)));
  gst_buffer_list_unref(list);
  return GST_FLOW_OK;
}

gboolean inline_chain::on_event(GstPad* pad, GstObject*, GstEvent* event) {
  auto* self = static_cast<inline_chain*>(gst_pad_get_element_private(pad));
  if (GST_EVENT_TYPE(event) == GST_EVENT_CAPS && self->on_caps_) {
    GstCaps* caps = nullptr;
    gst_event_parse_caps(event, &caps);
    self->on_caps_(caps);
  }
  gst_event_unref(event);
  return TRUE;
}

}  // namespace sy
