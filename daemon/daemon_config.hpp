// The daemon's configuration: go2rtc's YAML layout (API.md) plus Switchyard's own
// `switchyard:` section. Parsing only; the composition root (daemon/main.cpp) applies it.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "actors/settings.hpp"
#include "api/listen_addr.hpp"
#include "pipelines/webrtc/ice_config.hpp"

namespace sy {

struct daemon_config {
  listen_addr api{"", 1984};
  listen_addr rtsp{"", 8554};
  listen_addr webrtc{"", 8555};   // the first port of the sessions' range; port 0 or "": any port
  int webrtc_ports = 100;         // switchyard.webrtc_ports: the range's size (one port per session)
  ice_config ice;                 // webrtc.candidates and ice_servers (ports and host: see webrtc_ice())
  std::string stun_candidate;     // a go2rtc "stun:PORT" entry of webrtc.candidates, if any
  listen_addr ctl{"127.0.0.1", 1985};  // yardctl (CAF middleman); loopback by default
  bool ctl_enabled = true;
  std::string log_level = "info";
  std::string rtsp_default_query = "video&audio";
  stream_settings stream;
  int http_threads = 1024;  // at most, made on demand: each request in progress and each live viewer holds one
  std::vector<std::pair<std::string, std::vector<std::string>>> streams;  // file order
  std::vector<std::string> preload;
  std::string config_path;  // the first file: where API changes are persisted
  std::string first_document;  // its text as loaded, with its journal replayed
  std::string journal_note;    // what replaying the journal did, if anything
};

/// go2rtc's built-in default when no -c is given: a demo test pattern.
extern const char* const embedded_default_config;

/// Loads and merges the files (later files override earlier keys; streams are
/// merged by name). An empty list loads the embedded default. Returns an error
/// text, empty on success; `out` is then complete.
std::string load_config(const std::vector<std::string>& paths, daemon_config& out);

/// What the daemon logs as warnings at start: settings taken, but that cannot do
/// what the file may mean (a "stun:" candidate with no STUN server to ask).
std::vector<std::string> config_warnings(const daemon_config& cfg);

/// The WebRTC sessions' ICE settings: webrtc.listen's host and port range, with
/// the candidates and servers of `ice`.
ice_config webrtc_ice(const daemon_config& cfg);

/// Parses one YAML document into `out` (merging). Empty error on success.
std::string apply_config_text(const std::string& text, daemon_config& out);

}  // namespace sy
