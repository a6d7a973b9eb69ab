// rtsp_server: this node's RTSP front.
//
// Binds the RTSP port; an accept thread hands each client to an rtsp_connection on a
// thread of its own. A stream is opened through the registry (lookup + attach) when
// its first client asks, as one rtsp_fanout shared by every client of that name,
// and released when the last one leaves. No per-stream state exists before that, so
// mount() and unmount() only close the sessions on a path whose stream was replaced
// or removed. Owned by the rtsp_mounts actor, which follows the registry's stream
// events (actors/rtsp_mounts_actor.hpp).
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
  /// server.
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
