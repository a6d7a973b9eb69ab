// GET /api/frame.jpeg: one JPEG decoded from the live stream.
#include "actors/stream_client.hpp"
#include "api/http/http_server.hpp"
#include "api/http/http_status.hpp"
#include "pipelines/snapshot/snapshot.hpp"

namespace sy {
namespace {

// width/w, height/h: 0 when absent; false when present but not 1..7680.
bool dimension(const httplib::Request& req, const char* long_key, const char* short_key, unsigned& out) {
  auto text = req.has_param(long_key) ? req.get_param_value(long_key) : req.get_param_value(short_key);
  out = 0;
  if (text.empty()) return true;
  if (text.size() > 4 || text.find_first_not_of("0123456789") != std::string::npos) return false;
  out = unsigned(std::stoul(text));
  return out >= 1 && out <= 7680;
}

void frame_jpeg(const api_context& ctx, const httplib::Request& req, httplib::Response& res) {
  if (!req.has_param("src")) return send_error(res, 400, "frame: src is required");
  snapshot_size size;
  if (!dimension(req, "width", "w", size.width) || !dimension(req, "height", "h", size.height))
    return send_error(res, 400, "frame: width and height must be 1..7680");
  auto att = attach_stream(*ctx.calls, ctx.registry, req.get_param_value("src"), consumer_kind::snapshot);
  if (!att) return send_attach_error(res, att.error());
  auto shot = take_snapshot(att->held.hub, size, ctx.calls->timeouts().media);
  detach_stream(*att);
  if (shot.jpeg.empty()) return send_error(res, 503, shot.error);
  res.set_header("Cache-Control", "no-cache");
  res.set_content(std::move(shot.jpeg), "image/jpeg");
}

}  // namespace

void add_frame_routes(httplib::Server& server, const api_context& ctx) {
  server.Get("/api/frame.jpeg", [ctx](const httplib::Request& req, httplib::Response& res) { frame_jpeg(ctx, req, res); });
}

}  // namespace sy
