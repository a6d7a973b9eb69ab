// GET/PUT/PATCH/DELETE /api/streams and GET/PUT/DELETE /api/preload (go2rtc's).
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "actors/stream_client.hpp"
#include "api/http/http_server.hpp"
#include "api/http/http_status.hpp"

#include "api/http/stream_json.hpp"

namespace sy {
namespace {

using reader = httplib::ContentReader;

std::vector<std::string> params(const httplib::Request& req, const char* key) {
  std::vector<std::string> out;
  auto range = req.params.equal_range(key);
  for (auto it = range.first; it != range.second; ++it) out.push_back(it->second);
  return out;
}

// The registry's sequence number lets clients (and the seed tests) order changes.
void send_ack(httplib::Response& res, const caf::expected<change_ack>& ack) {
  if (!ack && ack.error() == caf::sec::request_timeout)
    return send_error(res, 504, "timed out writing the config file; the change may have been applied");
  if (!ack) return send_error(res, ack.error());
  res.status = 200;
  res.set_header("X-Switchyard-Seq", std::to_string(ack->seq));
}

void get_streams(const api_context& ctx, const httplib::Request& req, httplib::Response& res) {
  if (!req.has_param("src")) {
    auto all = call_registry<list_snapshot>(ctx, list_rows_atom::value);
    if (!all) return send_error(res, all.error());
    res.body = streams_json(*all);  // moved, not copied: 1.5 MB at 10,000 streams
    return res.set_header("Content-Type", "application/json");
  }
  auto name = req.get_param_value("src");
  auto info = call_registry<stream_info>(ctx, caf::get_atom::value, name);
  if (!info) {
    if (error_code(info.error()) == errc::not_found) return void(res.status = 404);
    return send_error(res, info.error());
  }
  bool probe = req.has_param("video") || req.has_param("audio") || req.has_param("microphone");
  if (probe) {
    auto status = probe_stream(*ctx.calls, ctx.registry, name);
    if (!status) return send_error(res, status.error());
    info->status = std::move(*status);
  }
  res.set_content(stream_json(*info), "application/json");
}

void put_stream(const api_context& ctx, const httplib::Request& req, httplib::Response& res, origin from) {
  auto sources = params(req, "src");
  auto name = req.has_param("name") ? req.get_param_value("name") : std::string{};
  if (from == origin::patch && !req.has_param("name")) return send_error(res, 400, "streams: name is required");
  if (sources.empty()) return send_error(res, 400, "streams: src is required");
  if (name.empty() && from == origin::api) name = sources.front();
  send_ack(res, change_registry(ctx, caf::put_atom::value, put_request{name, sources, from, put_mode::upsert}));
}

void delete_stream(const api_context& ctx, const httplib::Request& req, httplib::Response& res) {
  if (!req.has_param("src")) return send_error(res, 400, "streams: src is required");
  send_ack(res, change_registry(ctx, caf::delete_atom::value, req.get_param_value("src"), origin::api));
}

void get_preload(const api_context& ctx, httplib::Response& res) {
  auto all = call_registry<list_snapshot>(ctx, list_rows_atom::value);
  if (!all) return send_error(res, all.error());
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  all->for_each([&](const list_row& s) {
    if (!s.preload) return;
    w.Key(s.name.c_str(), rapidjson::SizeType(s.name.size()));
    w.StartObject();
    w.Key("consumer");
    w.StartObject();
    w.Key("format_name");
    w.String("preload");
    w.EndObject();
    w.Key("query");
    w.String("video&audio");
    w.EndObject();
  });
  w.EndObject();
  res.set_content(buf.GetString(), "application/json");
}

void set_preload(const api_context& ctx, const httplib::Request& req, httplib::Response& res, bool on) {
  if (!req.has_param("src")) return send_error(res, 400, "preload: src is required");
  send_ack(res, change_registry(ctx, preload_atom::value, req.get_param_value("src"), on, origin::api));
}

}  // namespace

void add_stream_routes(httplib::Server& server, const api_context& ctx) {
  server.Get("/api/streams", [ctx](const httplib::Request& req, httplib::Response& res) { get_streams(ctx, req, res); });
  // Content-reader handlers run before httplib reads a body, so a PUT with no body
  // and no Content-Length (what go2rtc's clients send) is accepted.
  server.Put("/api/streams", [ctx](const httplib::Request& req, httplib::Response& res, const reader&) {
    put_stream(ctx, req, res, origin::api);
  });
  server.Patch("/api/streams", [ctx](const httplib::Request& req, httplib::Response& res, const reader&) {
    put_stream(ctx, req, res, origin::patch);
  });
  server.Delete("/api/streams", [ctx](const httplib::Request& req, httplib::Response& res, const reader&) {
    delete_stream(ctx, req, res);
  });
  server.Post("/api/streams", [](const httplib::Request&, httplib::Response& res, const reader&) {
    send_error(res, 501, "streams: push to a destination is not implemented yet");
  });
  server.Get("/api/preload", [ctx](const httplib::Request&, httplib::Response& res) { get_preload(ctx, res); });
  server.Put("/api/preload", [ctx](const httplib::Request& req, httplib::Response& res, const reader&) {
    set_preload(ctx, req, res, true);
  });
  server.Delete("/api/preload", [ctx](const httplib::Request& req, httplib::Response& res, const reader&) {
    set_preload(ctx, req, res, false);
  });
}

}  // namespace sy
