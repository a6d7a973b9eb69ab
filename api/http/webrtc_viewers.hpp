// webrtc_viewers: the WebRTC viewers of the HTTP API (POST /api/webrtc), by id (a
// WHEP session's Location names it), in a session_table. A viewer ends when its peer
// leaves (webrtc_sender::ended, checked every 250 ms), on DELETE of its Location, or
// when the daemon stops.
#pragma once

#include <memory>
#include <string>

#include "actors/stream_client.hpp"
#include "api/http/api_context.hpp"
#include "api/http/session_table.hpp"
#include "pipelines/webrtc/webrtc_sender.hpp"

namespace sy {

class webrtc_viewers {
 public:
  webrtc_viewers();

  /// Attaches to stream `src` and answers `offer`: the viewer's id and `answer`, or
  /// "" with `status` and `error` (the message to send).
  std::string open(const api_context& ctx, const std::string& src, const std::string& offer, std::string& answer,
                   int& status, std::string& error);
  /// Ends viewer `id`; false if there is none.
  bool close(const std::string& id) { return table_.erase(id); }
  /// Hands viewer `id` a candidate its peer trickled; false if there is no such viewer.
  bool add_candidate(const std::string& id, const std::string& candidate);

 private:
  struct viewer {
    std::unique_ptr<webrtc_sender> sender;
    attachment att;
    attachment transcode;  // the stream's transcode this viewer's audio comes from, if any
    ~viewer();
  };
  session_table<viewer> table_;
};

}  // namespace sy
