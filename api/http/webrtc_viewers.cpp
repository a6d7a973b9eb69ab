#include "api/http/webrtc_viewers.hpp"

#include <vector>

#include "api/http/http_status.hpp"

namespace sy {

webrtc_viewers::viewer::~viewer() {
  sender.reset();  // unsubscribes before the stream hears we left
  detach_stream(att);
}

webrtc_viewers::webrtc_viewers() : reaper_([this] { reap(); }) {}

webrtc_viewers::~webrtc_viewers() {
  std::map<std::string, std::unique_ptr<viewer>> ending;
  {
    std::lock_guard<std::mutex> lock{mutex_};
    stopping_ = true;
    ending.swap(viewers_);
  }
  wake_.notify_all();
  reaper_.join();
}

std::string webrtc_viewers::open(const api_context& ctx, const std::string& src, const std::string& offer,
                                 std::string& answer, int& status, std::string& error) {
  auto attached = attach_stream(*ctx.calls, ctx.registry, src, consumer_kind::webrtc);
  if (!attached) {
    status = attach_error_status(attached.error());
    error = attach_error_text(attached.error());
    return {};
  }
  auto v = std::make_unique<viewer>();
  v->att = *attached;
  v->sender = webrtc_sender::answer(v->att.held.hub, offer, answer, error);
  if (!v->sender) {
    status = 400;
    return {};
  }
  static const char alphabet[] = "0123456789abcdefghijklmnopqrstuvwxyz";
  std::string id;
  {
    std::lock_guard<std::mutex> lock{mutex_};
    do {
      id.clear();
      for (int i = 0; i < 16; ++i) id += alphabet[random_() % 36];
    } while (viewers_.count(id));
    viewers_[id] = std::move(v);
  }
  wake_.notify_all();
  return id;
}

bool webrtc_viewers::close(const std::string& id) {
  std::unique_ptr<viewer> ending;
  std::lock_guard<std::mutex> lock{mutex_};
  auto it = viewers_.find(id);
  if (it == viewers_.end()) return false;
  ending = std::move(it->second);
  viewers_.erase(it);
  return true;
}

size_t webrtc_viewers::size() {
  std::lock_guard<std::mutex> lock{mutex_};
  return viewers_.size();
}

void webrtc_viewers::reap() {
  std::unique_lock<std::mutex> lock{mutex_};
  while (!stopping_) {
    if (viewers_.empty())
      wake_.wait(lock);
    else
      wake_.wait_for(lock, std::chrono::milliseconds(250));
    std::vector<std::unique_ptr<viewer>> ending;  // ended outside the lock
    for (auto it = viewers_.begin(); it != viewers_.end();) {
      if (it->second->sender->ended()) {
        ending.push_back(std::move(it->second));
        it = viewers_.erase(it);
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
