#include "pipelines/rtsp_message.hpp"

#include <cstring>
#include <strings.h>

namespace sy {
namespace {

constexpr size_t max_head = 64 * 1024;
constexpr size_t max_body = 64 * 1024;
using headers_t = std::vector<std::pair<std::string, std::string>>;

std::string trim(const std::string& s) {
  auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return {};
  auto e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

// "a-b" or "a": both ports (b = a + 1 when absent); false when not numbers.
bool parse_range(const std::string& v, int& a, int& b) {
  char* end = nullptr;
  long x = std::strtol(v.c_str(), &end, 10);
  if (end == v.c_str() || x < 0 || x > 65535) return false;
  long y = x + 1;
  if (*end == '-') {
    char* end2 = nullptr;
    y = std::strtol(end + 1, &end2, 10);
    if (end2 == end + 1 || y < 0 || y > 65535) return false;
  }
  a = int(x);
  b = int(y);
  return true;
}

bool parse_one_transport(const std::string& spec, rtsp_transport& out) {
  rtsp_transport t;
  bool rtp = false, unicast = true;
  size_t pos = 0;
  bool first = true;
  while (pos <= spec.size()) {
    auto next = spec.find(';', pos);
    auto part = trim(spec.substr(pos, next == std::string::npos ? std::string::npos : next - pos));
    pos = next == std::string::npos ? spec.size() + 1 : next + 1;
    if (first) {
      first = false;
      if (strcasecmp(part.c_str(), "RTP/AVP") == 0 || strcasecmp(part.c_str(), "RTP/AVP/UDP") == 0) rtp = true;
      else if (strcasecmp(part.c_str(), "RTP/AVP/TCP") == 0) rtp = t.tcp = true;
      continue;
    }
    auto eq = part.find('=');
    auto key = part.substr(0, eq);
    auto value = eq == std::string::npos ? std::string{} : part.substr(eq + 1);
    int a = 0, b = 0;
    if (strcasecmp(key.c_str(), "multicast") == 0) unicast = false;
    else if (strcasecmp(key.c_str(), "interleaved") == 0 && parse_range(value, a, b)) t.channel = a;
    else if (strcasecmp(key.c_str(), "client_port") == 0 && parse_range(value, a, b)) {
      t.client_rtp_port = a;
      t.client_rtcp_port = b;
    }
  }
  if (!rtp) return false;
  if (!unicast) {
    out.multicast = true;
    return false;
  }
  if (!t.tcp && t.client_rtp_port <= 0) return false;
  out = t;
  return true;
}

std::string find_header(const headers_t& headers, const std::string& name) {
  for (auto& [k, v] : headers)
    if (strcasecmp(k.c_str(), name.c_str()) == 0) return v;
  return {};
}

// The head (first line, headers) and body of one message: bytes used, 0 when
// incomplete, -1 when malformed.
long parse_message(const char* data, size_t size, std::string& first, headers_t& headers, std::string& body) {
  const char* end = static_cast<const char*>(memmem(data, size, "\r\n\r\n", 4));
  if (!end) return size > max_head ? -1 : 0;
  size_t head_size = size_t(end - data) + 4;
  std::string head(data, head_size - 4);
  size_t line_end = head.find("\r\n");
  first = head.substr(0, line_end);
  headers.clear();
  size_t pos = line_end == std::string::npos ? head.size() : line_end + 2;
  while (pos < head.size()) {
    auto e = head.find("\r\n", pos);
    if (e == std::string::npos) e = head.size();
    auto line = head.substr(pos, e - pos);
    pos = e + 2;
    auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    headers.emplace_back(trim(line.substr(0, colon)), trim(line.substr(colon + 1)));
  }
  size_t body_size = 0;
  auto length = find_header(headers, "Content-Length");
  if (!length.empty()) {
    char* e = nullptr;
    long n = std::strtol(length.c_str(), &e, 10);
    if (n < 0 || size_t(n) > max_body) return -1;
    body_size = size_t(n);
  }
  if (size < head_size + body_size) return 0;
  body.assign(data + head_size, body_size);
  return long(head_size + body_size);
}

}  // namespace

std::string rtsp_request::header(const std::string& name) const { return find_header(headers, name); }

std::string rtsp_request::path() const {
  auto p = uri;
  auto scheme = p.find("://");
  if (scheme != std::string::npos) {
    auto slash = p.find('/', scheme + 3);
    p = slash == std::string::npos ? std::string{} : p.substr(slash);
  }
  auto q = p.find('?');
  if (q != std::string::npos) p.resize(q);
  while (!p.empty() && p.front() == '/') p.erase(0, 1);
  while (!p.empty() && p.back() == '/') p.pop_back();
  return p;
}

long parse_rtsp_request(const char* data, size_t size, rtsp_request& out) {
  rtsp_request req;
  std::string first;
  auto used = parse_message(data, size, first, req.headers, req.body);
  if (used <= 0) return used;
  auto s1 = first.find(' '), s2 = first.rfind(' ');
  if (s1 == std::string::npos || s2 == s1 || first.compare(s2 + 1, 5, "RTSP/") != 0) return -1;
  req.method = first.substr(0, s1);
  req.uri = first.substr(s1 + 1, s2 - s1 - 1);
  out = std::move(req);
  return used;
}

long parse_rtsp_reply(const char* data, size_t size, rtsp_reply& out) {
  if (size >= 5 && std::memcmp(data, "RTSP/", 5) != 0) return -1;
  rtsp_reply reply;
  std::string first;
  auto used = parse_message(data, size, first, reply.headers, reply.body);
  if (used <= 0) return used;
  auto sp = first.find(' ');
  if (sp == std::string::npos) return -1;
  reply.status = std::atoi(first.c_str() + sp + 1);
  if (reply.status < 100 || reply.status > 999) return -1;
  out = std::move(reply);
  return used;
}

std::string rtsp_reply::header(const std::string& name) const { return find_header(headers, name); }

size_t interleaved_frame_size(const char* data, size_t size) {
  if (size < 4) return 0;
  size_t n = 4 + ((size_t(uint8_t(data[2])) << 8) | uint8_t(data[3]));
  return size < n ? 0 : n;
}

const char* rtsp_reason(int status) {
  switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 454: return "Session Not Found";
    case 455: return "Method Not Valid in This State";
    case 459: return "Aggregate Operation Not Allowed";
    case 461: return "Unsupported Transport";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    default: return "Error";
  }
}

std::string rtsp_response(int status, const std::string& cseq, const std::vector<std::string>& headers,
                          const std::string& body) {
  std::string out = "RTSP/1.0 " + std::to_string(status) + " " + rtsp_reason(status) + "\r\n";
  if (!cseq.empty()) out += "CSeq: " + cseq + "\r\n";
  out += "Server: Switchyard\r\n";
  for (auto& h : headers) out += h + "\r\n";
  if (!body.empty()) out += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  out += "\r\n";
  out += body;
  return out;
}

bool parse_rtsp_transport(const std::string& header, rtsp_transport& out) {
  size_t pos = 0;
  while (pos <= header.size()) {
    auto next = header.find(',', pos);
    auto spec = header.substr(pos, next == std::string::npos ? std::string::npos : next - pos);
    pos = next == std::string::npos ? header.size() + 1 : next + 1;
    if (parse_one_transport(trim(spec), out)) return true;
  }
  return false;
}

}  // namespace sy
