// hls_session: one HLS viewer of a stream (GET /api/stream.m3u8, WebSocket `hls`).
// It reads an mp4_viewer's units (its own bounded queue on the stream's hub) and
// cuts them into short segments, MPEG-TS (ts_writer) or fMP4 (fmp4_writer, with an
// init segment): a segment closes at the first video unit (any unit without video)
// at least `segment_target` after its start, so a player is a second or two behind
// live whatever the camera's GOP. The first segment holds the stream's cached GOP, so
// it starts on a keyframe (and is at least `segment_target` long: Chromium refuses a
// shorter first segment). The media playlist follows the player, as go2rtc's does,
// and waits until it has something new for it: the first lists `listed` segments
// (Chromium plays no live playlist with fewer, and starts three from its end); later
// ones the `listed` the player took last, for context (without them Chromium loses
// fMP4 data), then up to `listed` new ones. A player that was listed many new
// segments at once jumps to the end, off a keyframe; this way it never skips.
// Cutting happens when a request asks, on the request's thread. The last `kept`
// segments are kept.
// Thread-safe: requests of one viewer may come on several connections at once.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>

#include "pipelines/hls/ts_writer.hpp"
#include "pipelines/mp4/fmp4_writer.hpp"
#include "pipelines/mp4/mp4_viewer.hpp"

namespace sy {

class hls_session {
 public:
  enum class format { ts, fmp4 };
  static constexpr GstClockTime segment_target = GST_SECOND / 2;
  static constexpr size_t kept = 8;
  static constexpr size_t listed = 3;

  /// From a viewer that has started (mp4_viewer::wait_started); `accepted` limits
  /// the codecs (fMP4 only, as for MSE). nullptr with `error` when no track fits.
  static std::unique_ptr<hls_session> make(std::shared_ptr<mp4_viewer> viewer, format f, const std::string& accepted,
                                           std::string& error);
  ~hls_session();

  format kind() const { return format_; }
  /// RFC 6381 codec strings of the carried tracks, comma-separated.
  std::string codecs() const;
  /// fMP4's init segment (empty for TS).
  std::string init() const;
  /// The media playlist; segment URIs are `segment.ts?id=ID&n=N` (or `.m4s` and
  /// an `init.mp4?id=ID` map); it ends with #EXT-X-ENDLIST once the stream ended.
  /// Waits up to `wait` for a segment the player has not taken; "" if there is none.
  std::string playlist(const std::string& id, std::chrono::milliseconds wait);
  /// Segment `n` into `out`, waiting up to `wait` if it is the one being built.
  /// False when it is gone, was never listed, or the stream ended first.
  bool segment(uint64_t n, std::chrono::milliseconds wait, std::string& out);

 private:
  struct segment_data {
    uint64_t n;
    double seconds;
    std::string bytes;
  };
  hls_session() = default;
  // Takes what the viewer queued (waiting up to `wait` for something) into segments;
  // false once the stream ended and nothing is left. Caller holds mutex_.
  bool pump(std::chrono::milliseconds wait, bool backlog = false);
  void add(int track, GstBuffer* unit);
  void close_segment(GstClockTime next_start);

  std::shared_ptr<mp4_viewer> viewer_;
  format format_ = format::ts;
  std::unique_ptr<ts_writer> ts_;
  std::unique_ptr<fmp4_writer> mp4_;
  std::mutex mutex_;
  std::deque<segment_data> done_;
  uint64_t next_n_ = 0;          // of the segment being built
  uint64_t taken_ = 0;           // one past the highest segment the player took
  std::string building_;
  GstClockTime start_ = GST_CLOCK_TIME_NONE;  // of the segment being built
  GstClockTime last_ = GST_CLOCK_TIME_NONE;   // PTS of the last unit added
  GstClockTime cut_after_ = segment_target;   // the first segment's length: the cached GOP
  bool ended_ = false;
  int target_seconds_ = 0;       // EXT-X-TARGETDURATION, fixed by the first playlist
};

}  // namespace sy
