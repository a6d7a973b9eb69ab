#include "tests/support/rtsp_raw_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

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
}

bool rtsp_raw_client::request(const std::string& method, const std::string& url, const std::string& headers,
                              std::string& reply) {
  if (fd_ < 0) return false;
  auto text = method + " " + url + " RTSP/1.0\r\nCSeq: " + std::to_string(++cseq_) + "\r\n" + headers +
              (session_.empty() ? "" : "Session: " + session_ + "\r\n") + "User-Agent: switchyard-test\r\n\r\n";
  if (write(fd_, text.data(), text.size()) != ssize_t(text.size())) return false;
  reply.clear();
  size_t body = std::string::npos, length = 0;
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
  if (reply.rfind("RTSP/1.0 200", 0) != 0) {
    error_ = method + ": " + reply.substr(0, reply.find("\r\n"));
    return false;
  }
  std::smatch m;
  if (std::regex_search(reply, m, std::regex("Session: *([^;\r\n]+)", std::regex::icase))) session_ = m[1];
  return true;
}

bool rtsp_raw_client::play(const std::string& url) {
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
  if (controls.empty()) return error_ = "DESCRIBE: no media", false;
  int channel = 0;
  for (auto& c : controls) {
    auto track = c.rfind("rtsp://", 0) == 0 ? c : url + "/" + c;
    auto transport = "Transport: RTP/AVP/TCP;unicast;interleaved=" + std::to_string(channel) + "-" +
                     std::to_string(channel + 1) + "\r\n";
    if (!request("SETUP", track, transport, reply)) return false;
    channel += 2;
  }
  return request("PLAY", url, "Range: npt=0.000-\r\n", reply);
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
