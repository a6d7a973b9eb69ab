#include "pipelines/rtsp/media_factory.hpp"

#include <gst/app/gstappsrc.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <atomic>
#include <mutex>
#include <vector>

#include "pipelines/codec_table.hpp"
#include "pipelines/hub/appsrc_sink.hpp"
#include "pipelines/log.hpp"
#include "pipelines/parse.hpp"
#include "pipelines/rtsp/keyframe_gate.hpp"
#include "pipelines/rtsp/media_launch.hpp"

namespace sy {
namespace {

// One media's link to its stream: subscribes on the first need-data (appsrc pushes
// are dropped before the media starts), ends when the media's bin is freed.
struct rtsp_feed {
  opened_stream stream;
  std::vector<GstElement*> inputs;  // not owned; index = track
  GstElement* video_payloader = nullptr;  // not owned
  std::once_flag subscribed;
  std::atomic<uint64_t> id{0};

  ~rtsp_feed() {
    if (auto sub = id.load()) stream.hub->unsubscribe(sub);
    if (stream.release) stream.release();
  }
};

// The element an appsrc feeds (its payloader); owned by the bin.
GstElement* downstream_of(GstElement* src) {
  auto* pad = gst_element_get_static_pad(src, "src");
  auto* peer = pad ? gst_pad_get_peer(pad) : nullptr;
  auto* element = peer ? gst_pad_get_parent_element(peer) : nullptr;
  if (peer) gst_object_unref(peer);
  if (pad) gst_object_unref(pad);
  if (element) gst_object_unref(element);
  return element;
}

void on_need_data(GstAppSrc*, guint, gpointer data) {
  auto* feed = static_cast<rtsp_feed*>(data);
  std::call_once(feed->subscribed,
                 [feed] { feed->id = feed->stream.hub->subscribe(consumer_kind::rtsp, make_appsrc_sink(feed->inputs)); });
}

}  // namespace
}  // namespace sy

// ---- GObject subclass of GstRTSPMediaFactory ----------------------------------
struct SyMediaFactory {
  GstRTSPMediaFactory parent;
  std::string* name;
  std::shared_ptr<const sy::stream_opener>* open;
  GMainContext* server_context;
};
struct SyMediaFactoryClass {
  GstRTSPMediaFactoryClass parent_class;
};
G_DEFINE_TYPE(SyMediaFactory, sy_media_factory, GST_TYPE_RTSP_MEDIA_FACTORY)

static GstElement* sy_media_factory_create_element(GstRTSPMediaFactory* base, const GstRTSPUrl*) {
  auto* self = reinterpret_cast<SyMediaFactory*>(base);
  auto opened = (**self->open)(*self->name);
  if (!opened.hub) {
    sy::log_line('W', "rtsp", "[stream " + *self->name + "] cannot serve: " + opened.error);
    if (opened.release) opened.release();
    return nullptr;
  }
  auto feed = std::make_unique<sy::rtsp_feed>();
  feed->stream = std::move(opened);
  auto hub = feed->stream.hub;
  auto names = hub->caps_names();
  auto launch = sy::rtsp_media_launch(names);
  auto parsed = launch.text.empty() ? sy::parsed_pipeline{nullptr, launch.error} : sy::parse_launch(launch.text);
  if (!parsed.element) {
    sy::log_line('W', "rtsp", "[stream " + *self->name + "] " + parsed.error);
    return nullptr;  // feed's destructor releases the stream
  }
  auto inputs = sy::rtsp_media_inputs(names);
  for (size_t i = 0; i < inputs.size(); ++i) {
    GstElement* src = inputs[i].empty() ? nullptr : gst_bin_get_by_name(GST_BIN(parsed.element), inputs[i].c_str());
    feed->inputs.push_back(src);
    if (!src) continue;
    if (auto* caps = hub->caps(int(i))) {
      gst_app_src_set_caps(GST_APP_SRC(src), caps);
      gst_caps_unref(caps);
    }
    g_signal_connect(src, "need-data", G_CALLBACK(sy::on_need_data), feed.get());
    auto* codec = sy::find_codec(names[i]);
    if (!feed->video_payloader && codec && std::string(codec->kind) == "video")
      feed->video_payloader = sy::downstream_of(src);
    gst_object_unref(src);  // the bin keeps it alive as long as the feed matters
  }
  g_object_set_data_full(G_OBJECT(parsed.element), "sy-feed", feed.release(),
                         [](gpointer p) { delete static_cast<sy::rtsp_feed*>(p); });
  // The factory takes the floating reference of what we return.
  g_object_force_floating(G_OBJECT(parsed.element));
  return parsed.element;
}

// A relay forwards what arrives when it arrives: the UDP sinks gst-rtsp-server adds
// would wait on the clock (its rate control covers only the TCP sink; see
// on_play_request), which turns the jitter of the source's timestamps into a constant
// added latency of up to a frame.
static void sy_element_added(GstBin*, GstBin*, GstElement* element, gpointer) {
  auto* factory = gst_element_get_factory(element);
  if (factory && std::string(GST_OBJECT_NAME(factory)) == "multiudpsink") g_object_set(element, "sync", FALSE, nullptr);
}

static void sy_media_factory_configure(GstRTSPMediaFactory* base, GstRTSPMedia* media) {
  GST_RTSP_MEDIA_FACTORY_CLASS(sy_media_factory_parent_class)->configure(base, media);
  auto* element = gst_rtsp_media_get_element(media);
  if (auto* pipeline = gst_object_get_parent(GST_OBJECT(element))) {
    g_signal_connect(pipeline, "deep-element-added", G_CALLBACK(sy_element_added), nullptr);
    gst_object_unref(pipeline);
  }
  if (auto* feed = static_cast<sy::rtsp_feed*>(g_object_get_data(G_OBJECT(element), "sy-feed")))
    sy::install_keyframe_gate(media, feed->video_payloader, reinterpret_cast<SyMediaFactory*>(base)->server_context);
  gst_object_unref(element);
}

static void sy_media_factory_finalize(GObject* obj) {
  auto* self = reinterpret_cast<SyMediaFactory*>(obj);
  delete self->name;
  delete self->open;
  if (self->server_context) g_main_context_unref(self->server_context);
  G_OBJECT_CLASS(sy_media_factory_parent_class)->finalize(obj);
}

static void sy_media_factory_class_init(SyMediaFactoryClass* klass) {
  GST_RTSP_MEDIA_FACTORY_CLASS(klass)->create_element = sy_media_factory_create_element;
  GST_RTSP_MEDIA_FACTORY_CLASS(klass)->configure = sy_media_factory_configure;
  G_OBJECT_CLASS(klass)->finalize = sy_media_factory_finalize;
}

static void sy_media_factory_init(SyMediaFactory* self) {
  self->name = nullptr;
  self->open = nullptr;
  self->server_context = nullptr;
}

namespace sy {
namespace {

// A relay forwards what arrives when it arrives. Each PLAY turns gst-rtsp-server's
// rate control on (its RTP sinks then wait on the clock, which turns every jitter of
// the source's timestamps into added latency, up to a frame); it is turned off again
// as soon as the PLAY is handled.
void on_play_request(GstRTSPClient*, GstRTSPContext* ctx, gpointer) {
  if (ctx->media) gst_rtsp_media_set_rate_control(ctx->media, FALSE);
}

// Every new client: rate control off after its PLAYs, the keyframe gate, and
// TCP_NODELAY (interleaved RTP over TCP is many small writes: Nagle's algorithm would
// hold each one back until the previous is acknowledged, tens of ms with delayed ACKs).
}  // namespace

void prepare_client(GstRTSPClient* client) {
  g_signal_connect(client, "play-request", G_CALLBACK(on_play_request), nullptr);
  watch_client_plays(client);
  auto* conn = gst_rtsp_client_get_connection(client);
  if (!conn) return;
  if (auto* socket = gst_rtsp_connection_get_read_socket(conn))
    g_socket_set_option(socket, IPPROTO_TCP, TCP_NODELAY, 1, nullptr);
}

GstRTSPMediaFactory* make_media_factory(const std::string& name, std::shared_ptr<const stream_opener> open,
                                        GMainContext* server_context) {
  auto* factory = static_cast<SyMediaFactory*>(g_object_new(sy_media_factory_get_type(), nullptr));
  factory->name = new std::string(name);
  factory->open = new std::shared_ptr<const stream_opener>(std::move(open));
  factory->server_context = g_main_context_ref(server_context);
  auto* base = GST_RTSP_MEDIA_FACTORY(factory);
  gst_rtsp_media_factory_set_shared(base, TRUE);
  // No multicast: Switchyard never sends traffic a client did not ask for.
  gst_rtsp_media_factory_set_protocols(base, GstRTSPLowerTrans(GST_RTSP_LOWER_TRANS_UDP | GST_RTSP_LOWER_TRANS_TCP));
  return base;
}

}  // namespace sy
