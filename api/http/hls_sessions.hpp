// hls_sessions: the HLS viewers of the HTTP API by session id. A viewer is made by
// GET /api/stream.m3u8 or the WebSocket `hls` message, then found by the requests
// for its playlist and segments (API.md, Outputs); it ends `keepalive` after its
// last request (go2rtc's rule), on a reaper thread that sleeps while there are no
// sessions. HLS has no connection to hang a viewer on, hence this one table; it
// holds viewers, never stream state (the registry owns the names).
#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>

#include "actors/stream_client.hpp"
#include "api/http/api_context.hpp"
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
  ~hls_sessions();  // ends every session
  hls_sessions(const hls_sessions&) = delete;
  hls_sessions& operator=(const hls_sessions&) = delete;

  /// Attaches to stream `src` and starts a session (`accepted` limits fMP4's
  /// codecs); its id, or "" with `status` and `error` (the message to send).
  std::string open(const api_context& ctx, const std::string& src, hls_session::format format,
                   const std::string& accepted, int& status, std::string& error);
  /// The session `id`, its keep-alive renewed; nullptr if there is none.
  std::shared_ptr<viewer> find(const std::string& id);

  /// The master playlist that points a player at session `id`'s media playlist.
  static std::string master_playlist(const viewer& v, const std::string& id);

 private:
  struct entry {
    std::shared_ptr<viewer> v;
    std::chrono::steady_clock::time_point last;
  };
  void reap();

  std::mutex mutex_;
  std::condition_variable wake_;
  std::map<std::string, entry> sessions_;
  std::mt19937_64 random_{std::random_device{}()};
  bool stopping_ = false;
  std::thread reaper_;
};

}  // namespace sy
