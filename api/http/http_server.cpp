#include "api/http/http_server.hpp"

#include <sys/socket.h>

#include <chrono>
#include <thread>

#include "api/http/elastic_pool.hpp"
#include "api/http/hls_sessions.hpp"
#include "actors/webrtc_sessions_actor.hpp"

namespace sy {

http_server::http_server(api_context ctx, int threads) : ctx_(std::move(ctx)) {
  ctx_.hls = std::make_shared<hls_sessions>();
  ctx_.webrtc = spawn_webrtc_sessions(ctx_.calls->system());
  // A request in progress or a live viewer holds a pool thread; an idle keep-alive
  // client holds none (it is parked). Threads come and go with the load (an idle
  // daemon keeps none).
  server_.new_task_queue = [this, threads] {
    auto* pool = new elastic_pool(size_t(threads), std::chrono::seconds(30));
    server_.use_pool(pool);
    return pool;
  };
  server_.set_tcp_nodelay(true);  // 40x throughput for small API replies
  server_.set_keep_alive_max_count(100000);
  server_.set_keep_alive_timeout(30);
  server_.set_payload_max_length(4 * 1024 * 1024);
  if (!ctx_.www_dir.empty()) server_.set_mount_point("/", ctx_.www_dir);  // / is index.html
  add_app_routes(server_, ctx_);
  add_stream_routes(server_, ctx_);
  add_frame_routes(server_, ctx_);
  add_mp4_routes(server_, ctx_);
  add_mjpeg_routes(server_, ctx_);
  add_hls_routes(server_, ctx_);
  add_webrtc_routes(server_, ctx_);
  add_ws_routes(server_, ctx_);
}

http_server::~http_server() { stop(); }

int http_server::bind(const listen_addr& addr) {
  auto host = addr.host.empty() ? std::string{"0.0.0.0"} : addr.host;
  int listening = -1;
  server_.set_socket_options([&listening](socket_t sock) {
    httplib::default_socket_options(sock);
    listening = sock;
  });
  int port = addr.port == 0 ? server_.bind_to_any_port(host.c_str())
                            : (server_.bind_to_port(host.c_str(), addr.port) ? addr.port : 0);
  server_.set_socket_options(httplib::default_socket_options);
  // httplib 0.11.4 listens with a backlog of 5, compiled in: of 64 clients connecting
  // at once, most wait for a SYN retry (1 s, then 3 s). Listening again on the bound
  // socket sets the system's backlog.
  if (port && listening >= 0) ::listen(listening, SOMAXCONN);
  return port;
}

void http_server::start() {
  thread_ = std::thread([this] { server_.listen_after_bind(); });
  // httplib's stop() does nothing until the listening loop has begun: a SIGTERM right
  // after start-up would leave that loop in accept() and stop() waiting for it forever.
  while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::microseconds(100));
}

void http_server::stop() {
  server_.close_all();
  if (thread_.joinable()) thread_.join();
  caf::anon_send_exit(ctx_.webrtc, caf::exit_reason::user_shutdown);  // ends every WebRTC session
}

}  // namespace sy
