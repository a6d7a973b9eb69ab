// GET /api/ws?src=NAME: go2rtc's WebSocket API (API.md, Outputs). Text messages
// {"type": T, "value": V}; this file dispatches them. `mse`: the stream as fMP4 in
// binary messages, after the answer {"type":"mse","value":"video/mp4; codecs=..."};
// `mjpeg`: one JPEG per binary message; `hls`: an fMP4 HLS session, answered with its
// master playlist (the player fetches the rest over HTTP); `webrtc/offer` (v1, the
// SDP as value) -> `webrtc/answer`, `webrtc` (v2, Home Assistant: {type, sdp,
// ice_servers}) -> `webrtc` {type: answer, sdp}, then our candidates as
// `webrtc/candidate`; the peer's `webrtc/candidate`s go to its viewer (kept until the
// offer if they come first). A WebRTC viewer outlives the socket, as in go2rtc: it
// ends when its peer leaves (its session actor). The upgrade takes the connection over from the
// HTTP server; the session runs on that connection's pool thread until the client
// or the stream goes.
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <strings.h>

#include <chrono>
#include <memory>
#include <vector>

#include "actors/stream_client.hpp"
#include "api/http/connection_server.hpp"
#include "api/http/hls_sessions.hpp"
#include "api/http/http_server.hpp"
#include "api/http/http_status.hpp"
#include "api/http/webrtc_sessions.hpp"
#include "api/http/ws_connection.hpp"
#include "pipelines/mjpeg/mjpeg_fanout.hpp"
#include "pipelines/mp4/mp4_viewer.hpp"
#include "pipelines/webrtc/webrtc_offer.hpp"

namespace sy {
namespace {

using std::chrono::milliseconds;

std::string message(const std::string& type, const std::string& value) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w{buf};
  w.StartObject();
  w.Key("type");
  w.String(type.c_str(), rapidjson::SizeType(type.size()));
  w.Key("value");
  w.String(value.c_str(), rapidjson::SizeType(value.size()));
  w.EndObject();
  return buf.GetString();
}

class ws_session {
 public:
  ws_session(const api_context& ctx, const connection_server& server, ws_connection& ws, std::string src)
      : ctx_(ctx), server_(server), ws_(ws), src_(std::move(src)) {}
  ~ws_session() { stop_media(); }

  void run() {
    while (!server_.stopping()) {
      if (viewer_) {
        std::string out;
        bool live = viewer_->next(out, milliseconds(250));
        if (!out.empty() && !ws_.send_binary(out)) return;
        if (!live) {
          stop_media();
          ws_.send_text(message("error", "mse: the stream ended"));
        }
      }
      if (jpegs_) {
        std::string jpeg;
        bool live = jpegs_->next(jpeg_seq_, jpeg, milliseconds(250));
        if (!jpeg.empty() && !ws_.send_binary(jpeg)) return;
        if (!live) {
          stop_media();
          ws_.send_text(message("error", "mjpeg: the stream ended"));
        }
      }
      std::string text;
      auto ev = ws_.poll(viewer_ || jpegs_ ? 0 : 500, text);
      if (ev == ws_connection::event::closed) return;
      if (ev == ws_connection::event::message) on_message(text);
    }
    ws_.close(1001, "server stopping");
  }

 private:
  void on_message(const std::string& text) {
    rapidjson::Document doc;
    doc.Parse(text.c_str(), text.size());
    if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("type") || !doc["type"].IsString()) {
      ws_.send_text(message("error", "ws: a message is {\"type\": T, \"value\": V}"));
      return;
    }
    std::string type = doc["type"].GetString();
    std::string value = doc.HasMember("value") && doc["value"].IsString() ? doc["value"].GetString() : "";
    if (type == "mse") return start_mse(value);
    if (type == "mjpeg") return start_mjpeg();
    if (type == "hls") return start_hls(value);
    if (type == "webrtc/offer") return start_webrtc(type, value);
    if (type == "webrtc") {
      const auto* v = doc.HasMember("value") ? &doc["value"] : nullptr;
      if (!v || !v->IsObject() || !v->HasMember("sdp") || !(*v)["sdp"].IsString() ||
          (v->HasMember("type") && (!(*v)["type"].IsString() || std::string((*v)["type"].GetString()) != "offer")))
        return (void)ws_.send_text(message("error", "webrtc: the value must be {\"type\":\"offer\",\"sdp\":...}"));
      return start_webrtc(type, (*v)["sdp"].GetString());
    }
    if (type == "webrtc/candidate") return add_candidate(value);
    ws_.send_text(message("error", type + ": unknown message type"));
  }

  // `type`: "webrtc/offer" (v1) or "webrtc" (v2), which says how to answer.
  void start_webrtc(const std::string& type, const std::string& offer) {
    if (src_.empty()) return (void)ws_.send_text(message("error", type + ": src is required"));
    std::string answer, error;
    int status = 0;
    webrtc_id_ = open_webrtc_viewer(ctx_, src_, offer, answer, status, error);
    if (webrtc_id_.empty()) return (void)ws_.send_text(message("error", type + ": " + error));
    if (type == "webrtc/offer") {
      if (!ws_.send_text(message("webrtc/answer", answer))) return;
    } else {
      rapidjson::StringBuffer buf;
      rapidjson::Writer<rapidjson::StringBuffer> w{buf};
      w.StartObject();
      w.Key("type");
      w.String("webrtc");
      w.Key("value");
      w.StartObject();
      w.Key("type");
      w.String("answer");
      w.Key("sdp");
      w.String(answer.c_str(), rapidjson::SizeType(answer.size()));
      w.EndObject();
      w.EndObject();
      if (!ws_.send_text(buf.GetString())) return;
    }
    for (auto& c : sdp_candidates(answer))
      if (!ws_.send_text(message("webrtc/candidate", c))) return;
    for (auto& c : early_candidates_) add_webrtc_candidate(ctx_, webrtc_id_, c);
    early_candidates_.clear();
  }

  void add_candidate(const std::string& candidate) {
    if (webrtc_id_.empty()) {
      if (early_candidates_.size() < 64) early_candidates_.push_back(candidate);
      return;
    }
    auto added = add_webrtc_candidate(ctx_, webrtc_id_, candidate);
    if (!added) ws_.send_text(message("error", "webrtc/candidate: " + error_text(added.error())));
    else if (!*added) ws_.send_text(message("error", "webrtc/candidate: the session has ended"));
  }

  // Attaches to the stream for output `type`; false after sending the error.
  bool attach(const std::string& type, consumer_kind kind) {
    stop_media();
    if (src_.empty()) return ws_.send_text(message("error", type + ": src is required")), false;
    auto attached = attach_stream(*ctx_.calls, ctx_.registry, src_, kind);
    if (!attached) {
      return ws_.send_text(message("error", type + ": " + attach_error_text(attached.error()))), false;
    }
    att_ = *attached;
    attached_ = true;
    return true;
  }

  void start_mjpeg() {
    if (!attach("mjpeg", consumer_kind::mjpeg)) return;
    std::string error;
    jpegs_ = mjpeg_fanout::for_hub(att_.held.hub, error);
    jpeg_seq_ = 0;
    if (!jpegs_) {
      stop_media();
      ws_.send_text(message("error", "mjpeg: " + error));
    }
  }

  void start_mse(const std::string& codecs) {
    if (!attach("mse", consumer_kind::mse)) return;
    std::string error;
    viewer_ = mp4_viewer::open(att_.held.hub, consumer_kind::mse, error);
    if (!viewer_ || !viewer_->wait_ready(ctx_.calls->timeouts().media, error, codecs)) {
      stop_media();
      return (void)ws_.send_text(message("error", "mse: " + error));
    }
    if (!ws_.send_text(message("mse", viewer_->writer().mime()))) return;
    ws_.send_binary(viewer_->writer().init_segment());
  }

  // An HLS session lives on its own (hls_sessions), not on this connection.
  void start_hls(const std::string& codecs) {
    stop_media();
    if (src_.empty()) return (void)ws_.send_text(message("error", "hls: src is required"));
    int status = 0;
    std::string error;
    auto id = ctx_.hls->open(ctx_, src_, hls_session::format::fmp4, codecs, status, error);
    auto v = id.empty() ? nullptr : ctx_.hls->find(id);
    if (!v) return (void)ws_.send_text(message("error", "hls: " + (error.empty() ? "the session ended" : error)));
    ws_.send_text(message("hls", hls_sessions::master_playlist(*v, id)));
  }

  void stop_media() {
    viewer_.reset();  // unsubscribes before the stream hears we left
    jpegs_.reset();
    if (attached_) detach_stream(att_);
    attached_ = false;
  }

  const api_context& ctx_;
  const connection_server& server_;
  ws_connection& ws_;
  std::string src_;
  attachment att_;
  bool attached_ = false;
  std::shared_ptr<mp4_viewer> viewer_;
  std::shared_ptr<mjpeg_fanout> jpegs_;
  uint64_t jpeg_seq_ = 0;
  std::string webrtc_id_;                     // the WebRTC viewer this socket opened
  std::vector<std::string> early_candidates_;  // the peer's, sent before its offer
};

bool header_has(const httplib::Request& req, const char* name, const char* token) {
  auto v = req.get_header_value(name);
  for (auto& c : v) c = char(std::tolower(uint8_t(c)));
  return v.find(token) != std::string::npos;
}

void ws_route(const api_context& ctx, const connection_server& server, const httplib::Request& req,
              httplib::Response& res) {
  auto key = req.get_header_value("Sec-WebSocket-Key");
  if (!header_has(req, "Upgrade", "websocket") || !header_has(req, "Connection", "upgrade") || key.empty() ||
      req.get_header_value("Sec-WebSocket-Version") != "13")
    return send_error(res, 400, "ws: a WebSocket upgrade (version 13) is required");
  auto sock = connection_server::take_over();
  if (sock < 0) return send_error(res, 500, "ws: cannot take the connection over");
  ws_connection ws{sock};
  std::string answer = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                       "Sec-WebSocket-Accept: " + ws_accept_key(key) + "\r\n\r\n";
  for (size_t off = 0; off < answer.size();) {
    auto n = ::send(sock, answer.data() + off, answer.size() - off, MSG_NOSIGNAL);
    if (n <= 0) return;
    off += size_t(n);
  }
  ws_session{ctx, server, ws, req.get_param_value("src")}.run();
}

}  // namespace

void add_ws_routes(connection_server& server, const api_context& ctx) {
  server.Get("/api/ws", [ctx, &server](const httplib::Request& req, httplib::Response& res) {
    ws_route(ctx, server, req, res);
  });
}

}  // namespace sy
