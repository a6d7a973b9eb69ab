// mjpeg_fanout: one watched stream's JPEG frames, shared by all its MJPEG viewers
// (GET /api/stream.mjpeg, the WebSocket API's `mjpeg`).
//
// Attaches like every output (README, "How an output attaches"): one hub
// subscription per stream, however many viewers. A camera that sends JPEG is passed
// through; H.264/H.265 is decoded and encoded once per stream, in a pipeline of its
// own (appsrc, leaky, -> decodebin -> jpegenc -> appsink), so the source's thread
// only queues. Viewers take the latest frame when they are ready for one: a slow
// viewer skips frames and never holds the encoder or another viewer. The last viewer
// to let go of the fanout ends the branch and its subscription.
#pragma once

#include <gst/gst.h>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>

#include "pipelines/hub/track_hub.hpp"

namespace sy {

class mjpeg_fanout {
 public:
  /// The stream's fanout, made on first use; nullptr (with `error`) when the stream
  /// has no video track or the hub is closing.
  static std::shared_ptr<mjpeg_fanout> for_hub(const hub_ptr& hub, std::string& error);
  ~mjpeg_fanout();
  mjpeg_fanout(const mjpeg_fanout&) = delete;
  mjpeg_fanout& operator=(const mjpeg_fanout&) = delete;

  /// Waits up to `timeout` for a frame newer than `seq` (0: any); then `jpeg` holds
  /// it and `seq` its number. False when the stream ended; true with `jpeg` empty on
  /// a timeout.
  bool next(uint64_t& seq, std::string& jpeg, std::chrono::milliseconds timeout);
  /// Whether frames are encoded here (false: the camera's JPEG passed through).
  bool transcodes() const { return pipeline_ != nullptr; }

 private:
  class passthrough_sink;
  mjpeg_fanout() = default;
  bool start_transcode(int track, std::string& error);
  void publish(GstBuffer* jpeg);  // takes the reference
  void finish();
  static GstFlowReturn on_sample(GstElement* sink, gpointer self);
  static void on_eos(GstElement* sink, gpointer self);

  hub_ptr hub_;
  uint64_t subscription_ = 0;
  GstElement* pipeline_ = nullptr;
  std::mutex mutex_;
  std::condition_variable changed_;
  GstBuffer* latest_ = nullptr;
  uint64_t seq_ = 0;
  bool ended_ = false;
};

}  // namespace sy
