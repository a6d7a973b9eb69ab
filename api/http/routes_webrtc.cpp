// POST /api/webrtc?src=NAME: a WebRTC viewer, go2rtc's JSON offer/answer or WHEP
// (application/sdp: 201, Location, DELETE ends it). POST /api/webrtc?dst=NAME: a
// publisher (WHIP, the same two forms) feeding stream NAME.
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "api/http/http_server.hpp"
#include "api/http/http_status.hpp"
#include "api/http/webrtc_sessions.hpp"

namespace sy {
namespace {

bool is_sdp(const httplib::Request& req) {
  return req.get_header_value("Content-Type").rfind("application/sdp", 0) == 0 || req.body.rfind("v=", 0) == 0;
}

std::string answer_json(const std::string& sdp) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("type");
  w.String("answer");
  w.Key("sdp");
  w.String(sdp.c_str(), rapidjson::SizeType(sdp.size()));
  w.EndObject();
  return buf.GetString();
}

void post_webrtc(const api_context& ctx, const httplib::Request& req, httplib::Response& res) {
  bool publish = req.has_param("dst");
  if (!publish && !req.has_param("src")) return send_error(res, 400, "webrtc: src or dst is required");
  bool whep = is_sdp(req);
  std::string offer;
  if (whep) {
    offer = req.body;
  } else {
    rapidjson::Document doc;
    doc.Parse(req.body.c_str(), req.body.size());
    if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("sdp") || !doc["sdp"].IsString() ||
        (doc.HasMember("type") && (!doc["type"].IsString() || std::string(doc["type"].GetString()) != "offer")))
      return send_error(res, 400, "webrtc: the body must be {\"type\":\"offer\",\"sdp\":...} or an SDP offer");
    offer = doc["sdp"].GetString();
  }
  std::string answer, error;
  int status = 0;
  auto id = publish ? open_webrtc_publisher(ctx, req.get_param_value("dst"), offer, answer, status, error)
                    : open_webrtc_viewer(ctx, req.get_param_value("src"), offer, answer, status, error);
  if (id.empty()) return send_error(res, status, error);
  if (!whep) return res.set_content(answer_json(answer), "application/json");
  res.status = 201;
  res.set_header("Location", "/api/webrtc?id=" + id);
  res.set_content(answer, "application/sdp");
}

}  // namespace

void add_webrtc_routes(httplib::Server& server, const api_context& ctx) {
  server.Post("/api/webrtc", [ctx](const httplib::Request& req, httplib::Response& res) { post_webrtc(ctx, req, res); });
  server.Delete("/api/webrtc", [ctx](const httplib::Request& req, httplib::Response& res) {
    if (!req.has_param("id")) return send_error(res, 400, "webrtc: id is required");
    auto closed = close_webrtc_session(ctx, req.get_param_value("id"));
    if (!closed) return send_error(res, http_status(closed.error()), "webrtc: " + error_text(closed.error()));
    if (!*closed) return send_error(res, 404, "webrtc: no such session");
    res.status = 200;
  });
}

}  // namespace sy
