// GET /api/stream.mp4 (live fragmented MP4 over chunked HTTP) and /api/frame.mp4
// (one keyframe as an MP4 with Content-Length). The handler attaches to the stream
// and subscribes an mp4_viewer; the connection's pool thread then writes fragments
// until the client leaves or `duration` runs out.
#include <algorithm>
#include <chrono>
#include <memory>

#include "actors/stream_client.hpp"
#include "api/http/http_server.hpp"
#include "api/http/http_status.hpp"
#include "pipelines/mp4/mp4_viewer.hpp"

namespace sy {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

// Attaches to `src` and opens a viewer; false after answering the error.
bool open_viewer(const api_context& ctx, const httplib::Request& req, httplib::Response& res, const char* what,
                 attachment& att, std::shared_ptr<mp4_viewer>& viewer) {
  if (!req.has_param("src")) return send_error(res, 400, std::string(what) + ": src is required"), false;
  auto attached = attach_stream(*ctx.calls, ctx.registry, req.get_param_value("src"), consumer_kind::mp4);
  if (!attached) return send_attach_error(res, attached.error()), false;
  att = *attached;
  std::string error;
  viewer = mp4_viewer::open(att.held.hub, consumer_kind::mp4, error);
  if (viewer && viewer->wait_ready(ctx.calls->timeouts().media, error)) return true;
  viewer.reset();
  detach_stream(att);
  send_error(res, 503, std::string(what) + ": " + error);
  return false;
}

// `duration` in seconds (0: none); false when present but not a number 1..86400.
bool parse_duration(const httplib::Request& req, int& seconds) {
  seconds = 0;
  if (!req.has_param("duration")) return true;
  auto text = req.get_param_value("duration");
  if (text.empty() || text.size() > 5 || text.find_first_not_of("0123456789") != std::string::npos) return false;
  seconds = std::stoi(text);
  return seconds >= 1 && seconds <= 86400;
}

void stream_mp4(const api_context& ctx, const httplib::Request& req, httplib::Response& res) {
  int duration = 0;
  if (!parse_duration(req, duration)) return send_error(res, 400, "mp4: duration must be 1..86400 seconds");
  attachment att;
  std::shared_ptr<mp4_viewer> viewer;
  if (!open_viewer(ctx, req, res, "mp4", att, viewer)) return;
  if (req.has_param("filename")) {
    auto name = req.get_param_value("filename");
    name.erase(std::remove_if(name.begin(), name.end(), [](char c) { return c == '"' || c == '\\' || c < 32; }),
               name.end());
    res.set_header("Content-Disposition", "attachment; filename=\"" + name + "\"");
  }
  res.set_header("Cache-Control", "no-cache");
  // A live stream has no ranges: browsers ask for "bytes=0-", and a 206 without
  // Content-Range (httplib's default for a ranged request) makes them refuse it.
  res.status = 200;
  auto until = duration ? steady_clock::now() + std::chrono::seconds(duration) : steady_clock::time_point::max();
  auto init = std::make_shared<std::string>(viewer->writer().init_segment());
  res.set_chunked_content_provider(
      viewer->writer().mime(),
      [viewer, init, until](size_t, httplib::DataSink& sink) {
        std::string out;
        if (!init->empty()) out.swap(*init);
        bool live = viewer->next(out, milliseconds(1000));
        if (!out.empty() && !sink.write(out.data(), out.size())) return false;  // the client left
        if (!live || steady_clock::now() >= until) sink.done();
        return true;
      },
      [viewer, att](bool) mutable {
        viewer.reset();  // unsubscribes before the stream hears we left
        detach_stream(att);
      });
}

void frame_mp4(const api_context& ctx, const httplib::Request& req, httplib::Response& res) {
  attachment att;
  std::shared_ptr<mp4_viewer> viewer;
  if (!open_viewer(ctx, req, res, "frame", att, viewer)) return;
  int track = -1;
  GstBuffer* key = viewer->keyframe(ctx.calls->timeouts().media, track);
  std::string body;
  if (key) {
    std::vector<GstCaps*> caps(size_t(track) + 1, nullptr);
    caps[size_t(track)] = att.held.hub->caps(track);
    if (auto video_only = fmp4_writer::make(caps)) body = video_only->init_segment() + video_only->fragment(track, key);
    if (caps[size_t(track)]) gst_caps_unref(caps[size_t(track)]);
    gst_buffer_unref(key);
  }
  viewer.reset();
  detach_stream(att);
  if (body.empty()) return send_error(res, 503, "frame: no H.264 keyframe from the source");
  res.set_header("Cache-Control", "no-cache");
  res.set_content(std::move(body), "video/mp4");
}

}  // namespace

void add_mp4_routes(httplib::Server& server, const api_context& ctx) {
  server.Get("/api/stream.mp4", [ctx](const httplib::Request& req, httplib::Response& res) { stream_mp4(ctx, req, res); });
  server.Get("/api/frame.mp4", [ctx](const httplib::Request& req, httplib::Response& res) { frame_mp4(ctx, req, res); });
}

}  // namespace sy
