#include "api/http/webrtc_sessions.hpp"

#include <algorithm>

#include "api/http/http_status.hpp"
#include "pipelines/codec_table.hpp"

namespace sy {

webrtc_sessions::session::~session() {
  sender.reset();  // unsubscribes before the stream hears we left
  receiver.reset();  // pushes nothing more
  if (transcode.held.id) detach_stream(transcode);
  if (!dst.empty()) unpublish_stream(registry, dst, att);
  else detach_stream(att);  // ignores a session that never attached
}

namespace {

// What a browser plays: Opus, PCMA, PCMU. A stream whose audio is none of them
// (a camera's AAC) needs its transcode, if the offer wants audio at all.
const std::vector<std::string> browser_audio{"OPUS", "PCMA", "PCMU"};

bool needs_audio_transcode(const hub_ptr& hub, const std::string& offer) {
  if (offer.find("m=audio") == std::string::npos) return false;
  bool audio = false;
  for (auto& name : hub->caps_names()) {
    if (name.rfind("audio/", 0) != 0) continue;
    audio = true;
    auto* codec = find_codec(name);
    if (codec && std::find(browser_audio.begin(), browser_audio.end(), codec->name) != browser_audio.end())
      return false;
  }
  return audio;
}

// An offer with no answer: 400 when the offer asked for what cannot be done, 500
// when this side failed to answer it. Returns the empty id.
std::string refuse(const answer_error& failed, int& status, std::string& error) {
  status = failed.server ? 500 : 400;
  error = failed.text;
  return {};
}

}  // namespace

webrtc_sessions::webrtc_sessions()
    : table_(std::chrono::milliseconds(250),
             [](const session& s, session_table<session>::clock::time_point, session_table<session>::clock::time_point) {
               return s.ended();
             }) {}

std::string webrtc_sessions::open(const api_context& ctx, const std::string& src, const std::string& offer,
                                 std::string& answer, int& status, std::string& error) {
  auto attached = attach_stream(*ctx.calls, ctx.registry, src, consumer_kind::webrtc);
  if (!attached) {
    status = attach_error_status(attached.error());
    error = attach_error_text(attached.error());
    return {};
  }
  auto v = std::make_shared<session>();
  v->att = *attached;
  std::vector<hub_ptr> hubs{v->att.held.hub};
  // Without such a transcode among the stream's sources, video alone (as go2rtc).
  if (needs_audio_transcode(v->att.held.hub, offer)) {
    auto t = attach_transcode(*ctx.calls, v->att, consumer_kind::webrtc, "audio", browser_audio);
    if (t) {
      v->transcode = *t;
      hubs.push_back(t->held.hub);
    }
  }
  answer_error failed;
  v->sender = webrtc_sender::answer(hubs, offer, ctx.ice, answer, failed);
  if (!v->sender) return refuse(failed, status, error);
  return table_.add(std::move(v));
}

std::string webrtc_sessions::publish(const api_context& ctx, const std::string& dst, const std::string& offer,
                                     std::string& answer, int& status, std::string& error) {
  auto published = publish_stream(*ctx.calls, ctx.registry, dst);
  if (!published) {
    status = http_status(published.error());
    error = error_text(published.error());
    return {};
  }
  auto s = std::make_shared<session>();
  s->att = *published;
  s->registry = ctx.registry;
  s->dst = dst;
  answer_error failed;
  s->receiver = webrtc_receiver::answer(s->att.held.hub, publisher_notify(s->att), offer, ctx.ice, answer, failed);
  if (!s->receiver) return refuse(failed, status, error);  // the session's end tells the stream
  return table_.add(std::move(s));
}

bool webrtc_sessions::add_candidate(const std::string& id, const std::string& candidate) {
  auto s = table_.find(id);
  if (!s) return false;
  if (s->sender) s->sender->add_candidate(candidate);
  else s->receiver->add_candidate(candidate);
  return true;
}

}  // namespace sy
