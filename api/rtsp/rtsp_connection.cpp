#include "api/rtsp/rtsp_connection.hpp"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <random>

namespace sy {
namespace {

constexpr const char* public_methods = "Public: OPTIONS, DESCRIBE, SETUP, PLAY, PAUSE, TEARDOWN, GET_PARAMETER, SET_PARAMETER";

std::string new_session_id() {
  static std::mt19937_64 rng{std::random_device{}()};
  static std::mutex m;
  std::lock_guard<std::mutex> lock{m};
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(rng()));
  return buf;
}

// "name/trackID=N" -> name and N; a path without a track part is track -1.
void split_track(const std::string& path, std::string& name, int& track) {
  name = path;
  track = -1;
  auto slash = path.rfind('/');
  auto last = slash == std::string::npos ? path : path.substr(slash + 1);
  if (last.rfind("trackID=", 0) != 0) return;
  char* end = nullptr;
  long n = std::strtol(last.c_str() + 8, &end, 10);
  if (end == last.c_str() + 8 || *end || n < 0 || n > 1000) return;
  track = int(n);
  name = slash == std::string::npos ? std::string{} : path.substr(0, slash);
}

// A UDP socket bound to `local` with port `port` (0: any); -1 on failure.
int bound_udp(sockaddr_storage local, uint16_t port) {
  int fd = ::socket(local.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  if (local.ss_family == AF_INET) reinterpret_cast<sockaddr_in&>(local).sin_port = htons(port);
  else reinterpret_cast<sockaddr_in6&>(local).sin6_port = htons(port);
  socklen_t len = local.ss_family == AF_INET ? sizeof(sockaddr_in) : sizeof(sockaddr_in6);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&local), len) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

uint16_t port_of(int fd) {
  sockaddr_storage a{};
  socklen_t len = sizeof a;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) return 0;
  return ntohs(a.ss_family == AF_INET ? reinterpret_cast<sockaddr_in&>(a).sin_port
                                      : reinterpret_cast<sockaddr_in6&>(a).sin6_port);
}

}  // namespace

rtsp_connection::rtsp_connection(int fd, fanout_finder find)
    : fd_(fd), wake_fd_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)), find_(std::move(find)) {
  int one = 1;
  // Interleaved RTP is many small writes: Nagle would hold each back for an ACK.
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  viewer_ = std::make_shared<rtsp_viewer>(fd_, wake_fd_);
}

rtsp_connection::~rtsp_connection() {
  stop_playing();
  viewer_.reset();
  fanout_.reset();
  ::close(fd_);
  ::close(wake_fd_);
}

void rtsp_connection::close() { viewer_->close(); }

std::string rtsp_connection::stream_name() const {
  std::lock_guard<std::mutex> lock{name_mutex_};
  return name_;
}

void rtsp_connection::run() {
  std::string in;
  char buf[4096];  // requests and the client's RTCP are small
  while (true) {
    pollfd fds[2] = {{fd_, short(POLLIN | (viewer_->has_pending() ? POLLOUT : 0)), 0}, {wake_fd_, POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (fds[1].revents & POLLIN) {
      uint64_t count;
      (void)!::read(wake_fd_, &count, sizeof count);
    }
    if (!viewer_->flush()) break;
    if (fanout_ && fanout_->ended()) break;
    if (!(fds[0].revents & (POLLIN | POLLHUP | POLLERR))) continue;
    auto n = ::recv(fd_, buf, sizeof buf, MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    if (n <= 0) break;
    in.append(buf, size_t(n));
    bool bad = false;
    while (!in.empty() && !bad) {
      if (in[0] == '$') {  // the client's RTCP: not needed
        auto size = interleaved_frame_size(in.data(), in.size());
        if (!size) break;
        in.erase(0, size);
        continue;
      }
      rtsp_request req;
      auto used = parse_rtsp_request(in.data(), in.size(), req);
      if (used == 0) break;
      if (used < 0) {
        bad = true;
        break;
      }
      in.erase(0, size_t(used));
      handle(req);
    }
    if (bad) {
      viewer_->send_text(rtsp_response(400, {}, {}));
      viewer_->flush();
      break;
    }
  }
  stop_playing();
  fanout_.reset();  // the last connection of a stream releases it now, not when reaped
  finished_ = true;
}

void rtsp_connection::reply(int status, const rtsp_request& req, std::vector<std::string> headers,
                            const std::string& body) {
  if (!session_.empty()) headers.push_back("Session: " + session_ + ";timeout=60");
  viewer_->send_text(rtsp_response(status, req.header("CSeq"), headers, body));
}

bool rtsp_connection::use_stream(const std::string& name, const rtsp_request& req) {
  if (fanout_ && name == stream_name()) return true;
  if (playing_) {  // one stream per connection
    reply(455, req);
    return false;
  }
  int status = 404;
  std::string error;
  auto fanout = find_(name, status, error);
  if (!fanout) {
    reply(status, req);
    return false;
  }
  fanout_ = std::move(fanout);
  std::lock_guard<std::mutex> lock{name_mutex_};
  name_ = name;
  return true;
}

void rtsp_connection::handle(const rtsp_request& req) {
  const auto& m = req.method;
  if (m == "OPTIONS") return reply(200, req, {public_methods});
  if (m == "GET_PARAMETER" || m == "SET_PARAMETER") return reply(200, req);
  if (m == "DESCRIBE") {
    if (!use_stream(req.path(), req)) return;
    auto sdp = fanout_->sdp();
    if (sdp.empty()) return reply(503, req);
    auto base = req.uri;
    if (auto q = base.find('?'); q != std::string::npos) base.resize(q);
    if (base.empty() || base.back() != '/') base += '/';
    return reply(200, req, {"Content-Type: application/sdp", "Content-Base: " + base}, sdp);
  }
  if (m == "SETUP") return setup(req);
  if (m == "PLAY") {
    if (!fanout_ || session_.empty()) return reply(455, req);
    reply(200, req, {"Range: npt=0.000-"});
    if (!playing_) {
      playing_ = true;
      fanout_->play(viewer_);  // the cached GOP follows the response at once
    }
    return;
  }
  if (m == "PAUSE") {
    stop_playing();
    return reply(200, req);
  }
  if (m == "TEARDOWN") {
    stop_playing();
    reply(200, req);
    session_.clear();
    return;
  }
  reply(501, req);
}

void rtsp_connection::setup(const rtsp_request& req) {
  std::string name;
  int track = -1;
  split_track(req.path(), name, track);
  if (!use_stream(name, req)) return;
  if (track < 0 || !fanout_->has_track(track)) return reply(404, req);
  rtsp_transport t;
  if (!parse_rtsp_transport(req.header("Transport"), t)) return reply(461, req);
  std::string transport;
  if (t.tcp) {
    int channel = t.channel >= 0 ? t.channel : next_channel_;
    next_channel_ = std::max(next_channel_, channel + 2);
    viewer_->set_tcp_track(track, channel);
    transport = "RTP/AVP/TCP;unicast;interleaved=" + std::to_string(channel) + "-" + std::to_string(channel + 1);
  } else if (!setup_udp(track, t, transport)) {
    return reply(500, req);
  }
  if (session_.empty()) session_ = new_session_id();
  reply(200, req, {"Transport: " + transport});
}

// Two UDP sockets on the address the client reached us at (RTP on an even port,
// RTCP on the next), sending to the client's ports on its address.
bool rtsp_connection::setup_udp(int track, const rtsp_transport& t, std::string& transport) {
  sockaddr_storage local{}, peer{};
  socklen_t local_len = sizeof local, peer_len = sizeof peer;
  if (::getsockname(fd_, reinterpret_cast<sockaddr*>(&local), &local_len) != 0 ||
      ::getpeername(fd_, reinterpret_cast<sockaddr*>(&peer), &peer_len) != 0)
    return false;
  for (int attempt = 0; attempt < 20; ++attempt) {
    int rtp = bound_udp(local, 0);
    if (rtp < 0) return false;
    auto port = port_of(rtp);
    int rtcp = port % 2 == 0 && port < 65535 ? bound_udp(local, uint16_t(port + 1)) : -1;
    if (rtcp < 0) {
      ::close(rtp);
      continue;
    }
    if (peer.ss_family == AF_INET) reinterpret_cast<sockaddr_in&>(peer).sin_port = htons(uint16_t(t.client_rtp_port));
    else reinterpret_cast<sockaddr_in6&>(peer).sin6_port = htons(uint16_t(t.client_rtp_port));
    viewer_->set_udp_track(track, rtp, rtcp, peer, peer_len);
    transport = "RTP/AVP;unicast;client_port=" + std::to_string(t.client_rtp_port) + "-" +
                std::to_string(t.client_rtcp_port) + ";server_port=" + std::to_string(port) + "-" +
                std::to_string(port + 1);
    return true;
  }
  return false;
}

void rtsp_connection::stop_playing() {
  if (playing_ && fanout_) fanout_->stop(viewer_.get());
  viewer_->set_playing(false, false);
  playing_ = false;
}

}  // namespace sy
