#include "tests/support/rtsp_raw_client.hpp"

#include "tests/support/loopback.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <regex>
#include <vector>

namespace sy::test {

rtsp_raw_client::rtsp_raw_client(int port, int rcvbuf) {
  fd_ = socket(AF_INET, SOCK_STREAM, 0);
  setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(uint16_t(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    error_ = "connect failed";
    close(fd_);
    fd_ = -1;
  }
}

rtsp_raw_client::~rtsp_raw_client() {
  if (fd_ >= 0) close(fd_);
  for (int u : udp_) close(u);
}

namespace {

double now_ms() {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// A UDP socket on 127.0.0.1 at an even port whose next port is free too; its port.
int udp_pair(int& rtp, int& rtcp) {
  for (int attempt = 0; attempt < 50; ++attempt) {
    int port = 0, next = 0;
    rtp = bind_loopback(SOCK_DGRAM, 0, port);
    rtcp = port % 2 == 0 ? bind_loopback(SOCK_DGRAM, port + 1, next) : -1;
    if (rtcp >= 0) return port;
    close(rtp);
  }
  return -1;
}

}  // namespace

bool rtsp_raw_client::request(const std::string& method, const std::string& url, const std::string& headers,
                              std::string& reply) {
  if (fd_ < 0) return false;
  auto text = method + " " + url + " RTSP/1.0\r\nCSeq: " + std::to_string(++cseq_) + "\r\n" + headers +
              (session_.empty() ? "" : "Session: " + session_ + "\r\n") + "User-Agent: switchyard-test\r\n\r\n";
  if (write(fd_, text.data(), text.size()) != ssize_t(text.size())) return false;
  reply.clear();
  size_t body = std::string::npos, length = 0;
  if (method == "PLAY") play_sent_ms_ = now_ms();
  while (body == std::string::npos || reply.size() < body + length) {
    char buf[4096];
    if (read_some(0, 5000) <= 0) return error_ = method + ": no answer", false;  // wait for data
    auto n = read(fd_, buf, sizeof buf);
    if (n <= 0) return false;
    reply.append(buf, size_t(n));
    if (body == std::string::npos && (body = reply.find("\r\n\r\n")) != std::string::npos) {
      body += 4;
      std::smatch m;
      if (std::regex_search(reply, m, std::regex("Content-Length: *(\\d+)", std::regex::icase)))
        length = std::stoul(m[1]);
    }
  }
  left_ = reply.substr(body + length);
  reply.resize(body + length);
  if (reply.rfind("RTSP/1.0 200", 0) != 0) {
    error_ = method + ": " + reply.substr(0, reply.find("\r\n"));
    return false;
  }
  std::smatch m;
  if (std::regex_search(reply, m, std::regex("Session: *([^;\r\n]+)", std::regex::icase))) session_ = m[1];
  return true;
}

bool rtsp_raw_client::play(const std::string& url, const std::string& transport) {
  std::string reply;
  if (!request("DESCRIBE", url, "Accept: application/sdp\r\n", reply)) return false;
  std::vector<std::string> controls;
  std::regex control("a=control:([^\r\n]+)");
  auto sdp = reply.substr(reply.find("\r\n\r\n") + 4);
  auto media = sdp.find("m=");
  for (std::sregex_iterator it(sdp.begin() + long(media == std::string::npos ? sdp.size() : media), sdp.end(), control),
       end;
       it != end; ++it)
    controls.push_back((*it)[1]);
  auto video = sdp.find("m=video");
  if (video != std::string::npos) {
    int index = 0;  // media sections before the video one
    for (size_t m = sdp.find("\nm="); m != std::string::npos && m + 1 < video; m = sdp.find("\nm=", m + 1)) ++index;
    video_track_ = index;
  }
  if (controls.empty()) return error_ = "DESCRIBE: no media", false;
  int channel = 0;
  for (auto& c : controls) {
    auto track = c.rfind("rtsp://", 0) == 0 ? c : url + "/" + c;
    auto header = "Transport: RTP/AVP/TCP;unicast;interleaved=" + std::to_string(channel) + "-" +
                  std::to_string(channel + 1) + "\r\n";
    if (transport == "udp") {
      int rtp = -1, rtcp = -1;
      int port = udp_pair(rtp, rtcp);
      if (port < 0) return error_ = "no UDP ports", false;
      udp_.push_back(rtp);
      close(rtcp);  // RTCP is not read
      header = "Transport: RTP/AVP;unicast;client_port=" + std::to_string(port) + "-" + std::to_string(port + 1) + "\r\n";
    }
    if (!request("SETUP", track, header, reply)) return false;
    channel += 2;
  }
  return request("PLAY", url, "Range: npt=0.000-\r\n", reply);
}

bool rtp_h264_has_idr(const uint8_t* d, size_t size) {
  if (size < 13) return false;
  size_t header = 12 + 4 * (d[0] & 0x0f);
  if ((d[0] & 0x10) && size >= header + 4) header += 4 + 4 * ((size_t(d[header + 2]) << 8) | d[header + 3]);
  if (size <= header) return false;
  int type = d[header] & 0x1f;
  if (type == 28 && size > header + 1) type = d[header + 1] & 0x1f;  // FU-A
  if (type == 5) return true;
  if (type == 24)  // STAP-A: every NAL unit in it
    for (size_t at = header + 1; at + 2 < size; at += 2 + ((size_t(d[at]) << 8) | d[at + 1]))
      if ((d[at + 2] & 0x1f) == 5) return true;
  return false;
}

bool rtsp_raw_client::recv_packet(std::string& packet, int& channel, int timeout_ms) {
  if (!udp_.empty()) {
    if (video_track_ < 0 || size_t(video_track_) >= udp_.size()) return false;
    pollfd p{udp_[size_t(video_track_)], POLLIN, 0};
    if (poll(&p, 1, timeout_ms) <= 0) return false;
    char buf[65536];
    auto n = recv(p.fd, buf, sizeof buf, 0);
    if (n <= 0) return false;
    packet.assign(buf, size_t(n));
    channel = 2 * video_track_;
    return true;
  }
  while (true) {
    if (left_.size() >= 4 && left_[0] == '$') {
      size_t size = 4 + ((size_t(uint8_t(left_[2])) << 8) | uint8_t(left_[3]));
      if (left_.size() >= size) {
        channel = uint8_t(left_[1]);
        packet = left_.substr(4, size - 4);
        left_.erase(0, size);
        return true;
      }
    } else if (!left_.empty() && left_[0] != '$') {
      return false;  // not media
    }
    if (read_some(0, timeout_ms) <= 0) return false;
    char buf[65536];
    auto n = read(fd_, buf, sizeof buf);
    if (n <= 0) return false;
    left_.append(buf, size_t(n));
  }
}

rtsp_raw_client::first_video rtsp_raw_client::read_first_video(int timeout_ms) {
  first_video out;
  auto deadline = now_ms() + timeout_ms;
  std::string packet;
  int channel = -1;
  while (now_ms() < deadline && recv_packet(packet, channel, int(deadline - now_ms()) + 1)) {
    if (channel != 2 * video_track_ || packet.size() < 13) continue;
    auto* d = reinterpret_cast<const uint8_t*>(packet.data());
    if (!out.received) {
      out.received = true;
      out.first_packet_ms = now_ms() - play_sent_ms_;
    }
    if (rtp_h264_has_idr(d, packet.size())) out.starts_on_keyframe = true;
    if (d[1] & 0x80) {
      out.first_frame_ms = now_ms() - play_sent_ms_;
      break;
    }
  }
  return out;
}

int rtsp_raw_client::read_some(size_t max, int timeout_ms) {
  pollfd p{fd_, POLLIN, 0};
  if (poll(&p, 1, timeout_ms) <= 0) return 0;
  if (max == 0) return 1;
  std::vector<char> buf(max);
  auto n = read(fd_, buf.data(), max);
  return n > 0 ? int(n) : -1;
}

}  // namespace sy::test
