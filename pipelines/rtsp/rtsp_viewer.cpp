#include "pipelines/rtsp/rtsp_viewer.hpp"

#include <errno.h>
#include <sys/eventfd.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <array>

#include "pipelines/log.hpp"

namespace sy {
namespace {

// How far (bytes queued beyond what the socket took) a TCP client may fall behind
// before it skips to the next keyframe: about 3 s of a 3 Mbit/s camera.
constexpr size_t max_pending = 1 << 20;
constexpr size_t max_iov = 512;  // packets per sendmsg (IOV_MAX is 1024: two iovecs each)

struct mapped_packet {
  GstBuffer* buffer;
  GstMapInfo map;
};

}  // namespace

rtsp_viewer::rtsp_viewer(int tcp_fd, int wake_fd) : fd_(tcp_fd), wake_fd_(wake_fd) {}

rtsp_viewer::~rtsp_viewer() {
  for (auto& [_, t] : tracks_) {
    if (t.rtp_fd >= 0) ::close(t.rtp_fd);
    if (t.rtcp_fd >= 0) ::close(t.rtcp_fd);
  }
}

void rtsp_viewer::set_tcp_track(int track, int channel) {
  std::lock_guard<std::mutex> lock{mutex_};
  tracks_[track].channel = channel;
}

void rtsp_viewer::set_udp_track(int track, int rtp_fd, int rtcp_fd, const sockaddr_storage& dest, socklen_t dest_len) {
  std::lock_guard<std::mutex> lock{mutex_};
  auto& t = tracks_[track];
  if (t.rtp_fd >= 0) ::close(t.rtp_fd);
  if (t.rtcp_fd >= 0) ::close(t.rtcp_fd);
  t.channel = -1;
  t.rtp_fd = rtp_fd;
  t.rtcp_fd = rtcp_fd;
  t.dest = dest;
  t.dest_len = dest_len;
}

bool rtsp_viewer::has_track(int track) const {
  std::lock_guard<std::mutex> lock{mutex_};
  return tracks_.count(track) > 0;
}

void rtsp_viewer::send_text(const std::string& text) {
  std::lock_guard<std::mutex> lock{mutex_};
  if (dead_) return;
  if (pending_.size() > head_) {
    queue(text.data(), text.size(), true, true);
    return;
  }
  auto n = ::send(fd_, text.data(), text.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
  if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
    dead_ = true;
    return;
  }
  size_t sent = n < 0 ? 0 : size_t(n);
  if (sent < text.size()) queue(text.data() + sent, text.size() - sent, true, true);
}

void rtsp_viewer::set_playing(bool playing, bool at_keyframe) {
  std::lock_guard<std::mutex> lock{mutex_};
  playing_ = playing;
  need_keyframe_ = !at_keyframe;
}

void rtsp_viewer::send(int track, const std::vector<GstBuffer*>& packets, bool keyframe) {
  std::lock_guard<std::mutex> lock{mutex_};
  if (!playing_ || dead_) return;
  auto it = tracks_.find(track);
  if (it == tracks_.end()) return;
  auto& t = it->second;
  if (need_keyframe_ && !keyframe) {
    t.seq_shift = uint16_t(t.seq_shift + packets.size());
    return;
  }
  need_keyframe_ = false;
  if (t.channel >= 0) send_tcp(t, packets);
  else if (t.rtp_fd >= 0) send_udp(t, packets);
}

void rtsp_viewer::continue_sequence(int track, uint16_t next) {
  std::lock_guard<std::mutex> lock{mutex_};
  auto it = tracks_.find(track);
  if (it != tracks_.end()) it->second.seq_shift = uint16_t(next - it->second.last_sent - 1);
}

void rtsp_viewer::send_tcp(track_out& t, const std::vector<GstBuffer*>& packets) {
  for (size_t first = 0; first < packets.size() && !need_keyframe_; first += max_iov) {
    size_t count = std::min(max_iov, packets.size() - first);
    // Scratch reused across calls on this (streaming) thread: no allocation per access unit.
    thread_local std::vector<mapped_packet> maps;
    thread_local std::vector<std::array<uint8_t, 8>> heads;
    thread_local std::vector<iovec> iov;
    maps.clear();
    iov.clear();
    heads.resize(count);
    maps.reserve(count);
    iov.reserve(count * 2);
    for (size_t i = 0; i < count; ++i) {
      mapped_packet m{packets[first + i], {}};
      if (!gst_buffer_map(m.buffer, &m.map, GST_MAP_READ)) continue;
      if (m.map.size < 12 || m.map.size > 0xffff) {
        gst_buffer_unmap(m.buffer, &m.map);
        continue;
      }
      auto* d = m.map.data;
      uint16_t seq = t.last_sent = uint16_t(((d[2] << 8) | d[3]) - t.seq_shift);
      auto& h = heads[maps.size()];
      h = {uint8_t('$'), uint8_t(t.channel), uint8_t(m.map.size >> 8), uint8_t(m.map.size & 0xff),
           d[0], d[1], uint8_t(seq >> 8), uint8_t(seq & 0xff)};
      iov.push_back({h.data(), h.size()});
      iov.push_back({d + 4, m.map.size - 4});
      maps.push_back(m);
    }
    size_t sent = 0;
    if (pending_.size() == head_ && !iov.empty()) {
      msghdr msg{};
      msg.msg_iov = iov.data();
      msg.msg_iovlen = iov.size();
      auto n = ::sendmsg(fd_, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) dead_ = true;
      sent = n < 0 ? 0 : size_t(n);
    }
    // What the socket did not take waits, packet by packet.
    for (size_t i = 0; i < iov.size() && !dead_; ++i) {
      auto len = iov[i].iov_len;
      if (sent >= len) {
        sent -= len;
        continue;
      }
      if (!queue(static_cast<const char*>(iov[i].iov_base) + sent, len - sent, i % 2 == 1, false)) break;
      sent = 0;
    }
    packets_sent_ += maps.size();
    for (auto& m : maps) gst_buffer_unmap(m.buffer, &m.map);
  }
}

void rtsp_viewer::send_udp(track_out& t, const std::vector<GstBuffer*>& packets) {
  for (auto* p : packets) {
    GstMapInfo map;
    if (!gst_buffer_map(p, &map, GST_MAP_READ)) continue;
    if (map.size >= 12) {
      uint16_t seq = t.last_sent = uint16_t(((map.data[2] << 8) | map.data[3]) - t.seq_shift);
      uint8_t head[4] = {map.data[0], map.data[1], uint8_t(seq >> 8), uint8_t(seq & 0xff)};
      iovec iov[2] = {{head, 4}, {map.data + 4, map.size - 4}};
      msghdr msg{};
      msg.msg_name = &t.dest;
      msg.msg_namelen = t.dest_len;
      msg.msg_iov = iov;
      msg.msg_iovlen = 2;
      // A full socket buffer loses the packet, as UDP would on the way.
      if (::sendmsg(t.rtp_fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT) > 0) ++packets_sent_;
    }
    gst_buffer_unmap(p, &map);
  }
}

bool rtsp_viewer::queue(const char* data, size_t size, bool packet_end, bool text) {
  bool was_empty = pending_.size() == head_;
  pending_.append(data, size);
  if (packet_end) ends_.push_back({pending_.size(), text});
  if (was_empty) wake();
  // Only whole packets are ever dropped: a packet's first bytes may be on the wire.
  if (!packet_end || pending_.size() - head_ <= max_pending) return true;
  overflow();
  return false;
}

// Too far behind: keep the packet being written (the stream's framing must stay
// intact) and any queued RTSP response, drop the rest, resume at the next keyframe.
// The client sees the gap as loss.
void rtsp_viewer::overflow() {
  std::string kept = pending_.substr(0, ends_.empty() ? head_ : ends_.front().offset);
  std::deque<queued_end> kept_ends;
  if (kept.size() > head_) kept_ends.push_back({kept.size(), ends_.front().text});
  for (size_t i = 1; i < ends_.size(); ++i)
    if (ends_[i].text) {
      kept.append(pending_, ends_[i - 1].offset, ends_[i].offset - ends_[i - 1].offset);
      kept_ends.push_back({kept.size(), true});
    }
  pending_ = std::move(kept);
  ends_ = std::move(kept_ends);
  need_keyframe_ = true;
  if (++skips_ == 1 || skips_ % 100 == 0)
    log_line('I', "rtsp", "a viewer fell more than " + std::to_string(max_pending >> 10) +
                              " KiB behind: it resumes at the next keyframe (" + std::to_string(skips_) + " times so far)");
}

void rtsp_viewer::wake() {
  uint64_t one = 1;
  if (wake_fd_ >= 0) (void)!::write(wake_fd_, &one, sizeof one);
}

bool rtsp_viewer::flush() {
  std::lock_guard<std::mutex> lock{mutex_};
  while (!dead_ && pending_.size() > head_) {
    auto n = ::send(fd_, pending_.data() + head_, pending_.size() - head_, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      if (errno == EINTR) continue;
      dead_ = true;
      break;
    }
    head_ += size_t(n);
  }
  while (!ends_.empty() && ends_.front().offset <= head_) ends_.pop_front();
  if (head_ == pending_.size()) {
    // Drained: a large queue (a joiner's burst, a lag caught up) gives its memory back.
    if (pending_.capacity() > (64u << 10)) std::string().swap(pending_);
    else pending_.clear();
    ends_.clear();
    head_ = 0;
  } else if (head_ > (1u << 16) && head_ > pending_.size() / 2) {
    pending_.erase(0, head_);
    for (auto& e : ends_) e.offset -= head_;
    head_ = 0;
  }
  return !dead_;
}

bool rtsp_viewer::has_pending() const {
  std::lock_guard<std::mutex> lock{mutex_};
  return pending_.size() > head_;
}

void rtsp_viewer::close() {
  std::lock_guard<std::mutex> lock{mutex_};
  dead_ = true;
  ::shutdown(fd_, SHUT_RDWR);
}

uint64_t rtsp_viewer::packets_sent() const {
  std::lock_guard<std::mutex> lock{mutex_};
  return packets_sent_;
}

uint64_t rtsp_viewer::skips() const {
  std::lock_guard<std::mutex> lock{mutex_};
  return skips_;
}

}  // namespace sy
