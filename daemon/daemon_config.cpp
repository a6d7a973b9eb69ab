#include "daemon/daemon_config.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <unordered_map>

#include <fstream>
#include <sstream>

#include "actors/config/config_journal.hpp"

namespace sy {

const char* const embedded_default_config =
    "api:\n  listen: \":1984\"\n"
    "rtsp:\n  listen: \":8554\"\n"
    "streams:\n  demo: \"test:?size=1280x720&fps=25\"\n";

namespace {

std::string scalar(const YAML::Node& n, const std::string& fallback) {
  return n && n.IsScalar() ? n.as<std::string>() : fallback;
}

// "10s", "500ms", "2m" or a bare number of seconds.
bool parse_duration(const std::string& text, std::chrono::milliseconds& out) {
  try {
    size_t used = 0;
    double v = std::stod(text, &used);
    auto unit = text.substr(used);
    double ms = unit == "ms" ? v : unit == "m" ? v * 60000 : (unit.empty() || unit == "s") ? v * 1000 : -1;
    if (ms < 0) return false;
    out = std::chrono::milliseconds(static_cast<int64_t>(ms));
    return true;
  } catch (...) {
    return false;
  }
}

std::string apply_settings(const YAML::Node& sy, daemon_config& out) {
  if (!sy) return {};
  if (!sy.IsMap()) return "switchyard: must be a map";
  struct { const char* key; std::chrono::milliseconds* field; } durations[] = {
      {"linger", &out.stream.linger},           {"start_timeout", &out.stream.start_timeout},
      {"backoff_min", &out.stream.backoff_min}, {"backoff_max", &out.stream.backoff_max},
      {"stall_timeout", &out.stream.stall_timeout},
  };
  for (auto& d : durations)
    if (sy[d.key] && !parse_duration(scalar(sy[d.key], ""), *d.field))
      return std::string{"switchyard."} + d.key + ": not a duration";
  if (sy["ctl_listen"]) {
    auto v = scalar(sy["ctl_listen"], "");
    out.ctl_enabled = !v.empty();
    if (out.ctl_enabled) {
      auto err = parse_listen(v, out.ctl);
      if (!err.empty()) return "switchyard.ctl_listen: " + err;
    }
  }
  if (sy["http_threads"]) out.http_threads = sy["http_threads"].as<int>();
  if (sy["webrtc_ports"]) {
    out.webrtc_ports = sy["webrtc_ports"].as<int>();
    if (out.webrtc_ports < 1 || out.webrtc_ports > 10000) return "switchyard.webrtc_ports: must be 1 to 10000";
  }
  return {};
}

// go2rtc's webrtc: section. listen: "" means any port (as go2rtc, which then has no
// fixed port either).
std::string apply_webrtc(const YAML::Node& w, daemon_config& out) {
  if (!w || w.IsNull()) return {};
  if (!w.IsMap()) return "webrtc: must be a map";
  if (auto listen = w["listen"]; listen && !listen.IsNull()) {
    auto text = scalar(listen, "");
    if (text.empty()) {
      out.webrtc = {"", 0};
    } else if (auto err = parse_listen(text, out.webrtc); !err.empty()) {
      return "webrtc.listen: " + err;
    }
  }
  if (auto c = w["candidates"]; c && !c.IsNull()) {
    if (!c.IsSequence()) return "webrtc.candidates: must be a list";
    out.ice.candidates.clear();
    out.stun_candidate.clear();
    for (auto x : c) {
      auto text = scalar(x, "");
      // "ADDRESS[:PORT]": each session announces its own port. go2rtc's "stun:PORT"
      // (Frigate's docs have it): the address a STUN server sees, which webrtcbin
      // announces itself (server-reflexive candidates) when webrtc.ice_servers has one.
      if (text.rfind("stun:", 0) == 0) {
        out.stun_candidate = text;
        continue;
      }
      auto colon = text.rfind(':');
      if (colon != std::string::npos && text.find(':') == colon) text.erase(colon);  // IPv4 or name with a port
      if (text.size() > 2 && text.front() == '[') text = text.substr(1, text.find(']') - 1);  // [IPv6]:port
      if (text.empty()) return "webrtc.candidates: an entry is empty";
      out.ice.candidates.push_back(text);
    }
  }
  if (auto servers = w["ice_servers"]; servers && !servers.IsNull()) {
    if (!servers.IsSequence()) return "webrtc.ice_servers: must be a list";
    out.ice.stun_server.clear();
    out.ice.turn_servers.clear();
    for (auto server : servers) {
      if (!server.IsMap()) return "webrtc.ice_servers: each entry must be a map with urls";
      std::vector<std::string> urls;
      if (server["urls"] && server["urls"].IsSequence())
        for (auto u : server["urls"]) urls.push_back(scalar(u, ""));
      else if (server["urls"]) urls.push_back(scalar(server["urls"], ""));
      for (auto& url : urls) {
        std::string error;
        auto made = ice_server_url(url, scalar(server["username"], ""), scalar(server["credential"], ""), error);
        if (made.empty()) return error;
        if (made.rfind("stun://", 0) != 0) out.ice.turn_servers.push_back(made);
        else if (out.ice.stun_server.empty()) out.ice.stun_server = made;  // webrtcbin takes one
      }
    }
  }
  return {};
}

}  // namespace

std::string apply_config_text(const std::string& text, daemon_config& out) {
  YAML::Node doc;
  try {
    doc = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    return std::string{"yaml: "} + e.what();
  }
  if (doc.IsNull()) return {};
  if (!doc.IsMap()) return "config: top level must be a map";
  const YAML::Node& cdoc = doc;  // lookups must not insert what they look for
  try {
    struct { const char* section; listen_addr* addr; } listens[] = {{"api", &out.api}, {"rtsp", &out.rtsp}};
    for (auto& l : listens) {
      // A section or key that is absent (or empty) keeps the default.
      auto listen = cdoc[l.section] ? cdoc[l.section]["listen"] : YAML::Node{};
      if (!listen || listen.IsNull()) continue;
      auto err = parse_listen(scalar(listen, ""), *l.addr);
      if (!err.empty()) return std::string{l.section} + ".listen: " + err;
    }
    if (cdoc["rtsp"] && cdoc["rtsp"]["default_query"]) out.rtsp_default_query = scalar(cdoc["rtsp"]["default_query"], "");
    if (cdoc["log"] && cdoc["log"]["level"]) out.log_level = scalar(cdoc["log"]["level"], "info");
    if (auto err = apply_settings(cdoc["switchyard"], out); !err.empty()) return err;
    if (auto err = apply_webrtc(cdoc["webrtc"], out); !err.empty()) return err;
    if (auto streams = cdoc["streams"]) {
      if (!streams.IsMap() && !streams.IsNull()) return "streams: must be a map";
      std::unordered_map<std::string, size_t> index;  // merging by name stays linear at 10k streams
      for (size_t i = 0; i < out.streams.size(); ++i) index.emplace(out.streams[i].first, i);
      for (auto kv : streams) {
        auto name = kv.first.as<std::string>();
        std::vector<std::string> sources;
        if (kv.second.IsSequence()) {
          for (auto s : kv.second) sources.push_back(s.as<std::string>());
        } else if (kv.second.IsScalar()) {
          sources.push_back(kv.second.as<std::string>());
        }  // a null stream (name only) has no source: kept out, as go2rtc does
        if (sources.empty()) continue;
        auto known = index.find(name);
        if (known != index.end()) {
          out.streams[known->second].second = sources;
        } else {
          index.emplace(name, out.streams.size());
          out.streams.emplace_back(name, sources);
        }
      }
    }
    if (auto preload = cdoc["preload"]; preload && preload.IsMap())
      for (auto kv : preload) out.preload.push_back(kv.first.as<std::string>());
  } catch (const YAML::Exception& e) {
    return std::string{"config: "} + e.what();
  }
  return {};
}

ice_config webrtc_ice(const daemon_config& cfg) {
  auto ice = cfg.ice;
  bool any_host = cfg.webrtc.host.empty() || cfg.webrtc.host == "0.0.0.0" || cfg.webrtc.host == "::";
  ice.host = any_host ? std::string{} : cfg.webrtc.host;
  if (cfg.webrtc.port > 0) {
    ice.min_port = uint16_t(cfg.webrtc.port);
    ice.max_port = uint16_t(std::min(65535, cfg.webrtc.port + cfg.webrtc_ports - 1));
  }
  return ice;
}

std::vector<std::string> config_warnings(const daemon_config& cfg) {
  std::vector<std::string> out;
  if (!cfg.stun_candidate.empty() && cfg.ice.stun_server.empty())
    out.push_back("webrtc.candidates: " + cfg.stun_candidate +
                  ": no STUN server in webrtc.ice_servers (Switchyard asks no public one by default), so only host "
                  "candidates and the listed addresses are announced");
  return out;
}

std::string load_config(const std::vector<std::string>& paths, daemon_config& out) {
  if (paths.empty()) return apply_config_text(embedded_default_config, out);
  for (size_t i = 0; i < paths.size(); ++i) {
    std::ifstream in(paths[i]);
    std::string text;
    if (in) {
      std::ostringstream ss;
      ss << in.rdbuf();
      text = ss.str();
    } else if (i > 0) {
      return "config: cannot read " + paths[i];
    }  // a missing first file is created on the first change, as go2rtc does
    // Changes acknowledged but not yet in the first file are in its journal.
    if (i == 0) text = replay_journal(paths[i], text, out.journal_note);
    auto err = apply_config_text(text, out);
    if (!err.empty()) return paths[i] + ": " + err;
    if (i == 0) {
      out.config_path = paths[i];
      out.first_document = text;
    }
  }
  return {};
}

}  // namespace sy
