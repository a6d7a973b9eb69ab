#include "pipelines/webrtc/ice_config.hpp"

#define GST_USE_UNSTABLE_API
#include <gst/webrtc/webrtc.h>

#include <cctype>
#include <sstream>

namespace sy {
namespace {

// %-escapes what cannot stand in a URI's user info.
std::string escape_userinfo(const std::string& text) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += char(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

// "a=candidate:F C TRANSPORT PRIORITY ADDRESS PORT typ TYPE ..." split on spaces.
std::vector<std::string> fields(const std::string& line) {
  std::vector<std::string> out;
  std::istringstream in(line);
  for (std::string f; in >> f;) out.push_back(f);
  return out;
}

std::string join(const std::vector<std::string>& f) {
  std::string out;
  for (auto& x : f) out += (out.empty() ? "" : " ") + x;
  return out;
}

}  // namespace

std::string ice_server_url(const std::string& url, const std::string& username, const std::string& credential,
                           std::string& error) {
  auto colon = url.find(':');
  auto scheme = colon == std::string::npos ? std::string{} : url.substr(0, colon);
  auto rest = colon == std::string::npos ? std::string{} : url.substr(colon + 1);
  if (rest.rfind("//", 0) == 0) rest.erase(0, 2);
  if (rest.empty() || (scheme != "stun" && scheme != "turn" && scheme != "turns")) {
    error = "webrtc.ice_servers: " + url + " is not a stun:, turn: or turns: url";
    return {};
  }
  if (scheme == "stun") return "stun://" + rest;
  if (username.empty()) {
    error = "webrtc.ice_servers: " + url + " needs a username and a credential";
    return {};
  }
  return scheme + "://" + escape_userinfo(username) + ":" + escape_userinfo(credential) + "@" + rest;
}

std::string announce_candidates(const std::string& sdp, const ice_config& ice) {
  std::string out;
  for (size_t at = 0; at < sdp.size();) {
    auto end = sdp.find('\n', at);
    auto next = end == std::string::npos ? sdp.size() : end + 1;
    auto line = sdp.substr(at, next - at);
    at = next;
    if (line.rfind("a=candidate:", 0) != 0) {
      out += line;
      continue;
    }
    auto eol = line.substr(line.find_last_not_of("\r\n") + 1);
    auto f = fields(line);
    bool host = f.size() >= 8 && f[6] == "typ" && f[7] == "host";
    if (host && !ice.host.empty() && f[4] != ice.host) continue;
    out += line;
    if (!host) continue;
    for (size_t i = 0; i < ice.candidates.size(); ++i) {
      auto copy = f;
      copy[0] += "x" + std::to_string(i);  // a foundation of its own
      copy[4] = ice.candidates[i];
      out += join(copy) + eol;
    }
  }
  return out;
}

// libnice asks the LAN's router for a UPnP port mapping by default: an SSDP
// multicast and a gupnp-igd thread for every peer, for a candidate no browser
// needs (the configured candidates and STUN/TURN cover NAT). Off; go2rtc (pion)
// does no UPnP either.
static void disable_upnp(GstWebRTCICE* ice) {
  if (!g_object_class_find_property(G_OBJECT_GET_CLASS(ice), "agent")) return;
  GObject* nice = nullptr;
  g_object_get(ice, "agent", &nice, nullptr);
  if (!nice) return;
  if (g_object_class_find_property(G_OBJECT_GET_CLASS(nice), "upnp")) g_object_set(nice, "upnp", FALSE, nullptr);
  g_object_unref(nice);
}

void apply_ice_config(GstElement* webrtcbin, const ice_config& ice) {
  GstWebRTCICE* agent = nullptr;
  g_object_get(webrtcbin, "ice-agent", &agent, nullptr);
  if (agent) {
    disable_upnp(agent);
    if (ice.min_port || ice.max_port)
      g_object_set(agent, "min-rtp-port", guint(ice.min_port), "max-rtp-port", guint(ice.max_port), nullptr);
    gst_object_unref(agent);
  }
  if (!ice.stun_server.empty()) g_object_set(webrtcbin, "stun-server", ice.stun_server.c_str(), nullptr);
  for (auto& turn : ice.turn_servers) {
    gboolean added = FALSE;
    g_signal_emit_by_name(webrtcbin, "add-turn-server", turn.c_str(), &added);
  }
}

}  // namespace sy
