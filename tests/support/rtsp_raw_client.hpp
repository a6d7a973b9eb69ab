// rtsp_raw_client: a minimal RTSP client over a plain socket, for tests that need
// to control how fast (or whether) a viewer reads, or to time what arrives after
// PLAY: DESCRIBE, SETUP of every track (interleaved on the same connection, or to
// UDP ports of its own), PLAY; then the test reads as it likes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace sy::test {

/// Whether one H.264 RTP packet (header included) carries an IDR slice (as a single
/// NAL unit, inside a STAP-A or as an FU-A fragment).
bool rtp_h264_has_idr(const uint8_t* packet, size_t size);

class rtsp_raw_client {
 public:
  /// Connects to 127.0.0.1:`port` with a small receive buffer (`rcvbuf` bytes), so
  /// that a slow reader pushes back on the server at once.
  rtsp_raw_client(int port, int rcvbuf = 4096);
  ~rtsp_raw_client();
  rtsp_raw_client(const rtsp_raw_client&) = delete;
  rtsp_raw_client& operator=(const rtsp_raw_client&) = delete;

  /// DESCRIBE, SETUP (TCP interleaved, or "udp") of every media of the SDP, PLAY.
  /// False with error() set if any step is not answered 200.
  bool play(const std::string& url, const std::string& transport = "tcp");

  /// What the first H.264 video packets after PLAY looked like.
  struct first_video {
    bool received = false;
    bool starts_on_keyframe = false;  // the first frame has an IDR slice
    double first_packet_ms = -1;      // after PLAY was sent
    double first_frame_ms = -1;       // the first frame's last packet (marker bit)
  };
  /// Reads the video track's RTP (the SDP's first m=video) for up to `timeout_ms`.
  first_video read_first_video(int timeout_ms);
  /// Reads up to `max` bytes, waiting up to `timeout_ms`; returns the count, 0 on
  /// timeout, -1 once the server closed the connection.
  int read_some(size_t max, int timeout_ms);
  const std::string& error() const { return error_; }

 private:
  bool request(const std::string& method, const std::string& url, const std::string& headers, std::string& reply);
  bool recv_packet(std::string& packet, int& channel, int timeout_ms);
  int fd_ = -1;
  int cseq_ = 0;
  std::string left_;           // bytes read after the last reply (media after PLAY)
  std::vector<int> udp_;       // UDP: RTP socket per track
  int video_track_ = -1;
  double play_sent_ms_ = 0;
  std::string session_;
  std::string error_;
};

}  // namespace sy::test
