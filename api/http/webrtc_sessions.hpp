// webrtc_sessions: the WebRTC peers of the HTTP API, by id (a WHEP or WHIP
// session's Location names it), in a session_table: viewers (POST /api/webrtc?src=,
// the /api/ws offers) and publishers (WHIP, POST /api/webrtc?dst=). A session ends
// when its peer leaves (checked every 250 ms), on DELETE of its Location, or when
// the daemon stops; a publisher's stream then hears it left.
#pragma once

#include <memory>
#include <string>

#include "actors/stream_client.hpp"
#include "api/http/api_context.hpp"
#include "api/http/session_table.hpp"
#include "pipelines/webrtc/webrtc_receiver.hpp"
#include "pipelines/webrtc/webrtc_sender.hpp"

namespace sy {

class webrtc_sessions {
 public:
  webrtc_sessions();

  /// Attaches to stream `src` and answers `offer`: the viewer's id and `answer`, or
  /// "" with `status` and `error` (the message to send).
  std::string open(const api_context& ctx, const std::string& src, const std::string& offer, std::string& answer,
                   int& status, std::string& error);
  /// A publisher feeding stream `dst` (made for it if there is none): its id and
  /// `answer`, or "" with `status` and `error`.
  std::string publish(const api_context& ctx, const std::string& dst, const std::string& offer, std::string& answer,
                      int& status, std::string& error);
  /// Ends session `id`; false if there is none.
  bool close(const std::string& id) { return table_.erase(id); }
  /// Hands session `id` a candidate its peer trickled; false if there is no such session.
  bool add_candidate(const std::string& id, const std::string& candidate);

 private:
  struct session {
    std::unique_ptr<webrtc_sender> sender;      // a viewer's
    std::unique_ptr<webrtc_receiver> receiver;  // a publisher's
    attachment att;
    attachment transcode;  // the stream's transcode a viewer's audio comes from, if any
    registry_actor registry;  // a publisher's: told when it leaves
    std::string dst;
    bool ended() const { return sender ? sender->ended() : receiver->ended(); }
    ~session();
  };
  session_table<session> table_;
};

}  // namespace sy
