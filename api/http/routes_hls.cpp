// HLS (API.md, Outputs): GET /api/stream.m3u8?src=NAME[&mp4] starts a session and
// answers a master playlist pointing at hls/playlist.m3u8?id=ID; the media playlist
// lists short segments, hls/segment.ts (MPEG-TS) or hls/init.mp4 + hls/segment.m4s
// (fMP4). Every answer allows any origin (Chromecast needs it, as in go2rtc).
#include <chrono>
#include <string>

#include "api/http/hls_sessions.hpp"
#include "api/http/http_server.hpp"
#include "api/http/http_status.hpp"

namespace sy {
namespace {

using std::chrono::milliseconds;

constexpr milliseconds segment_wait{3000};  // how long a playlist or segment request waits for a segment

void allow_any_origin(httplib::Response& res) { res.set_header("Access-Control-Allow-Origin", "*"); }

void stream_m3u8(const api_context& ctx, const httplib::Request& req, httplib::Response& res) {
  allow_any_origin(res);
  if (!req.has_param("src")) return send_error(res, 400, "hls: src is required");
  auto format = req.has_param("mp4") ? hls_session::format::fmp4 : hls_session::format::ts;
  int status = 0;
  std::string error;
  auto id = ctx.hls->open(ctx, req.get_param_value("src"), format, {}, status, error);
  auto v = id.empty() ? nullptr : ctx.hls->find(id);
  if (!v && status == 404) return send_error(res, 404, error);  // go2rtc's "stream not found"
  if (!v) return send_error(res, status ? status : 503, "hls: " + (error.empty() ? "the session ended" : error));
  res.set_header("Cache-Control", "no-cache");
  res.set_content(hls_sessions::master_playlist(*v, id), "application/vnd.apple.mpegurl");
}

// The session a playlist/segment request names; nullptr after answering 404.
std::shared_ptr<hls_sessions::viewer> session_of(const api_context& ctx, const httplib::Request& req,
                                                 httplib::Response& res) {
  allow_any_origin(res);
  auto v = ctx.hls->find(req.get_param_value("id"));
  if (!v) send_error(res, 404, "hls: no such session (it ends 5 s after its last request)");
  return v;
}

void playlist(const api_context& ctx, const httplib::Request& req, httplib::Response& res) {
  auto v = session_of(ctx, req, res);
  if (!v) return;
  auto text = v->session->playlist(req.get_param_value("id"), segment_wait);
  if (text.empty()) return send_error(res, 503, "hls: no segment from the source in time");
  res.set_header("Cache-Control", "no-cache");
  res.set_content(std::move(text), "application/vnd.apple.mpegurl");
}

void segment(const api_context& ctx, const httplib::Request& req, httplib::Response& res, hls_session::format f) {
  auto v = session_of(ctx, req, res);
  if (!v) return;
  auto n = req.get_param_value("n");
  if (v->session->kind() != f) return send_error(res, 404, "hls: this session has no such segments");
  if (n.empty() || n.size() > 18 || n.find_first_not_of("0123456789") != std::string::npos)
    return send_error(res, 400, "hls: n must be a segment number");
  std::string bytes;
  if (!v->session->segment(std::stoull(n), segment_wait, bytes))
    return send_error(res, 404, "hls: segment " + n + " is gone or not made yet");
  res.set_content(std::move(bytes), f == hls_session::format::ts ? "video/mp2t" : "video/iso.segment");
}

void init_mp4(const api_context& ctx, const httplib::Request& req, httplib::Response& res) {
  auto v = session_of(ctx, req, res);
  if (!v) return;
  if (v->session->kind() != hls_session::format::fmp4) return send_error(res, 404, "hls: a TS session has no init.mp4");
  res.set_content(v->session->init(), "video/mp4");
}

}  // namespace

void add_hls_routes(httplib::Server& server, const api_context& ctx) {
  using req_t = const httplib::Request&;
  using res_t = httplib::Response&;
  server.Get("/api/stream.m3u8", [ctx](req_t req, res_t res) { stream_m3u8(ctx, req, res); });
  server.Get("/api/hls/playlist.m3u8", [ctx](req_t req, res_t res) { playlist(ctx, req, res); });
  server.Get("/api/hls/segment.ts", [ctx](req_t req, res_t res) { segment(ctx, req, res, hls_session::format::ts); });
  server.Get("/api/hls/segment.m4s",
             [ctx](req_t req, res_t res) { segment(ctx, req, res, hls_session::format::fmp4); });
  server.Get("/api/hls/init.mp4", [ctx](req_t req, res_t res) { init_mp4(ctx, req, res); });
  server.Options(R"(/api/(stream\.m3u8|hls/.*))", [](req_t, res_t res) {
    allow_any_origin(res);
    res.set_header("Access-Control-Allow-Methods", "GET");
  });
}

}  // namespace sy
