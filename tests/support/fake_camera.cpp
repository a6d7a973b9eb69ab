#include "tests/support/fake_camera.hpp"

#include <atomic>

namespace sy::test {
std::string camera_launch(const camera_options& o) {
  auto x = o.size.find('x');
  std::string caps = "video/x-raw,width=" + o.size.substr(0, x) + ",height=" + o.size.substr(x + 1) +
                     ",framerate=" + std::to_string(o.fps) + "/1";
  std::string text = "( videotestsrc is-live=true pattern=ball ! " + caps +
                     " ! x264enc tune=zerolatency speed-preset=ultrafast key-int-max=" + std::to_string(o.gop) +
                     " ! rtph264pay name=pay0 pt=96 config-interval=-1";
  if (o.audio == "aac")
    text += " audiotestsrc is-live=true ! audio/x-raw,rate=16000,channels=1 ! avenc_aac ! rtpmp4gpay name=pay1 pt=97";
  else if (o.audio == "opus")
    text += " audiotestsrc is-live=true ! audio/x-raw,rate=48000,channels=1 ! opusenc ! rtpopuspay name=pay1 pt=97";
  else if (o.audio == "pcmu")
    text += " audiotestsrc is-live=true ! audio/x-raw,rate=8000,channels=1 ! mulawenc ! rtppcmupay name=pay1 pt=0";
  return text + " )";
}

fake_camera::fake_camera(camera_options opts) : opts_(std::move(opts)) {}

fake_camera::~fake_camera() { stop(); }

int fake_camera::start(int port) {
  stop();
  context_ = g_main_context_new();
  loop_ = g_main_loop_new(context_, FALSE);
  server_ = gst_rtsp_server_new();
  gst_rtsp_server_set_address(server_, "127.0.0.1");
  gst_rtsp_server_set_service(server_, std::to_string(port).c_str());
  auto* factory = gst_rtsp_media_factory_new();
  gst_rtsp_media_factory_set_launch(factory, camera_launch(opts_).c_str());
  gst_rtsp_media_factory_set_shared(factory, TRUE);
  gst_rtsp_media_factory_set_protocols(factory, GstRTSPLowerTrans(GST_RTSP_LOWER_TRANS_TCP | GST_RTSP_LOWER_TRANS_UDP));
  g_signal_connect(factory, "media-constructed", G_CALLBACK(+[](GstRTSPMediaFactory*, GstRTSPMedia*, gpointer n) {
                     static_cast<std::atomic<int>*>(n)->fetch_add(1);
                   }), &constructed_);
  g_signal_connect(server_, "client-connected", G_CALLBACK(+[](GstRTSPServer*, GstRTSPClient*, gpointer n) {
                     static_cast<std::atomic<int>*>(n)->fetch_add(1);
                   }), &clients_);
  if (!opts_.username.empty()) {
    auto* auth = gst_rtsp_auth_new();
    auto* token = gst_rtsp_token_new(GST_RTSP_TOKEN_MEDIA_FACTORY_ROLE, G_TYPE_STRING, "user", nullptr);
    auto* basic = gst_rtsp_auth_make_basic(opts_.username.c_str(), opts_.password.c_str());
    gst_rtsp_auth_add_basic(auth, basic, token);
    g_free(basic);
    gst_rtsp_auth_add_digest(auth, opts_.username.c_str(), opts_.password.c_str(), token);
    gst_rtsp_auth_set_supported_methods(auth, GstRTSPAuthMethod(GST_RTSP_AUTH_BASIC | GST_RTSP_AUTH_DIGEST));
    gst_rtsp_token_unref(token);
    gst_rtsp_server_set_auth(server_, auth);
    g_object_unref(auth);
    gst_rtsp_media_factory_add_role(factory, "user", GST_RTSP_PERM_MEDIA_FACTORY_ACCESS, G_TYPE_BOOLEAN, TRUE,
                                    GST_RTSP_PERM_MEDIA_FACTORY_CONSTRUCT, G_TYPE_BOOLEAN, TRUE, nullptr);
  }
  auto* mounts = gst_rtsp_server_get_mount_points(server_);
  gst_rtsp_mount_points_add_factory(mounts, "/stream", factory);
  g_object_unref(mounts);
  auto* source = gst_rtsp_server_create_source(server_, nullptr, nullptr);
  if (!source) return 0;
  source_id_ = g_source_attach(source, context_);
  g_source_unref(source);
  port_ = gst_rtsp_server_get_bound_port(server_);
  thread_ = std::thread([ctx = context_, loop = loop_] {
    g_main_context_push_thread_default(ctx);
    g_main_loop_run(loop);
    g_main_context_pop_thread_default(ctx);
  });
  return port_;
}

void fake_camera::stop() {
  if (!server_) return;
  g_main_context_invoke(context_, +[](gpointer l) -> gboolean {
    g_main_loop_quit(static_cast<GMainLoop*>(l));
    return G_SOURCE_REMOVE;
  }, loop_);
  if (thread_.joinable()) thread_.join();
  gst_rtsp_server_client_filter(server_, +[](GstRTSPServer*, GstRTSPClient*, gpointer) {
    return GST_RTSP_FILTER_REMOVE;
  }, nullptr);
  if (auto* src = g_main_context_find_source_by_id(context_, source_id_)) g_source_destroy(src);
  g_object_unref(server_);
  g_main_loop_unref(loop_);
  g_main_context_unref(context_);
  server_ = nullptr;
}

std::string fake_camera::url() const {
  auto cred = opts_.username.empty() ? std::string{} : opts_.username + ":" + opts_.password + "@";
  return "rtsp://" + cred + "127.0.0.1:" + std::to_string(port_) + "/stream";
}

int fake_camera::media_count() const { return constructed_.load(); }

}  // namespace sy::test
