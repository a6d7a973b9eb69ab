// GET /api, GET /api/schemes, POST /api/exit, CORS preflight.
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "api/http/http_server.hpp"
#include "api/http/http_status.hpp"
#include "pipelines/scheme_table.hpp"

namespace sy {

// The go2rtc API level Switchyard implements (Home Assistant checks 1.9.13 <= v < 2).
constexpr const char* go2rtc_api_version = "1.9.13";

void add_app_routes(httplib::Server& server, const api_context& ctx) {
  server.Get("/api", [ctx](const httplib::Request& req, httplib::Response& res) {
    rapidjson::StringBuffer buf;
    rapidjson::Writer<rapidjson::StringBuffer> w(buf);
    w.StartObject();
    w.Key("version");
    w.String(go2rtc_api_version);
    w.Key("switchyard_version");
    w.String(SWITCHYARD_VERSION);
    w.Key("config_path");
    w.String(ctx.config_path.c_str());
    w.Key("host");
    w.String(req.get_header_value("Host").c_str());
    w.Key("rtsp");
    w.StartObject();
    w.Key("listen");
    w.String(ctx.rtsp_listen.c_str());
    w.Key("default_query");
    w.String(ctx.rtsp_default_query.c_str());
    w.EndObject();
    w.EndObject();
    res.set_content(buf.GetString(), "application/json");
  });

  server.Get("/api/schemes", [](const httplib::Request&, httplib::Response& res) {
    rapidjson::StringBuffer buf;
    rapidjson::Writer<rapidjson::StringBuffer> w(buf);
    w.StartArray();
    for (auto& s : supported_schemes()) w.String(s.c_str());
    w.EndArray();
    res.set_content(buf.GetString(), "application/json");
  });

  auto exit_handler = [ctx](const httplib::Request& req, httplib::Response& res, const httplib::ContentReader&) {
    if (req.method != "POST") return send_error(res, 400, "exit: method not allowed");
    auto text = req.get_param_value("code");
    int code = 0;
    if (!text.empty()) {
      if (text.size() > 3 || text.find_first_not_of("0123456789") != std::string::npos)
        return send_error(res, 400, "exit: code must be 0..125");
      code = std::stoi(text);
    }
    if (code > 125) return send_error(res, 400, "exit: code must be 0..125");
    res.status = 200;
    if (ctx.request_exit) ctx.request_exit(code);
  };
  server.Post("/api/exit", exit_handler);
  server.Get("/api/exit", [](const httplib::Request&, httplib::Response& res) {
    send_error(res, 400, "exit: method not allowed");
  });
}

}  // namespace sy
