#include "tests/support/fake_camera.hpp"

#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <atomic>
#include <chrono>

namespace sy::test {
namespace {

// Splits an H.264 byte-stream file into access units (no encoding at serve time).
std::vector<GstBuffer*> load_clip(const std::string& path) {
  std::vector<GstBuffer*> units;
  auto text = "filesrc location=\"" + path + "\" ! h264parse ! video/x-h264,stream-format=byte-stream,alignment=au ! "
              "appsink name=out sync=false";
  auto* pipeline = gst_parse_launch(text.c_str(), nullptr);
  if (!pipeline) return units;
  auto* sink = gst_bin_get_by_name(GST_BIN(pipeline), "out");
  gst_element_set_state(pipeline, GST_STATE_PLAYING);
  while (auto* sample = gst_app_sink_pull_sample(GST_APP_SINK(sink))) {
    units.push_back(gst_buffer_ref(gst_sample_get_buffer(sample)));
    gst_sample_unref(sample);
  }
  gst_element_set_state(pipeline, GST_STATE_NULL);
  gst_object_unref(sink);
  gst_object_unref(pipeline);
  return units;
}

struct clip_feeder {
  std::vector<GstBuffer*>* units;
  int fps;
  GstElement* src;
  std::atomic<bool> stop{false};
  std::thread thread;
};

// Pushes the clip's units at the camera's frame rate, looping, until the media goes.
void start_feeder(GstRTSPMedia* media, std::vector<GstBuffer*>* units, int fps) {
  auto* element = gst_rtsp_media_get_element(media);
  auto* feeder = new clip_feeder{units, fps, gst_bin_get_by_name(GST_BIN(element), "clip"), {}, {}};
  gst_object_unref(element);
  feeder->thread = std::thread([feeder] {
    auto period = std::chrono::microseconds(1000000 / feeder->fps);
    auto next = std::chrono::steady_clock::now();
    for (size_t i = 0; !feeder->stop.load(); ++i) {
      auto* buf = gst_buffer_copy((*feeder->units)[i % feeder->units->size()]);
      GST_BUFFER_PTS(buf) = GST_BUFFER_DTS(buf) = GST_CLOCK_TIME_NONE;  // do-timestamp
      gst_app_src_push_buffer(GST_APP_SRC(feeder->src), buf);
      next += period;
      std::this_thread::sleep_until(next);
    }
  });
  g_object_set_data_full(G_OBJECT(media), "clip-feeder", feeder, [](gpointer p) {
    auto* f = static_cast<clip_feeder*>(p);
    f->stop = true;
    f->thread.join();
    gst_object_unref(f->src);
    delete f;
  });
}

}  // namespace

std::string camera_launch(const camera_options& o) {
  if (!o.clip.empty())
    return "( appsrc name=clip is-live=true format=time do-timestamp=true "
           "caps=\"video/x-h264,stream-format=byte-stream,alignment=au\" ! h264parse ! "
           "rtph264pay name=pay0 pt=96 config-interval=-1 )";
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

fake_camera::~fake_camera() {
  stop();
  for (auto* b : clip_units_) gst_buffer_unref(b);
}

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
  if (!opts_.clip.empty()) {
    if (clip_units_.empty()) clip_units_ = load_clip(opts_.clip);
    if (clip_units_.empty()) return 0;
    g_object_set_data(G_OBJECT(factory), "fps", GINT_TO_POINTER(opts_.fps));
    g_signal_connect(factory, "media-configure", G_CALLBACK(+[](GstRTSPMediaFactory* f, GstRTSPMedia* m, gpointer u) {
                       start_feeder(m, static_cast<std::vector<GstBuffer*>*>(u),
                                    GPOINTER_TO_INT(g_object_get_data(G_OBJECT(f), "fps")));
                     }), &clip_units_);
  }
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
  // Like an IP camera's RTSP server: no Nagle delay on interleaved RTP.
  g_signal_connect(server_, "client-connected", G_CALLBACK(+[](GstRTSPServer*, GstRTSPClient* client, gpointer) {
    if (auto* conn = gst_rtsp_client_get_connection(client))
      g_socket_set_option(gst_rtsp_connection_get_read_socket(conn), IPPROTO_TCP, TCP_NODELAY, 1, nullptr);
  }), nullptr);
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
