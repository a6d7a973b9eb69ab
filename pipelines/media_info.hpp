// Value types that describe a stream's media as the data plane sees it: its tracks
// and the consumers subscribed to it. Plain values; the actor protocol carries them.
#pragma once

#include <cstdint>
#include <string>

namespace sy {

/// One media track of a running source, as the API shows it.
struct track_info {
  std::string kind;      // "video" | "audio"
  std::string codec;     // go2rtc spelling: H264, H265, MPEG4-GENERIC, OPUS, PCMU, PCMA
  std::string caps;      // GStreamer caps structure name of the parsed elementary stream
  uint32_t clock_rate = 0;
  uint32_t channels = 0;
  uint32_t width = 0;
  uint32_t height = 0;
  uint64_t bytes = 0;
  uint64_t packets = 0;
};

/// What a consumer of a stream is; rendered as go2rtc's "format_name".
enum class consumer_kind : uint8_t {
  rtsp = 0,      // an RTSP media (all the RTSP clients of one stream share it)
  snapshot = 1,  // GET /api/frame.jpeg
  probe = 2,     // GET /api/streams?src=..&video=..: connect once, report, leave
  relay = 3,     // another stream whose source is this one (alias, stream-name source)
  test = 4,      // a test's own subscriber
  mp4 = 5,       // GET /api/stream.mp4, /api/frame.mp4: one per HTTP viewer
  mse = 6,       // GET /api/ws, `mse`: one per WebSocket viewer
  mjpeg = 7,     // GET /api/stream.mjpeg, WebSocket `mjpeg`: one per watched stream
  hls = 8,       // GET /api/stream.m3u8, WebSocket `hls`: one per HLS session
  webrtc = 9,    // POST /api/webrtc: one per WebRTC viewer
};
const char* consumer_kind_name(consumer_kind kind);

/// One consumer subscribed to a stream's hub.
struct consumer_info {
  uint64_t id = 0;
  consumer_kind kind = consumer_kind::rtsp;
  uint64_t bytes = 0;
  uint64_t packets = 0;
  uint64_t dropped = 0;
};

}  // namespace sy
