#include "api/http/hls_sessions.hpp"

#include <vector>

#include "api/http/http_status.hpp"

namespace sy {

using std::chrono::steady_clock;

hls_sessions::viewer::~viewer() {
  session.reset();  // unsubscribes before the stream hears we left
  detach_stream(att);
}

hls_sessions::hls_sessions() : reaper_([this] { reap(); }) {}

hls_sessions::~hls_sessions() {
  std::map<std::string, entry> ending;
  {
    std::lock_guard<std::mutex> lock{mutex_};
    stopping_ = true;
    ending.swap(sessions_);
  }
  wake_.notify_all();
  reaper_.join();
}

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
  static const char alphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  std::string id;
  {
    std::lock_guard<std::mutex> lock{mutex_};
    do {
      id.clear();
      for (int i = 0; i < 12; ++i) id += alphabet[random_() % 62];
    } while (sessions_.count(id));
    sessions_[id] = {std::move(v), steady_clock::now()};
  }
  wake_.notify_all();
  return id;
}

std::shared_ptr<hls_sessions::viewer> hls_sessions::find(const std::string& id) {
  std::lock_guard<std::mutex> lock{mutex_};
  auto it = sessions_.find(id);
  if (it == sessions_.end()) return nullptr;
  it->second.last = steady_clock::now();
  return it->second.v;
}

std::string hls_sessions::master_playlist(const viewer& v, const std::string& id) {
  // BANDWIDTH matters to Safari, CODECS to smooth playback (as go2rtc sends them).
  return "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=192000,CODECS=\"" + v.session->codecs() + "\"\nhls/playlist.m3u8?id=" +
         id + "\n";
}

void hls_sessions::reap() {
  std::unique_lock<std::mutex> lock{mutex_};
  while (!stopping_) {
    if (sessions_.empty())
      wake_.wait(lock);
    else
      wake_.wait_for(lock, std::chrono::milliseconds(500));
    std::vector<std::shared_ptr<viewer>> ending;  // ended outside the lock
    auto now = steady_clock::now();
    for (auto it = sessions_.begin(); it != sessions_.end();) {
      if (now - it->second.last >= keepalive) {
        ending.push_back(std::move(it->second.v));
        it = sessions_.erase(it);
      } else {
        ++it;
      }
    }
    lock.unlock();
    ending.clear();
    lock.lock();
  }
}

}  // namespace sy
