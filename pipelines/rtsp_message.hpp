// rtsp_message: RTSP/1.0 messages (RFC 2326), both ways: what the RTSP server reads
// and writes, and what the RTSP source reads. Pure: bytes to structs and back, no
// sockets.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace sy {

struct rtsp_request {
  std::string method;  // "DESCRIBE"
  std::string uri;     // as sent: rtsp://host:port/name/trackID=0?x
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  /// The value of header `name` (case-insensitive), empty when absent.
  std::string header(const std::string& name) const;
  /// The URI's path without the leading '/', the query and a trailing '/'.
  std::string path() const;
};

/// One request from the front of `data`. Returns the bytes it used, 0 when the
/// request is not complete yet, or -1 when the bytes are not an RTSP request (the
/// connection should be closed). A request head over 64 KiB is -1.
long parse_rtsp_request(const char* data, size_t size, rtsp_request& out);

/// A response as a client reads it: the status line's code, headers and body.
struct rtsp_reply {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string header(const std::string& name) const;
};
/// One response from the front of `data`: bytes used, 0 when incomplete, -1 when
/// the bytes are not an RTSP response.
long parse_rtsp_reply(const char* data, size_t size, rtsp_reply& out);

/// Bytes of an interleaved frame ('$', channel, 16-bit length, payload) at the front
/// of `data`: its whole size, 0 when incomplete.
size_t interleaved_frame_size(const char* data, size_t size);

/// "RTSP/1.0 <status> <reason>" with CSeq, the extra header lines (each "Name: value")
/// and the body (with Content-Length).
std::string rtsp_response(int status, const std::string& cseq, const std::vector<std::string>& headers,
                          const std::string& body = {});

/// The reason phrase of an RTSP status code.
const char* rtsp_reason(int status);

/// A parsed Transport header, the first alternative this server can serve.
struct rtsp_transport {
  bool tcp = false;          // RTP/AVP/TCP interleaved
  int channel = -1;          // interleaved RTP channel (RTCP is channel + 1)
  int client_rtp_port = -1;  // UDP
  int client_rtcp_port = -1;
  bool multicast = false;    // asked for multicast only (refused)
};
/// Parses "RTP/AVP/TCP;unicast;interleaved=0-1" or "RTP/AVP;unicast;client_port=a-b".
/// Returns false when no alternative is RTP/AVP unicast.
bool parse_rtsp_transport(const std::string& header, rtsp_transport& out);

}  // namespace sy
