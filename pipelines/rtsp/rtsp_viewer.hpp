// rtsp_viewer: the media side of one RTSP client connection.
//
// Receives the RTP packets of its stream's tracks, one access unit at a time, from
// the stream's rtsp_fanout (on the source's streaming thread) and writes them at once
// to the client: interleaved on the RTSP connection, or to the client's UDP ports.
// Nothing is copied unless the socket cannot take it now: the unsent rest waits in a
// bounded queue that the connection's thread flushes. A client that falls further
// behind than that bound loses the queue (but the packet it is in the middle of) and
// resumes at the next keyframe: it never slows the source or another viewer, and
// never makes the daemon buffer without bound. What a viewer skips while it waits
// for its first keyframe leaves no gap in its sequence numbers. RTSP responses go
// through the same queue, so they stay in order with the media.
#pragma once

#include <gst/gst.h>
#include <sys/socket.h>

#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace sy {

class rtsp_viewer {
 public:
  /// `tcp_fd`: the client's RTSP connection (not owned); `wake_fd`: an eventfd the
  /// connection thread polls (not owned), signalled when there is something to flush.
  rtsp_viewer(int tcp_fd, int wake_fd);
  ~rtsp_viewer();
  rtsp_viewer(const rtsp_viewer&) = delete;
  rtsp_viewer& operator=(const rtsp_viewer&) = delete;

  /// Track `track` goes interleaved on `channel` (RTCP: channel + 1, not sent).
  void set_tcp_track(int track, int channel);
  /// Track `track` goes to `dest` from `rtp_fd` (both UDP sockets are taken).
  void set_udp_track(int track, int rtp_fd, int rtcp_fd, const sockaddr_storage& dest, socklen_t dest_len);
  bool has_track(int track) const;

  /// An RTSP response, queued in order with the media.
  void send_text(const std::string& text);
  /// Starts (true) or stops (false) taking media; a start waits for a keyframe
  /// unless `at_keyframe` (the fanout is about to send one).
  void set_playing(bool playing, bool at_keyframe);
  /// The RTP packets of one access unit of `track`. `keyframe`: a viewer may start here.
  void send(int track, const std::vector<GstBuffer*>& packets, bool keyframe);
  /// From now on packet `next` of `track` goes out as `sent + 1`, `sent` being the
  /// sequence number this viewer gave the track's last packet (a burst numbered on its
  /// own, followed by the live packets).
  void continue_sequence(int track, uint16_t next);

  /// For the connection thread: writes what is queued. False when the socket is dead.
  bool flush();
  bool has_pending() const;
  /// Ends the connection (its thread sees the socket close).
  void close();

  // observation
  uint64_t packets_sent() const;
  uint64_t skips() const;

 private:
  struct track_out {
    int channel = -1;  // TCP
    int rtp_fd = -1;   // UDP
    int rtcp_fd = -1;
    sockaddr_storage dest{};
    socklen_t dest_len = 0;
    uint16_t seq_shift = 0;  // subtracted from every sequence number
    uint16_t last_sent = 0;  // the last sequence number sent
  };

  void send_tcp(track_out& t, const std::vector<GstBuffer*>& packets);
  void send_udp(track_out& t, const std::vector<GstBuffer*>& packets);
  bool queue(const char* data, size_t size, bool packet_end, bool text);  // false: overflowed
  void overflow();
  void wake();

  mutable std::mutex mutex_;
  int fd_;
  int wake_fd_;
  std::map<int, track_out> tracks_;
  bool playing_ = false;
  bool need_keyframe_ = true;
  bool dead_ = false;
  std::string pending_;          // bytes not yet written, from head_
  size_t head_ = 0;
  struct queued_end {
    size_t offset;  // in pending_, where a packet or a response ends
    bool text;      // a response (never dropped)
  };
  std::deque<queued_end> ends_;
  uint64_t packets_sent_ = 0;
  uint64_t skips_ = 0;
};

}  // namespace sy
