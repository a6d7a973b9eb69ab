#include "api/http/hls_sessions.hpp"

#include "api/http/http_status.hpp"

namespace sy {

using std::chrono::steady_clock;

hls_sessions::viewer::~viewer() {
  session.reset();  // unsubscribes before the stream hears we left
  detach_stream(att);
}

hls_sessions::hls_sessions()
    : table_(std::chrono::milliseconds(500),
             [](const viewer&, steady_clock::time_point last, steady_clock::time_point now) {
               return now - last >= keepalive;
             }) {}

std::string hls_sessions::open(const api_context& ctx, const std::string& src, hls_session::format format,
                               const std::string& accepted, int& status, std::string& error) {
  auto attached = attach_stream(*ctx.calls, ctx.registry, src, consumer_kind::hls);
  if (!attached) {
    status = attach_error_status(attached.error());
    error = attach_error_text(attached.error());
    return {};
  }
  auto v = std::make_shared<viewer>();
  v->att = *attached;
  auto frames = mp4_viewer::open(v->att.held.hub, consumer_kind::hls, error);
  if (frames && frames->wait_started(ctx.calls->timeouts().media, error))
    v->session = hls_session::make(frames, format, accepted, error);
  if (!v->session) {
    status = 503;
    return {};
  }
  return table_.add(std::move(v));
}

std::string hls_sessions::master_playlist(const viewer& v, const std::string& id) {
  // BANDWIDTH matters to Safari, CODECS to smooth playback (as go2rtc sends them).
  return "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=192000,CODECS=\"" + v.session->codecs() + "\"\nhls/playlist.m3u8?id=" +
         id + "\n";
}

}  // namespace sy
