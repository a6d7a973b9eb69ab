#include "api/rtsp/rtsp_server.hpp"

#include <gst/rtsp-server/rtsp-server.h>

#include <thread>

#include "actors/stream_client.hpp"
#include "pipelines/rtsp/media_factory.hpp"

namespace sy {
namespace {

// A media opens its stream through the registry, on the RTSP client's pool thread.
stream_opener registry_opener(blocking_calls& calls, caf::actor_addr registry) {
  return [&calls, registry](const std::string& name) -> opened_stream {
    auto att = attach_stream(calls, caf::actor_cast<registry_actor>(registry), name, consumer_kind::rtsp);
    if (!att) return {nullptr, {}, error_text(att.error())};
    // The media may outlive the stream actor: it holds the actor weakly.
    auto release = [stream = att->stream.address(), id = att->held.id] {
      detach_stream(caf::actor_cast<stream_actor>(stream), id);
    };
    return {att->held.hub, release, {}};
  };
}

void on_client_connected(GstRTSPServer*, GstRTSPClient* client, gpointer) { prepare_client(client); }

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
  std::shared_ptr<const stream_opener> open;
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

rtsp_server::rtsp_server(listen_addr addr, blocking_calls& calls, const registry_actor& registry) : impl_(new impl) {
  impl_->open = std::make_shared<const stream_opener>(registry_opener(calls, registry.address()));
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

void rtsp_server::mount(const std::string& name) {
  if (port_) impl_->invoke("/" + name, make_media_factory(name, impl_->open, impl_->context));
}

void rtsp_server::unmount(const std::string& name) {
  if (port_) impl_->invoke("/" + name, nullptr);
}

}  // namespace sy
