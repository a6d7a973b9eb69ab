#include "api/http/webrtc_sessions.hpp"

#include <algorithm>
#include <memory>
#include <vector>

#include "actors/webrtc_session_actor.hpp"
#include "api/http/http_status.hpp"
#include "pipelines/codec_table.hpp"

namespace sy {
namespace {

// What a browser plays: H.264 video; Opus, PCMA or PCMU audio. A stream whose
// `media` track is none of them (a camera's H.265 or AAC) needs its transcode, if
// the offer wants that media at all.
const std::vector<std::string> browser_video{"H264"};
const std::vector<std::string> browser_audio{"OPUS", "PCMA", "PCMU"};

bool needs_transcode(const hub_ptr& hub, const std::string& offer, const std::string& media,
                     const std::vector<std::string>& playable) {
  if (offer.find("m=" + media) == std::string::npos) return false;
  bool has = false;
  for (auto& name : hub->caps_names()) {
    if (name.rfind(media + "/", 0) != 0) continue;
    has = true;
    auto* codec = find_codec(name);
    if (codec && std::find(playable.begin(), playable.end(), codec->name) != playable.end()) return false;
  }
  return has;
}

// An offer with no answer: 400 when the offer asked for what cannot be done, 500
// when this side failed to answer it. Returns the empty id.
std::string refuse(const answer_error& failed, int& status, std::string& error) {
  status = failed.server ? 500 : 400;
  error = failed.text;
  return {};
}

// Hands the answered peer to a session actor of its own and names it: the id, or ""
// with `status` and `error` (the peer then ends at once).
std::string start_session(const api_context& ctx, std::unique_ptr<webrtc_peer_parts> parts, int& status,
                          std::string& error) {
  auto session = spawn_webrtc_session(ctx.calls->system(), std::move(parts));
  auto id = ctx.calls->call<std::string>(ctx.webrtc, ctx.calls->timeouts().request, caf::put_atom::value, session);
  if (id) return *id;
  caf::anon_send(session, caf::delete_atom::value);
  status = http_status(id.error());
  error = "webrtc: " + error_text(id.error());
  return {};
}

}  // namespace

std::string open_webrtc_viewer(const api_context& ctx, const std::string& src, const std::string& offer,
                               std::string& answer, int& status, std::string& error) {
  auto attached = attach_stream(*ctx.calls, ctx.registry, src, consumer_kind::webrtc);
  if (!attached) {
    status = attach_error_status(attached.error());
    error = attach_error_text(attached.error());
    return {};
  }
  auto v = std::make_unique<webrtc_peer_parts>();
  v->att = *attached;
  std::vector<hub_ptr> hubs{v->att.held.hub};
  // Without such a transcode among the stream's sources, that media is left out (as
  // go2rtc does); an offer left with nothing to play is refused.
  for (auto& [media, playable] : {std::make_pair("video", &browser_video), std::make_pair("audio", &browser_audio)}) {
    if (!needs_transcode(v->att.held.hub, offer, media, *playable)) continue;
    auto t = attach_transcode(*ctx.calls, v->att, consumer_kind::webrtc, media, *playable);
    if (!t) continue;
    v->transcodes.push_back(*t);
    hubs.push_back(t->held.hub);
  }
  answer_error failed;
  v->sender = webrtc_sender::answer(hubs, offer, ctx.ice, answer, failed);
  if (!v->sender) return refuse(failed, status, error);  // v's end detaches it
  return start_session(ctx, std::move(v), status, error);
}

std::string open_webrtc_publisher(const api_context& ctx, const std::string& dst, const std::string& offer,
                                  std::string& answer, int& status, std::string& error) {
  auto published = publish_stream(*ctx.calls, ctx.registry, dst);
  if (!published) {
    status = http_status(published.error());
    error = error_text(published.error());
    return {};
  }
  auto p = std::make_unique<webrtc_peer_parts>();
  p->att = *published;
  p->registry = ctx.registry;
  p->dst = dst;
  answer_error failed;
  p->receiver = webrtc_receiver::answer(p->att.held.hub, publisher_notify(p->att), offer, ctx.ice, answer, failed);
  if (!p->receiver) return refuse(failed, status, error);  // p's end tells the stream
  return start_session(ctx, std::move(p), status, error);
}

caf::expected<bool> close_webrtc_session(const api_context& ctx, const std::string& id) {
  return ctx.calls->call<bool>(ctx.webrtc, ctx.calls->timeouts().request, caf::delete_atom::value, id);
}

caf::expected<bool> add_webrtc_candidate(const api_context& ctx, const std::string& id, const std::string& candidate) {
  return ctx.calls->call<bool>(ctx.webrtc, ctx.calls->timeouts().request, candidate_atom::value, id, candidate);
}

}  // namespace sy
