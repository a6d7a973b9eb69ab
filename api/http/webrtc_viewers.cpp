#include "api/http/webrtc_viewers.hpp"

#include "api/http/http_status.hpp"

namespace sy {

webrtc_viewers::viewer::~viewer() {
  sender.reset();  // unsubscribes before the stream hears we left
  detach_stream(att);
}

webrtc_viewers::webrtc_viewers()
    : table_(std::chrono::milliseconds(250),
             [](const viewer& v, session_table<viewer>::clock::time_point, session_table<viewer>::clock::time_point) {
               return v.sender->ended();
             }) {}

std::string webrtc_viewers::open(const api_context& ctx, const std::string& src, const std::string& offer,
                                 std::string& answer, int& status, std::string& error) {
  auto attached = attach_stream(*ctx.calls, ctx.registry, src, consumer_kind::webrtc);
  if (!attached) {
    status = attach_error_status(attached.error());
    error = attach_error_text(attached.error());
    return {};
  }
  auto v = std::make_shared<viewer>();
  v->att = *attached;
  v->sender = webrtc_sender::answer(v->att.held.hub, offer, answer, error);
  if (!v->sender) {
    status = 400;
    return {};
  }
  return table_.add(std::move(v));
}

bool webrtc_viewers::add_candidate(const std::string& id, const std::string& candidate) {
  auto v = table_.find(id);
  if (!v) return false;
  v->sender->add_candidate(candidate);
  return true;
}

}  // namespace sy
