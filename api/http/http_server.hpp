// The HTTP API server (cpp-httplib): go2rtc's routes on one port.
// Handlers are thin: parse -> one request to an actor -> encode (api/routes_*.cpp).
#pragma once

#include <httplib.h>

#include <memory>
#include <string>
#include <thread>

#include "api/listen_addr.hpp"
#include "api/http/api_context.hpp"
#include "api/http/connection_server.hpp"

namespace sy {

class http_server {
 public:
  http_server(api_context ctx, int threads);
  ~http_server();

  /// Binds (port 0: any free port); returns the bound port, 0 on failure.
  int bind(const listen_addr& addr);
  /// Serves on a background thread until stop().
  void start();
  void stop();

 private:
  api_context ctx_;
  connection_server server_;
  std::thread thread_;
};

// Route groups, one file each.
void add_app_routes(httplib::Server& server, const api_context& ctx);
void add_stream_routes(httplib::Server& server, const api_context& ctx);
void add_frame_routes(httplib::Server& server, const api_context& ctx);
void add_mp4_routes(httplib::Server& server, const api_context& ctx);
void add_mjpeg_routes(httplib::Server& server, const api_context& ctx);
void add_hls_routes(httplib::Server& server, const api_context& ctx);
void add_webrtc_routes(httplib::Server& server, const api_context& ctx);
void add_ws_routes(connection_server& server, const api_context& ctx);

}  // namespace sy
