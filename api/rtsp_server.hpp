// rtsp_server: gst-rtsp-server glue for this node.
//
// Runs the server on its own GMainContext thread; mount()/unmount() are
// marshalled onto it. Each stream gets one shared media factory at /NAME whose
// media is built when the first client asks for it: the factory attaches to the
// stream (lookup + attach on the client's pool thread, which may block), builds
// appsrc -> payloader per track, and subscribes the appsrcs to the stream's hub
// once they start. When the media is freed, the subscription ends and the stream
// is told the consumer left. unmount() also closes the path's client sessions.
// Owned by the rtsp_server actor (actors/rtsp_server_actor.hpp).
#pragma once

#include <caf/all.hpp>

#include <chrono>
#include <memory>
#include <string>

#include "actors/daemon_config.hpp"
#include "actors/protocol.hpp"
#include "actors/rtsp_server_actor.hpp"

namespace sy {

class rtsp_server final : public mount_target {
 public:
  struct env;  // what media factories need to reach the registry

  /// Binds and starts serving; on failure port() is 0 and error() says why.
  rtsp_server(caf::actor_system& sys, listen_addr addr, std::chrono::milliseconds attach_timeout);
  ~rtsp_server() override;
  rtsp_server(const rtsp_server&) = delete;
  rtsp_server& operator=(const rtsp_server&) = delete;

  uint16_t port() const { return port_; }
  const std::string& error() const { return error_; }

  /// The registry media factories look streams up in; set before the first mount.
  void set_registry(caf::actor_addr registry);

  void mount(const std::string& name) override;
  void unmount(const std::string& name) override;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
  uint16_t port_ = 0;
  std::string error_;
};

}  // namespace sy
