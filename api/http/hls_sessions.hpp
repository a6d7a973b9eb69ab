// hls_sessions: the HLS viewers of the HTTP API by session id. A viewer is made by
// GET /api/stream.m3u8 or the WebSocket `hls` message, then found by the requests
// for its playlist and segments (API.md, Outputs); it ends `keepalive` after its
// last request (go2rtc's rule). HLS has no connection to hang a viewer on, hence
// this table (a session_table).
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "actors/stream_client.hpp"
#include "api/http/api_context.hpp"
#include "api/http/session_table.hpp"
#include "pipelines/hls/hls_session.hpp"

namespace sy {

class hls_sessions {
 public:
  static constexpr std::chrono::seconds keepalive{5};

  /// One session and its hold on the stream; destroying it ends both.
  struct viewer {
    std::unique_ptr<hls_session> session;
    attachment att;
    ~viewer();
  };

  hls_sessions();

  /// Attaches to stream `src` and starts a session (`accepted` limits fMP4's
  /// codecs); its id, or "" with `status` and `error` (the message to send).
  std::string open(const api_context& ctx, const std::string& src, hls_session::format format,
                   const std::string& accepted, int& status, std::string& error);
  /// The session `id`, its keep-alive renewed; nullptr if there is none.
  std::shared_ptr<viewer> find(const std::string& id) { return table_.find(id); }

  /// The master playlist that points a player at session `id`'s media playlist.
  static std::string master_playlist(const viewer& v, const std::string& id);

 private:
  session_table<viewer> table_;
};

}  // namespace sy
