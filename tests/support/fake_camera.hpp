// fake_camera: an RTSP camera for tests, in-process, on 127.0.0.1 and port 0.
// Serves /stream from videotestsrc (H.264, optionally with audio) on its own
// GMainContext thread. stop() closes every client and frees the port; start()
// again re-binds the same port, like a camera that reboots.
#pragma once

#include <gst/rtsp-server/rtsp-server.h>

#include <atomic>
#include <vector>
#include <string>
#include <thread>

namespace sy::test {

struct camera_options {
  std::string size = "320x240";
  int fps = 25;
  int gop = 25;
  std::string audio;  // "", "aac", "opus", "pcmu"
  std::string username, password;  // Basic/Digest auth when set
  std::string clip;  // an H.264 byte-stream file looped at `fps` instead of encoding (benchmarks)
};

class fake_camera {
 public:
  explicit fake_camera(camera_options opts = {});
  ~fake_camera();
  /// Binds (to `port`, 0: any) and serves; returns the bound port.
  int start(int port = 0);
  void stop();
  int port() const { return port_; }
  std::string url() const;  // rtsp://[user:pass@]127.0.0.1:port/stream
  /// How many times a client has had the media built (one per source connection).
  int media_count() const;
  /// How many RTSP client connections the camera has accepted.
  int client_count() const { return clients_.load(); }

 private:
  camera_options opts_;
  GMainContext* context_ = nullptr;
  GMainLoop* loop_ = nullptr;
  GstRTSPServer* server_ = nullptr;
  std::thread thread_;
  int port_ = 0;
  guint source_id_ = 0;
  std::atomic<int> constructed_{0};
  std::vector<GstBuffer*> clip_units_;  // the clip's access units, loaded once
  std::atomic<int> clients_{0};
};

/// The launch line fake_camera serves (also used by the standalone helper).
std::string camera_launch(const camera_options& opts);

}  // namespace sy::test
