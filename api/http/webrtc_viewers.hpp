// webrtc_viewers: the WebRTC viewers of the HTTP API (POST /api/webrtc), by id (a
// WHEP session's Location names it). A viewer ends when its peer leaves (ICE failed,
// disconnected or closed: checked every 250 ms, so within 2 s of the peer going),
// on DELETE of its Location, or when the daemon stops. Holds viewers, never stream
// state (the registry owns the names).
#pragma once

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>

#include "actors/stream_client.hpp"
#include "api/http/api_context.hpp"
#include "pipelines/webrtc/webrtc_sender.hpp"

namespace sy {

class webrtc_viewers {
 public:
  webrtc_viewers();
  ~webrtc_viewers();  // ends every viewer
  webrtc_viewers(const webrtc_viewers&) = delete;
  webrtc_viewers& operator=(const webrtc_viewers&) = delete;

  /// Attaches to stream `src` and answers `offer`: the viewer's id and `answer`, or
  /// "" with `status` and `error` (the message to send).
  std::string open(const api_context& ctx, const std::string& src, const std::string& offer, std::string& answer,
                   int& status, std::string& error);
  /// Ends viewer `id`; false if there is none.
  bool close(const std::string& id);
  /// Viewers open now (for tests).
  size_t size();

 private:
  struct viewer {
    std::unique_ptr<webrtc_sender> sender;
    attachment att;
    ~viewer();
  };
  void reap();

  std::mutex mutex_;
  std::condition_variable wake_;
  std::map<std::string, std::unique_ptr<viewer>> viewers_;
  std::mt19937_64 random_{std::random_device{}()};
  bool stopping_ = false;
  std::thread reaper_;
};

}  // namespace sy
