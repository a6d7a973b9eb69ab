// rtsp_credentials: what an RTSP client needs to reach a camera that asks for a
// password: the URL split into host, port, path and percent-decoded credentials,
// and the Authorization header answering a 401's challenge (RFC 2617 Digest, with
// or without qop=auth, or Basic). Pure.
#pragma once

#include <string>

namespace sy {

struct rtsp_url {
  std::string host, port = "554", path, user, password;
  std::string request;  // the URL as sent in requests (no credentials)
};

/// rtsp://[user[:pass]@]host[:port][/path] ([v6] hosts too); false when it is not one.
bool parse_rtsp_url(const std::string& url, rtsp_url& out);

/// "Authorization: ..." for `method` on `uri`, answering the WWW-Authenticate
/// `challenge` ("Digest realm=... nonce=..." or "Basic ..."). `cnonce` is the client
/// nonce a Digest challenge with qop=auth needs.
std::string rtsp_authorization(const std::string& challenge, const std::string& user, const std::string& password,
                               const std::string& method, const std::string& uri, const std::string& cnonce);

}  // namespace sy
