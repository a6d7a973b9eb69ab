// Composition root of the switchyard daemon: config, spawn order, ordered shutdown.
//
// Start: config -> GStreamer -> actor system -> config writer -> registry -> outputs
// (RTSP server + its mounts actor, which follows the registry's stream events) ->
// config streams -> yardctl endpoint -> HTTP API.
// Stop (SIGINT/SIGTERM or POST /api/exit): HTTP first (no new requests), then the
// registry (which kills every stream: viewers get EOS, pipelines go to NULL on
// detached actors), the outputs and the writer; drop every handle; wait for all
// actors; the RTSP server goes with its last reference.
#include <gst/gst.h>
#include <signal.h>
#include <malloc.h>
#include <unistd.h>

#include <atomic>
#include <climits>
#include <cstdlib>
#include <iostream>

#include "actors/blocking_calls.hpp"
#include "actors/config_writer_actor.hpp"
#include "actors/registry_actor.hpp"
#include "actors/rtsp_mounts_actor.hpp"
#include "actors/system_config.hpp"
#include "api/http/http_server.hpp"
#include "api/rtsp/rtsp_server.hpp"
#include "daemon/daemon_config.hpp"
#include "pipelines/log.hpp"

namespace {

std::atomic<int> exit_code{0};

struct args {
  std::vector<std::string> configs;
  bool ok = true;
};

args parse_args(int argc, char** argv) {
  args a;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if ((arg == "-c" || arg == "--config") && i + 1 < argc) {
      a.configs.push_back(argv[++i]);
    } else if (arg == "-v" || arg == "--version") {
      std::cout << "switchyard " << SWITCHYARD_VERSION << "\n";
      std::exit(0);
    } else {
      std::cerr << "usage: switchyard [-c config.yaml]... [--version]\n";
      a.ok = false;
    }
  }
  return a;
}

std::string absolute(const std::string& path) {
  if (path.empty() || path[0] == '/') return path;
  char cwd[PATH_MAX];
  return getcwd(cwd, sizeof cwd) ? std::string(cwd) + "/" + path : path;
}

std::string listen_text(const sy::listen_addr& addr, int port) {
  return addr.host + ":" + std::to_string(port);
}

// Hands the config file's streams and preloads to the registry in one message and
// waits for its answer (naming the ones it refused).
void load_streams(sy::blocking_calls& calls, const sy::registry_actor& registry, sy::daemon_config& cfg) {
  if (cfg.streams.empty() && cfg.preload.empty()) return;
  std::vector<sy::put_request> puts;
  puts.reserve(cfg.streams.size());
  for (auto& [name, sources] : cfg.streams)
    puts.push_back(sy::put_request{name, std::move(sources), sy::origin::config, sy::put_mode::upsert});
  cfg.streams = {};  // the registry has them now
  // Checking a source costs microseconds; a minute covers any config file.
  auto refused = calls.call<std::vector<std::string>>(registry, std::chrono::minutes(1), sy::load_atom::value,
                                                      std::move(puts), std::move(cfg.preload));
  cfg.preload = {};
  if (!refused) return sy::log_line('E', "streams", "loading the config's streams failed: " + sy::error_text(refused.error()));
  for (auto& line : *refused) sy::log_line('E', "streams", line);
}

// The web page's files: $SWITCHYARD_WWW, else installed next to the binary
// (<prefix>/share/switchyard/www), else the source tree's www/ (a build tree).
std::string find_www_dir() {
  auto is_dir = [](const std::string& p) { return !p.empty() && access((p + "/index.html").c_str(), R_OK) == 0; };
  if (const char* env = std::getenv("SWITCHYARD_WWW"); env && is_dir(env)) return env;
  char exe[PATH_MAX] = {0};
  if (readlink("/proc/self/exe", exe, sizeof exe - 1) > 0) {
    std::string dir = exe;
    dir = dir.substr(0, dir.rfind('/'));
    if (is_dir(dir + "/../share/switchyard/www")) return dir + "/../share/switchyard/www";
  }
  if (is_dir(SWITCHYARD_SOURCE_WWW)) return SWITCHYARD_SOURCE_WWW;
  sy::log_line('W', "api", "no web page files found: / answers 404");
  return {};
}

int run(sy::daemon_config cfg, bool embedded) {
  sy::system_config caf_cfg;
  caf::actor_system sys{caf_cfg};

  sy::blocking_calls calls{sys, sy::call_timeouts::for_streams(cfg.stream)};

  sy::config_writer_actor writer;
  if (!cfg.config_path.empty()) writer = sy::spawn_config_writer(sys, cfg.config_path, std::move(cfg.first_document));
  auto registry = sy::spawn_registry(sys, {cfg.stream, writer});

  auto rtsp = std::make_shared<sy::rtsp_server>(cfg.rtsp, calls, registry);
  auto rtsp_port = rtsp->port();
  sy::stream_listener rtsp_mounts;
  if (rtsp_port) rtsp_mounts = sy::spawn_rtsp_mounts(sys, rtsp, registry);
  auto rtsp_error = rtsp->error();
  rtsp.reset();  // the mounts actor owns it now
  auto shutdown_actors = [&] {
    caf::anon_send_exit(registry, caf::exit_reason::user_shutdown);
    if (rtsp_mounts) caf::anon_send_exit(rtsp_mounts, caf::exit_reason::user_shutdown);
    if (writer) caf::anon_send_exit(writer, caf::exit_reason::user_shutdown);
    registry = nullptr;
    rtsp_mounts = nullptr;
    writer = nullptr;
    calls.close();
    sys.await_all_actors_done();
  };
  if (!rtsp_port) {
    sy::log_line('E', "rtsp", "listen " + listen_text(cfg.rtsp, cfg.rtsp.port) + " failed: " + rtsp_error);
    shutdown_actors();
    return 1;
  }
  load_streams(calls, registry, cfg);
  malloc_trim(0);  // parsing a large config leaves megabytes of freed YAML nodes in the heap

  if (cfg.ctl_enabled) {
    auto port = sys.middleman().publish(registry, cfg.ctl.port, cfg.ctl.host.c_str(), true);
    if (!port) {
      sy::log_line('E', "ctl", "listen " + listen_text(cfg.ctl, cfg.ctl.port) + " failed: " + caf::to_string(port.error()));
      shutdown_actors();
      return 1;
    }
    sy::log_line('I', "ctl", "listen addr=" + listen_text(cfg.ctl, *port));
  }

  sy::api_context ctx;
  ctx.calls = &calls;
  ctx.registry = registry;
  ctx.config_path = cfg.config_path;
  ctx.rtsp_listen = listen_text(cfg.rtsp, rtsp_port);
  ctx.rtsp_default_query = cfg.rtsp_default_query;
  ctx.www_dir = find_www_dir();
  ctx.ice = sy::webrtc_ice(cfg);
  ctx.request_exit = [](int code) {
    exit_code = code;
    kill(getpid(), SIGTERM);
  };
  auto http = std::make_unique<sy::http_server>(ctx, cfg.http_threads);
  ctx.registry = nullptr;
  int api_port = http->bind(cfg.api);
  if (api_port <= 0) {
    sy::log_line('E', "api", "listen " + listen_text(cfg.api, cfg.api.port) + " failed");
    http.reset();
    shutdown_actors();
    return 1;
  }
  http->start();
  sy::log_line('I', "api", "listen addr=" + listen_text(cfg.api, api_port));
  sy::log_line('I', "rtsp", "listen addr=" + listen_text(cfg.rtsp, rtsp_port));
  sy::log_line('I', "webrtc", "listen addr=" + listen_text(cfg.webrtc, cfg.webrtc.port) + " ports=" +
                                  (ctx.ice.min_port ? std::to_string(ctx.ice.min_port) + "-" +
                                                          std::to_string(ctx.ice.max_port) + " (one per session)"
                                                    : std::string{"any"}));
  if (embedded) {
    sy::log_line('I', "app", "demo stream: rtsp://127.0.0.1:" + std::to_string(rtsp_port) + "/demo");
    sy::log_line('I', "app", "snapshot:    http://127.0.0.1:" + std::to_string(api_port) + "/api/frame.jpeg?src=demo");
    sy::log_line('I', "app", "in a browser: http://127.0.0.1:" + std::to_string(api_port) + "/api/stream.mp4?src=demo");
    sy::log_line('I', "app", "streams:     http://127.0.0.1:" + std::to_string(api_port) + "/api/streams");
  }

  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  int sig = 0;
  sigwait(&set, &sig);
  sy::log_line('I', "app", std::string{"shutting down ("} + (sig == SIGINT ? "SIGINT" : "SIGTERM") + ")");

  http.reset();  // no request can reach an actor from here on
  shutdown_actors();
  return exit_code.load();
}

}  // namespace

int main(int argc, char** argv) {
  // GLib 2.74's slice allocator (GstBuffer, GstMemory...) costs a watched stream ~15 %
  // of its CPU against plain malloc, which GLib itself uses from 2.76 on. First, before
  // anything allocates through it; a user's own G_SLICE wins.
  g_setenv("G_SLICE", "always-malloc", FALSE);
  auto a = parse_args(argc, argv);
  if (!a.ok) return 2;
  // Block the stop signals before any thread starts: main waits for them.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  signal(SIGPIPE, SIG_IGN);

  sy::daemon_config cfg;
  auto err = sy::load_config(a.configs, cfg);
  if (!err.empty()) {
    sy::log_line('E', "config", err);
    return 1;
  }
  cfg.config_path = absolute(cfg.config_path);
  sy::set_log_level(cfg.log_level);
  gst_init(nullptr, nullptr);
  sy::log_line('I', "app", std::string{"switchyard "} + SWITCHYARD_VERSION +
                               (a.configs.empty() ? " (embedded default config)" : " config=" + cfg.config_path));
  if (!cfg.journal_note.empty()) sy::log_line('I', "config", "journal: " + cfg.journal_note);
  for (auto& warning : sy::config_warnings(cfg)) sy::log_line('W', "config", warning);
  auto code = run(std::move(cfg), a.configs.empty());
  gst_deinit();
  return code;
}
