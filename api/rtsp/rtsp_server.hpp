// rtsp_server: this node's RTSP front (gst-rtsp-server).
//
// Binds the RTSP port and runs the server on its own GMainContext thread; mount()
// and unmount() are marshalled onto it. Each stream gets one shared media factory at
// /NAME (pipelines/rtsp/media_factory.hpp) whose media opens the stream through the
// registry when its first client asks (lookup + attach on the client's pool thread,
// which may block), and releases it when the media is freed. unmount() also closes
// the path's client sessions. Owned by the rtsp_mounts actor, which follows the
// registry's stream events (actors/rtsp_mounts_actor.hpp).
#pragma once

#include <caf/all.hpp>

#include <memory>
#include <string>

#include "actors/blocking_calls.hpp"
#include "actors/rtsp_mounts_actor.hpp"
#include "api/listen_addr.hpp"

namespace sy {

class rtsp_server final : public mount_target {
 public:
  /// Binds and starts serving; on failure port() is 0 and error() says why. Streams
  /// are opened through `registry` (held weakly) with `calls`, which must outlive the
  /// server's clients.
  rtsp_server(listen_addr addr, blocking_calls& calls, const registry_actor& registry);
  ~rtsp_server() override;
  rtsp_server(const rtsp_server&) = delete;
  rtsp_server& operator=(const rtsp_server&) = delete;

  uint16_t port() const { return port_; }
  const std::string& error() const { return error_; }

  void mount(const std::string& name) override;
  void unmount(const std::string& name) override;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
  uint16_t port_ = 0;
  std::string error_;
};

}  // namespace sy
