// GET /api/stream.mjpeg: multipart MJPEG, one JPEG per part, from the stream's shared
// MJPEG fanout (the camera's JPEG, or H.264/H.265 encoded once per stream).
#include <chrono>
#include <memory>

#include "actors/stream_client.hpp"
#include "api/http/http_server.hpp"
#include "api/http/http_status.hpp"
#include "pipelines/mjpeg/mjpeg_fanout.hpp"

namespace sy {
namespace {

using std::chrono::milliseconds;

void stream_mjpeg(const api_context& ctx, const httplib::Request& req, httplib::Response& res) {
  if (!req.has_param("src")) return send_error(res, 400, "mjpeg: src is required");
  auto attached = attach_stream(*ctx.calls, ctx.registry, req.get_param_value("src"), consumer_kind::mjpeg);
  if (!attached) return send_attach_error(res, attached.error());
  auto att = *attached;
  std::string error, jpeg;
  uint64_t seq = 0;
  auto fanout = mjpeg_fanout::for_hub(att.held.hub, error);
  if (fanout && fanout->next(seq, jpeg, ctx.calls->timeouts().media) && jpeg.empty()) error = "no frame in time";
  if (!fanout || jpeg.empty()) {
    fanout.reset();
    detach_stream(att);
    return send_error(res, 503, "mjpeg: " + (error.empty() ? std::string("the stream ended") : error));
  }
  res.status = 200;  // no ranges in a live stream (see stream.mp4)
  res.set_header("Cache-Control", "no-cache");
  auto first = std::make_shared<std::string>(std::move(jpeg));
  res.set_chunked_content_provider(
      "multipart/x-mixed-replace; boundary=frame",
      [fanout, first, seq](size_t, httplib::DataSink& sink) mutable {
        std::string frame;
        if (!first->empty()) {
          frame.swap(*first);
        } else if (!fanout->next(seq, frame, milliseconds(1000))) {
          sink.done();
          return true;
        }
        if (frame.empty()) return true;  // nothing new yet
        auto part = "--frame\r\nContent-Type: image/jpeg\r\nContent-Length: " + std::to_string(frame.size()) + "\r\n\r\n";
        return sink.write(part.data(), part.size()) && sink.write(frame.data(), frame.size()) && sink.write("\r\n", 2);
      },
      [fanout, att](bool) mutable {
        fanout.reset();  // the last viewer ends the stream's branch
        detach_stream(att);
      });
}

}  // namespace

void add_mjpeg_routes(httplib::Server& server, const api_context& ctx) {
  server.Get("/api/stream.mjpeg",
             [ctx](const httplib::Request& req, httplib::Response& res) { stream_mjpeg(ctx, req, res); });
}

}  // namespace sy
