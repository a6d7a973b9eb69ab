// mp4_viewer: one HTTP viewer of a stream as fragmented MP4 (GET /api/stream.mp4,
// /api/frame.mp4, MSE over the WebSocket API); HLS sessions take its units raw.
//
// Attaches like every output (README, "How an output attaches"): it is a hub_sink of
// the stream's track hub, so it gets the tracks' caps, then the cached GOP (it starts
// on a keyframe at once), then live units, on the source's thread, which only queues
// references (no copy, no muxing, never blocks). The viewer's own thread (the HTTP
// connection's) takes them and writes the fragments. The queue is bounded: past
// `max_queued` bytes it is dropped and the viewer resumes at the next video keyframe,
// so a slow client never holds the source or another viewer. Leaving = destroying it:
// it unsubscribes at once.
#pragma once

#include <gst/gst.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "pipelines/hub/track_hub.hpp"
#include "pipelines/mp4/fmp4_writer.hpp"

namespace sy {

class mp4_viewer {
 public:
  static constexpr size_t max_queued = 8 * 1024 * 1024;

  /// Subscribes to `hub` as a consumer of `kind`; nullptr (with `error`) when the
  /// hub is closed.
  static std::shared_ptr<mp4_viewer> open(const hub_ptr& hub, consumer_kind kind, std::string& error);
  ~mp4_viewer();
  mp4_viewer(const mp4_viewer&) = delete;
  mp4_viewer& operator=(const mp4_viewer&) = delete;

  /// Waits up to `timeout` for what the file starts with: the caps of the stream's
  /// tracks and, if it has video, a keyframe. Then writer() is set, with the codecs
  /// in `accepted` (fmp4_writer::make); false when the stream has nothing an MP4 (or
  /// the client) can take, ended, or took too long (`error` says).
  bool wait_ready(std::chrono::milliseconds timeout, std::string& error, const std::string& accepted = {});
  /// The same wait, without making the writer (for who writes another format).
  bool wait_started(std::chrono::milliseconds timeout, std::string& error);
  /// The caps of the stream's tracks as they are now (new references; nullptr: none).
  std::vector<GstCaps*> caps() const;
  fmp4_writer& writer() { return *writer_; }

  /// Appends to `out` the fragments of what was queued, waiting up to `timeout`
  /// for something. False once the stream has ended and the queue is empty.
  bool next(std::string& out, std::chrono::milliseconds timeout);
  /// Moves the queued units (track, unit: the caller unrefs) to `out`, waiting up to
  /// `timeout` for one. False once the stream has ended and the queue is empty.
  bool take(std::deque<std::pair<int, GstBuffer*>>& out, std::chrono::milliseconds timeout);
  /// The first video keyframe (a new reference, nullptr if none came within
  /// `timeout`), and its track.
  GstBuffer* keyframe(std::chrono::milliseconds timeout, int& track);

  /// How many times the queue was dropped for a slow reader.
  uint64_t skips() const;

 private:
  class sink;
  mp4_viewer() = default;
  void on_caps(int track, GstCaps* caps);
  void on_unit(int track, GstBuffer* unit);
  void on_end();
  bool video_track(int track) const;  // caller holds mutex_

  hub_ptr hub_;
  uint64_t subscription_ = 0;
  std::vector<std::string> caps_names_;  // of the hub's tracks when it opened
  bool has_video_ = false;               // one of them is video: start on a keyframe
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<GstCaps*> caps_;
  std::deque<std::pair<int, GstBuffer*>> queue_;
  size_t queued_bytes_ = 0;
  bool started_ = false;  // a video keyframe came (or there is no video)
  bool ended_ = false;
  uint64_t skips_ = 0;
  std::unique_ptr<fmp4_writer> writer_;
};

}  // namespace sy
