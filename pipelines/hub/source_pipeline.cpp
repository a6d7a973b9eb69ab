#include "pipelines/hub/source_pipeline.hpp"

#include <gst/app/gstappsink.h>

#include <atomic>

#include "pipelines/codec_table.hpp"
#include "pipelines/hub/appsrc_sink.hpp"
#include "pipelines/parse.hpp"
#include "pipelines/scheme_table.hpp"

namespace sy {

struct source_pipeline::glue {
  hub_ptr hub;
  notify_fn notify;
  GstElement* pipeline = nullptr;  // not owned
  std::atomic<int> outputs_open{0};   // outputs that may still add pads
  std::atomic<int> tracks_pending{0};  // parsers whose first sample has not arrived yet
  std::atomic<bool> announced{false};
  bool pads_counted = false;  // the outputs signal no no-more-pads: outputs_open counts pads still expected

  void send(source_event::kind_t kind, std::string text = {}) { notify(source_event{kind, std::move(text)}); }
  void maybe_ready() {
    if (outputs_open.load() == 0 && tracks_pending.load() == 0 && !announced.exchange(true))
      send(source_event::tracks_ready);
  }
};

namespace {

using glue = source_pipeline::glue;

// Per-appsink bookkeeping, owned by the appsink (freed with it).
struct track_sink {
  int index;
  GstCaps* caps = nullptr;  // last caps seen, to notice changes
  ~track_sink() {
    if (caps) gst_caps_unref(caps);
  }
};

GstFlowReturn on_sample(GstAppSink* sink, gpointer data) {
  auto* g = static_cast<glue*>(data);
  auto* sample = gst_app_sink_pull_sample(sink);
  if (!sample) return GST_FLOW_EOS;
  auto* ts = static_cast<track_sink*>(g_object_get_data(G_OBJECT(sink), "sy-track"));
  auto* caps = gst_sample_get_caps(sample);
  if (caps && caps != ts->caps) {
    bool first = ts->caps == nullptr;
    gst_caps_replace(&ts->caps, caps);
    g->hub->update_caps(ts->index, caps);
    if (first) {  // the track's real caps are known: it counts as ready
      g->tracks_pending.fetch_sub(1);
      g->maybe_ready();
    }
  }
  if (auto* buf = gst_sample_get_buffer(sample)) g->hub->push(ts->index, gst_buffer_ref(buf));
  gst_sample_unref(sample);
  return GST_FLOW_OK;
}

// A parsed elementary stream: give it a track and an appsink. The track is ready
// (and readiness counted down) when its first sample brings the real caps.
void attach_track(glue* g, GstPad* pad) {
  auto* caps = gst_pad_get_current_caps(pad);
  if (!caps) caps = gst_pad_query_caps(pad, nullptr);
  auto index = g->hub->add_track(caps);
  gst_caps_unref(caps);
  auto* sink = gst_element_factory_make("appsink", nullptr);
  // sync=false: a relay forwards as soon as data arrives; async=false: a live
  // pipeline must not wait for preroll on a branch added late.
  g_object_set(sink, "sync", FALSE, "async", FALSE, "max-buffers", 200, "drop", TRUE, nullptr);
  g_object_set_data_full(G_OBJECT(sink), "sy-track", new track_sink{index},
                         [](gpointer p) { delete static_cast<track_sink*>(p); });
  GstAppSinkCallbacks cbs{};
  cbs.new_sample = on_sample;
  gst_app_sink_set_callbacks(GST_APP_SINK(sink), &cbs, g, nullptr);
  gst_bin_add(GST_BIN(g->pipeline), sink);
  gst_element_sync_state_with_parent(sink);
  auto* sinkpad = gst_element_get_static_pad(sink, "sink");
  gst_pad_link(pad, sinkpad);
  gst_object_unref(sinkpad);
  g->send(source_event::track_added, std::to_string(index));
}

// A parsebin exposed a stream. Its first pad takes over the parsebin's own pending
// count (held since it was created, so readiness cannot be announced before the
// parsebin has found out what it carries); further pads add their own.
void on_parsed_pad(GstElement* parser, GstPad* pad, gpointer data) {
  auto* g = static_cast<glue*>(data);
  if (g_object_get_data(G_OBJECT(parser), "sy-exposed")) g->tracks_pending.fetch_add(1);
  else g_object_set_data(G_OBJECT(parser), "sy-exposed", GINT_TO_POINTER(1));
  attach_track(g, pad);
}

// The RTP encoding of a source pad (e.g. "H264"), empty if it is not RTP.
std::string rtp_encoding(GstPad* pad) {
  auto* caps = gst_pad_get_current_caps(pad);
  if (!caps) caps = gst_pad_query_caps(pad, nullptr);
  std::string name;
  auto* st = gst_caps_get_structure(caps, 0);
  if (st && gst_structure_has_name(st, "application/x-rtp"))
    if (auto* enc = gst_structure_get_string(st, "encoding-name")) name = enc;
  gst_caps_unref(caps);
  return name;
}

// An output of the source produced a pad: a known RTP encoding gets its own
// depayloader (access-unit aligned, no added delay), anything else a parsebin.
void on_output_pad(GstElement*, GstPad* pad, gpointer data) {
  auto* g = static_cast<glue*>(data);
  if (GST_PAD_DIRECTION(pad) != GST_PAD_SRC) return;
  GstElement* parser = nullptr;
  bool depay = false;
  if (auto* fragment = rtp_depay_fragment(rtp_encoding(pad))) {
    auto parsed = parse_bin(fragment);
    parser = parsed.element;
    depay = parser != nullptr;
  }
  if (!parser) {
    parser = GST_ELEMENT(gst_object_ref_sink(gst_element_factory_make("parsebin", nullptr)));
    g->tracks_pending.fetch_add(1);
    g_signal_connect(parser, "pad-added", G_CALLBACK(on_parsed_pad), g);
  }
  gst_bin_add(GST_BIN(g->pipeline), parser);
  if (depay) {
    g->tracks_pending.fetch_add(1);
    auto* src = gst_element_get_static_pad(parser, "src");
    attach_track(g, src);
    gst_object_unref(src);
  }
  gst_element_sync_state_with_parent(parser);
  auto* sinkpad = gst_element_get_static_pad(parser, "sink");
  if (gst_pad_link(pad, sinkpad) != GST_PAD_LINK_OK) g->send(source_event::error, "cannot link source output");
  gst_object_unref(sinkpad);
  gst_object_unref(parser);  // the pipeline holds it
  if (g->pads_counted && g->outputs_open.load() > 0) {
    g->outputs_open.fetch_sub(1);
    g->maybe_ready();
  }
}

void on_output_done(GstElement*, gpointer data) {
  auto* g = static_cast<glue*>(data);
  g->outputs_open.fetch_sub(1);
  g->maybe_ready();
}

GstBusSyncReply on_bus(GstBus*, GstMessage* msg, gpointer data) {
  auto* g = static_cast<glue*>(data);
  if (GST_MESSAGE_TYPE(msg) == GST_MESSAGE_ERROR) {
    GError* err = nullptr;
    gchar* debug = nullptr;
    gst_message_parse_error(msg, &err, &debug);
    std::string text = std::string{GST_OBJECT_NAME(GST_MESSAGE_SRC(msg))} + ": " + err->message;
    g_error_free(err);
    g_free(debug);
    g->send(source_event::error, std::move(text));
  } else if (GST_MESSAGE_TYPE(msg) == GST_MESSAGE_EOS) {
    g->send(source_event::eos, "source ended");
  }
  return GST_BUS_DROP;
}

// Wires every element named out<N>: existing src pads now, later ones on pad-added.
// An output with pads to come holds readiness until its no-more-pads, or, when
// `expected_pads` is set (webrtcbin signals none), until that many pads came.
bool wire_outputs(glue& g, int expected_pads) {
  int found = 0;
  for (int i = 0;; ++i) {
    auto* out = gst_bin_get_by_name(GST_BIN(g.pipeline), ("out" + std::to_string(i)).c_str());
    if (!out) break;
    ++found;
    bool dynamic = false;
    for (auto* l = GST_ELEMENT_GET_CLASS(out)->padtemplates; l; l = l->next) {
      auto* tmpl = static_cast<GstPadTemplate*>(l->data);
      if (GST_PAD_TEMPLATE_DIRECTION(tmpl) == GST_PAD_SRC && GST_PAD_TEMPLATE_PRESENCE(tmpl) != GST_PAD_ALWAYS)
        dynamic = true;
    }
    if (dynamic) {
      g_signal_connect(out, "pad-added", G_CALLBACK(on_output_pad), &g);
      g.pads_counted = expected_pads > 0;
      g.outputs_open.fetch_add(g.pads_counted ? expected_pads : 1);
      if (!g.pads_counted) g_signal_connect(out, "no-more-pads", G_CALLBACK(on_output_done), &g);
    }
    for (auto* l = out->srcpads; l; l = l->next) on_output_pad(out, GST_PAD(l->data), &g);
    gst_object_unref(out);
  }
  return found > 0;
}

}  // namespace

std::unique_ptr<source_pipeline> source_pipeline::start(const std::string& url, hub_ptr hub, notify_fn notify,
                                                        std::string& error) {
  auto native = native_rtsp_url(url);
  if (!native.empty())
    return std::unique_ptr<source_pipeline>{
        new source_pipeline(std::make_unique<rtsp_reader>(native, std::move(hub), std::move(notify)))};
  return build(url, std::move(hub), std::move(notify), error, [](GstElement*, std::string&) { return true; });
}

std::unique_ptr<source_pipeline> source_pipeline::start_fed(const std::string& url, const hub_ptr& upstream,
                                                            hub_ptr hub, notify_fn notify, std::string& error) {
  uint64_t subscription = 0;
  auto feed = [&](GstElement* pipeline, std::string& why) {
    // in_video takes the upstream's first video track, in_audio its first audio one.
    auto names = upstream->caps_names();
    std::vector<GstElement*> inputs(names.size(), nullptr);
    for (const char* kind : {"video", "audio"}) {
      auto* in = gst_bin_get_by_name(GST_BIN(pipeline), (std::string{"in_"} + kind).c_str());
      if (!in) continue;
      bool video = kind[0] == 'v', found = false;
      for (size_t i = 0; i < names.size() && !found; ++i) {
        bool is_video = names[i].rfind("video/", 0) == 0 || names[i] == "image/jpeg";
        bool is_audio = names[i].rfind("audio/", 0) == 0;
        if (video ? is_video : is_audio) {
          inputs[i] = in;
          found = true;
        }
      }
      gst_object_unref(in);  // the pipeline holds it
      if (!found) {
        why = std::string{"the stream it reads has no "} + kind + " track";
        return false;
      }
    }
    subscription = upstream->subscribe(consumer_kind::relay, make_appsrc_sink(inputs));
    if (!subscription) why = "the stream it reads is closing";
    return subscription != 0;
  };
  auto self = build(url, std::move(hub), std::move(notify), error, feed);
  if (self) {
    self->upstream_ = upstream;
    self->subscription_ = subscription;
  } else if (subscription) {
    upstream->unsubscribe(subscription);
  }
  return self;
}

std::unique_ptr<source_pipeline> source_pipeline::build(const std::string& url, hub_ptr hub, notify_fn notify,
                                                        std::string& error,
                                                        const std::function<bool(GstElement*, std::string&)>& feed) {
  auto launch = source_launch(url);
  if (launch.text.empty()) {
    error = launch.error;
    return nullptr;
  }
  auto parsed = parse_launch(launch.text);
  if (!parsed.element) {
    error = parsed.error;
    return nullptr;
  }
  return run(parsed.element, std::move(hub), std::move(notify), 0, error, feed);
}

std::unique_ptr<source_pipeline> source_pipeline::adopt(GstElement* element, hub_ptr hub, notify_fn notify,
                                                        int expected_pads, std::string& error) {
  return run(element, std::move(hub), std::move(notify), expected_pads, error,
             [](GstElement*, std::string&) { return true; });
}

std::unique_ptr<source_pipeline> source_pipeline::run(GstElement* element, hub_ptr hub, notify_fn notify,
                                                      int expected_pads, std::string& error,
                                                      const std::function<bool(GstElement*, std::string&)>& feed) {
  GstElement* pipeline = element;
  if (!GST_IS_PIPELINE(pipeline)) {  // a single element, e.g. rtspsrc
    pipeline = gst_pipeline_new(nullptr);
    gst_object_ref_sink(pipeline);
    gst_bin_add(GST_BIN(pipeline), element);  // takes the floating... sunk ref: keep ours
    gst_object_unref(element);
  }
  auto g = std::make_shared<glue>();
  g->hub = std::move(hub);
  g->notify = std::move(notify);
  g->pipeline = pipeline;
  g->hub->begin_epoch();
  auto* bus = gst_element_get_bus(pipeline);
  gst_bus_set_sync_handler(bus, on_bus, g.get(), nullptr);
  gst_object_unref(bus);
  std::unique_ptr<source_pipeline> self{new source_pipeline(pipeline, g)};
  if (!wire_outputs(*g, expected_pads)) {
    error = "source pipeline has no output";
    return nullptr;
  }
  if (gst_element_set_state(pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) {
    error = "source pipeline refused to start";
    return nullptr;
  }
  if (!feed(pipeline, error)) return nullptr;
  g->maybe_ready();
  return self;
}

source_pipeline::source_pipeline(GstElement* pipeline, std::shared_ptr<glue> g)
    : pipeline_(pipeline), glue_(std::move(g)) {}

source_pipeline::source_pipeline(std::unique_ptr<rtsp_reader> reader) : reader_(std::move(reader)) {}

source_pipeline::~source_pipeline() {
  if (reader_) return;  // its destructor stops and joins it
  if (subscription_) upstream_->unsubscribe(subscription_);  // nothing is pushed into the appsrcs after this
  gst_element_set_state(pipeline_, GST_STATE_NULL);
  auto* bus = gst_element_get_bus(pipeline_);
  gst_bus_set_sync_handler(bus, nullptr, nullptr, nullptr);
  gst_object_unref(bus);
  gst_object_unref(pipeline_);
  glue_.reset();  // after NULL: no callback can still run
}

}  // namespace sy
