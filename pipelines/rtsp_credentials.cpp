#include "pipelines/rtsp_credentials.hpp"

#include <glib.h>

#include <cctype>

namespace sy {
namespace {

std::string percent_decode(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(uint8_t(s[i + 1])) && std::isxdigit(uint8_t(s[i + 2]))) {
      out += char(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::string md5(const std::string& s) {
  gchar* h = g_compute_checksum_for_string(G_CHECKSUM_MD5, s.c_str(), gssize(s.size()));
  std::string out = h;
  g_free(h);
  return out;
}

// key="value" or key=value from a WWW-Authenticate challenge.
std::string auth_param(const std::string& challenge, const std::string& key) {
  size_t pos = 0;
  while ((pos = challenge.find(key + "=", pos)) != std::string::npos) {
    bool starts = pos == 0 || challenge[pos - 1] == ' ' || challenge[pos - 1] == ',';
    pos += key.size() + 1;
    if (!starts) continue;
    if (pos < challenge.size() && challenge[pos] == '"') {
      auto end = challenge.find('"', pos + 1);
      return challenge.substr(pos + 1, end == std::string::npos ? std::string::npos : end - pos - 1);
    }
    auto end = challenge.find_first_of(", ", pos);
    return challenge.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
  }
  return {};
}

}  // namespace

bool parse_rtsp_url(const std::string& url, rtsp_url& out) {
  if (url.compare(0, 7, "rtsp://") != 0) return false;
  auto rest = url.substr(7);
  auto slash = rest.find('/');
  auto authority = rest.substr(0, slash);
  out.path = slash == std::string::npos ? "/" : rest.substr(slash);
  auto at = authority.rfind('@');
  if (at != std::string::npos) {
    auto cred = authority.substr(0, at);
    authority = authority.substr(at + 1);
    auto colon = cred.find(':');
    out.user = percent_decode(cred.substr(0, colon));
    if (colon != std::string::npos) out.password = percent_decode(cred.substr(colon + 1));
  }
  if (!authority.empty() && authority[0] == '[') {  // [v6]:port
    auto close = authority.find(']');
    if (close == std::string::npos) return false;
    out.host = authority.substr(1, close - 1);
    if (close + 1 < authority.size() && authority[close + 1] == ':') out.port = authority.substr(close + 2);
  } else {
    auto colon = authority.rfind(':');
    out.host = authority.substr(0, colon);
    if (colon != std::string::npos) out.port = authority.substr(colon + 1);
  }
  if (out.host.empty() || out.port.empty()) return false;
  out.request = "rtsp://" + authority + out.path;
  return true;
}

std::string rtsp_authorization(const std::string& challenge, const std::string& user, const std::string& password,
                               const std::string& method, const std::string& uri, const std::string& cnonce) {
  if (challenge.compare(0, 6, "Digest") == 0) {
    auto realm = auth_param(challenge, "realm"), nonce = auth_param(challenge, "nonce");
    auto ha1 = md5(user + ":" + realm + ":" + password), ha2 = md5(method + ":" + uri);
    auto qop = auth_param(challenge, "qop");
    std::string text = "Authorization: Digest username=\"" + user + "\", realm=\"" + realm + "\", nonce=\"" + nonce +
                       "\", uri=\"" + uri + "\"";
    if (qop.find("auth") != std::string::npos) {
      const std::string nc = "00000001";
      text += ", qop=auth, nc=" + nc + ", cnonce=\"" + cnonce + "\", response=\"" +
              md5(ha1 + ":" + nonce + ":" + nc + ":" + cnonce + ":auth:" + ha2) + "\"";
    } else {
      text += ", response=\"" + md5(ha1 + ":" + nonce + ":" + ha2) + "\"";
    }
    auto opaque = auth_param(challenge, "opaque");
    if (!opaque.empty()) text += ", opaque=\"" + opaque + "\"";
    return text;
  }
  auto pair = user + ":" + password;
  gchar* b64 = g_base64_encode(reinterpret_cast<const guchar*>(pair.data()), pair.size());
  std::string text = std::string("Authorization: Basic ") + b64;
  g_free(b64);
  return text;
}

}  // namespace sy
