#include "pipelines/rtsp/rtp_packetizer.hpp"

#include "pipelines/codec_table.hpp"
#include "pipelines/parse.hpp"

namespace sy {

std::unique_ptr<rtp_packetizer> rtp_packetizer::make(const std::string& caps_name, int pt) {
  auto* codec = find_codec(caps_name);
  if (!codec) return nullptr;
  auto parsed = parse_bin(std::string(codec->payloader) + " pt=" + std::to_string(pt));
  if (!parsed.element) return nullptr;
  std::unique_ptr<rtp_packetizer> self{new rtp_packetizer};
  self->bin_ = parsed.element;
  self->src_ = gst_pad_new("src", GST_PAD_SRC);
  self->sink_ = gst_pad_new("sink", GST_PAD_SINK);
  gst_pad_set_element_private(self->sink_, self.get());
  gst_pad_set_chain_function(self->sink_, on_chain);
  gst_pad_set_chain_list_function(self->sink_, on_chain_list);
  gst_pad_set_event_function(self->sink_, on_event);
  auto* bin_sink = gst_element_get_static_pad(self->bin_, "sink");
  auto* bin_src = gst_element_get_static_pad(self->bin_, "src");
  bool linked = gst_pad_link(self->src_, bin_sink) == GST_PAD_LINK_OK && gst_pad_link(bin_src, self->sink_) == GST_PAD_LINK_OK;
  gst_object_unref(bin_sink);
  gst_object_unref(bin_src);
  if (!linked) return nullptr;
  gst_pad_set_active(self->sink_, TRUE);
  gst_pad_set_active(self->src_, TRUE);
  if (gst_element_set_state(self->bin_, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) return nullptr;
  gst_pad_push_event(self->src_, gst_event_new_stream_start("sy-rtsp"));
  return self;
}

rtp_packetizer::~rtp_packetizer() {
  if (bin_) {
    gst_element_set_state(bin_, GST_STATE_NULL);
    gst_object_unref(bin_);
  }
  if (src_) gst_object_unref(src_);
  if (sink_) gst_object_unref(sink_);
  if (rtp_caps_) gst_caps_unref(rtp_caps_);
}

bool rtp_packetizer::set_caps(GstCaps* caps) {
  bool first = !gst_pad_has_current_caps(src_);
  if (!gst_pad_push_event(src_, gst_event_new_caps(caps))) return false;
  if (first) {
    GstSegment segment;
    gst_segment_init(&segment, GST_FORMAT_TIME);
    gst_pad_push_event(src_, gst_event_new_segment(&segment));
  }
  return true;
}

GstCaps* rtp_packetizer::rtp_caps() const { return rtp_caps_ ? gst_caps_ref(rtp_caps_) : nullptr; }

void rtp_packetizer::packetize(GstBuffer* unit, std::vector<GstBuffer*>& out) {
  out_ = &out;
  gst_pad_push(src_, unit);
  out_ = nullptr;
}

GstFlowReturn rtp_packetizer::on_chain(GstPad* pad, GstObject*, GstBuffer* buffer) {
  auto* self = static_cast<rtp_packetizer*>(gst_pad_get_element_private(pad));
  if (self->out_) self->out_->push_back(buffer);
  else gst_buffer_unref(buffer);
  return GST_FLOW_OK;
}

GstFlowReturn rtp_packetizer::on_chain_list(GstPad* pad, GstObject*, GstBufferList* list) {
  auto* self = static_cast<rtp_packetizer*>(gst_pad_get_element_private(pad));
  for (guint i = 0, n = gst_buffer_list_length(list); i < n && self->out_; ++i)
    self->out_->push_back(gst_buffer_ref(gst_buffer_list_get(list, i)));
  gst_buffer_list_unref(list);
  return GST_FLOW_OK;
}

gboolean rtp_packetizer::on_event(GstPad* pad, GstObject*, GstEvent* event) {
  auto* self = static_cast<rtp_packetizer*>(gst_pad_get_element_private(pad));
  if (GST_EVENT_TYPE(event) == GST_EVENT_CAPS) {
    GstCaps* caps = nullptr;
    gst_event_parse_caps(event, &caps);
    gst_caps_replace(&self->rtp_caps_, caps);
  }
  gst_event_unref(event);
  return TRUE;
}

}  // namespace sy
