#include "api/rtsp_server.hpp"

#include <gst/rtsp-server/rtsp-server.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "actors/attach_client.hpp"
#include "actors/log.hpp"
#include "actors/track_hub.hpp"
#include "api/rtsp_keyframe_gate.hpp"
#include "pipelines/codec_table.hpp"
#include "pipelines/consumer_launch.hpp"
#include "pipelines/parse.hpp"

namespace sy {

struct rtsp_server::env {
  caf::actor_system* sys;
  caf::actor_addr registry;
  std::chrono::milliseconds attach_timeout;
};

namespace {

// One media's link to its stream: subscribes on the first need-data (appsrc pushes
// are dropped before the media starts), ends when the media's bin is freed.
struct rtsp_feed {
  attachment att;
  std::vector<GstElement*> inputs;  // not owned; index = track
  GstElement* video_payloader = nullptr;  // not owned
  std::once_flag subscribed;
  std::atomic<uint64_t> id{0};

  ~rtsp_feed() {
    auto sub = id.load();
    if (sub) att.hub->unsubscribe(sub);
    detach_stream(att.stream, sub);
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
  std::call_once(feed->subscribed, [feed] { feed->id = feed->att.hub->subscribe("rtsp", feed->inputs); });
}

}  // namespace
}  // namespace sy

// ---- GObject subclass of GstRTSPMediaFactory ----------------------------------
struct SyMediaFactory {
  GstRTSPMediaFactory parent;
  std::string* name;
  std::shared_ptr<sy::rtsp_server::env>* env;
};
struct SyMediaFactoryClass {
  GstRTSPMediaFactoryClass parent_class;
};
G_DEFINE_TYPE(SyMediaFactory, sy_media_factory, GST_TYPE_RTSP_MEDIA_FACTORY)

static GstElement* sy_media_factory_create_element(GstRTSPMediaFactory* base, const GstRTSPUrl*) {
  auto* self = reinterpret_cast<SyMediaFactory*>(base);
  auto& env = **self->env;
  auto registry = caf::actor_cast<sy::registry_actor>(env.registry);
  auto att = sy::attach_stream(*env.sys, registry, *self->name, "rtsp", env.attach_timeout);
  if (!att) {
    sy::log_line('W', "rtsp", "[stream " + *self->name + "] cannot serve: " + sy::error_text(att.error()));
    return nullptr;
  }
  auto feed = std::make_unique<sy::rtsp_feed>();
  feed->att = *att;
  auto names = att->hub->caps_names();
  auto launch = sy::rtsp_media_launch(names);
  auto parsed = launch.text.empty() ? sy::parsed_pipeline{nullptr, launch.error} : sy::parse_launch(launch.text);
  if (!parsed.element) {
    sy::log_line('W', "rtsp", "[stream " + *self->name + "] " + parsed.error);
    return nullptr;  // feed's destructor detaches
  }
  auto inputs = sy::rtsp_media_inputs(names);
  for (size_t i = 0; i < inputs.size(); ++i) {
    GstElement* src = inputs[i].empty() ? nullptr : gst_bin_get_by_name(GST_BIN(parsed.element), inputs[i].c_str());
    feed->inputs.push_back(src);
    if (!src) continue;
    if (auto* caps = att->hub->caps(int(i))) {
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
    sy::install_keyframe_gate(media, feed->video_payloader);
  gst_object_unref(element);
}

static void sy_media_factory_finalize(GObject* obj) {
  auto* self = reinterpret_cast<SyMediaFactory*>(obj);
  delete self->name;
  delete self->env;
  G_OBJECT_CLASS(sy_media_factory_parent_class)->finalize(obj);
}

static void sy_media_factory_class_init(SyMediaFactoryClass* klass) {
  GST_RTSP_MEDIA_FACTORY_CLASS(klass)->create_element = sy_media_factory_create_element;
  GST_RTSP_MEDIA_FACTORY_CLASS(klass)->configure = sy_media_factory_configure;
  G_OBJECT_CLASS(klass)->finalize = sy_media_factory_finalize;
}

static void sy_media_factory_init(SyMediaFactory* self) {
  self->name = nullptr;
  self->env = nullptr;
}

namespace sy {
namespace {

GstRTSPFilterResult close_if_on_path(GstRTSPServer*, GstRTSPClient* client, gpointer data) {
  auto* path = static_cast<const std::string*>(data);
  bool on_path = false;
  GList* sessions = gst_rtsp_client_session_filter(client, nullptr, nullptr);
  for (GList* l = sessions; l; l = l->next) {
    gint matched = 0;
    auto* sm = gst_rtsp_session_get_media(GST_RTSP_SESSION(l->data), path->c_str(), &matched);
    if (sm && size_t(matched) == path->size()) on_path = true;
  }
  g_list_free_full(sessions, g_object_unref);
  return on_path ? GST_RTSP_FILTER_REMOVE : GST_RTSP_FILTER_KEEP;
}

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
void on_client_connected(GstRTSPServer*, GstRTSPClient* client, gpointer) {
  g_signal_connect(client, "play-request", G_CALLBACK(on_play_request), nullptr);
  watch_client_plays(client);
  auto* conn = gst_rtsp_client_get_connection(client);
  if (!conn) return;
  if (auto* socket = gst_rtsp_connection_get_read_socket(conn))
    g_socket_set_option(socket, IPPROTO_TCP, TCP_NODELAY, 1, nullptr);
}

struct mount_call {
  GstRTSPServer* server;
  std::string path;
  GstRTSPMediaFactory* factory;  // nullptr: unmount
};

gboolean run_mount_call(gpointer data) {
  auto* call = static_cast<mount_call*>(data);
  auto* mounts = gst_rtsp_server_get_mount_points(call->server);
  gst_rtsp_mount_points_remove_factory(mounts, call->path.c_str());
  if (call->factory) {
    gst_rtsp_mount_points_add_factory(mounts, call->path.c_str(), call->factory);
    call->factory = nullptr;  // the mount points took it
  }
  g_object_unref(mounts);
  gst_rtsp_server_client_filter(call->server, close_if_on_path, &call->path);
  return G_SOURCE_REMOVE;
}

}  // namespace

struct rtsp_server::impl {
  GMainContext* context = g_main_context_new();
  GMainLoop* loop = g_main_loop_new(context, FALSE);
  GstRTSPServer* server = gst_rtsp_server_new();
  std::shared_ptr<env> shared_env;
  std::thread thread;
  guint source_id = 0;

  ~impl() {
    if (thread.joinable()) {
      g_main_context_invoke(context, [](gpointer l) { g_main_loop_quit(static_cast<GMainLoop*>(l)); return G_SOURCE_REMOVE; }, loop);
      thread.join();
    }
    // Close every client, then drop the server's listening source.
    gst_rtsp_server_client_filter(server, [](GstRTSPServer*, GstRTSPClient*, gpointer) { return GST_RTSP_FILTER_REMOVE; }, nullptr);
    if (source_id) {
      if (auto* src = g_main_context_find_source_by_id(context, source_id)) g_source_destroy(src);
    }
    g_object_unref(server);
    g_main_loop_unref(loop);
    g_main_context_unref(context);
  }

  void invoke(const std::string& path, GstRTSPMediaFactory* factory) {
    auto* call = new mount_call{server, path, factory};
    g_main_context_invoke_full(context, G_PRIORITY_DEFAULT, run_mount_call, call, [](gpointer p) {
      auto* c = static_cast<mount_call*>(p);
      if (c->factory) g_object_unref(c->factory);
      delete c;
    });
  }
};

rtsp_server::rtsp_server(caf::actor_system& sys, listen_addr addr, std::chrono::milliseconds attach_timeout)
    : impl_(new impl) {
  impl_->shared_env = std::make_shared<env>(env{&sys, caf::actor_addr{}, attach_timeout});
  gst_rtsp_server_set_address(impl_->server, addr.host.empty() ? "0.0.0.0" : addr.host.c_str());
  gst_rtsp_server_set_service(impl_->server, std::to_string(addr.port).c_str());
  // Each client gets a pool thread: a DESCRIBE may wait for a camera to connect.
  auto* pool = gst_rtsp_server_get_thread_pool(impl_->server);
  gst_rtsp_thread_pool_set_max_threads(pool, 128);
  g_object_unref(pool);
  g_signal_connect(impl_->server, "client-connected", G_CALLBACK(on_client_connected), nullptr);
  GError* err = nullptr;
  auto* source = gst_rtsp_server_create_source(impl_->server, nullptr, &err);
  if (!source) {
    error_ = err ? err->message : "cannot bind";
    if (err) g_error_free(err);
    return;
  }
  impl_->source_id = g_source_attach(source, impl_->context);
  g_source_unref(source);
  port_ = uint16_t(gst_rtsp_server_get_bound_port(impl_->server));
  impl_->thread = std::thread([ctx = impl_->context, loop = impl_->loop] {
    g_main_context_push_thread_default(ctx);
    g_main_loop_run(loop);
    g_main_context_pop_thread_default(ctx);
  });
}

rtsp_server::~rtsp_server() = default;

void rtsp_server::set_registry(caf::actor_addr registry) {
  impl_->shared_env->registry = std::move(registry);
}

void rtsp_server::mount(const std::string& name) {
  if (!port_) return;
  auto* factory = static_cast<SyMediaFactory*>(g_object_new(sy_media_factory_get_type(), nullptr));
  factory->name = new std::string(name);
  factory->env = new std::shared_ptr<env>(impl_->shared_env);
  auto* base = GST_RTSP_MEDIA_FACTORY(factory);
  gst_rtsp_media_factory_set_shared(base, TRUE);
  // No multicast: Switchyard never sends traffic a client did not ask for.
  gst_rtsp_media_factory_set_protocols(base, GstRTSPLowerTrans(GST_RTSP_LOWER_TRANS_UDP | GST_RTSP_LOWER_TRANS_TCP));
  impl_->invoke("/" + name, base);
}

void rtsp_server::unmount(const std::string& name) {
  if (port_) impl_->invoke("/" + name, nullptr);
}

}  // namespace sy
