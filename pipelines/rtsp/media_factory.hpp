// media_factory: the gst-rtsp-server side of one stream's RTSP mount.
//
// A shared media factory per stream: its media (built when the first client asks)
// is appsrc -> payloader per track, fed by the stream's hub from the media's first
// need-data until the media is freed. How the stream is opened (registry lookup,
// attach to the stream actor) is the caller's: the factory only gets a function.
// Also the per-client tuning every relay client needs.
#pragma once

#include <gst/rtsp-server/rtsp-server.h>

#include <functional>
#include <memory>
#include <string>

#include "pipelines/hub/track_hub.hpp"

namespace sy {

/// A stream opened for a media.
struct opened_stream {
  hub_ptr hub;                    // nullptr on failure
  std::function<void()> release;  // called once, when the media is freed
  std::string error;              // why it could not be opened
};

/// Opens stream `name` for a new media. Blocking (it may wait for a camera to
/// connect): gst-rtsp-server calls it on the client's pool thread.
using stream_opener = std::function<opened_stream(const std::string& name)>;

/// A new shared media factory for stream `name` (a full reference). `server_context`
/// is the main context the RTSP server runs on (its media's timers go there).
GstRTSPMediaFactory* make_media_factory(const std::string& name, std::shared_ptr<const stream_opener> open,
                                        GMainContext* server_context);

/// Tunes a newly connected client for relaying: TCP_NODELAY, rate control off after
/// each PLAY, and the keyframe gate (pipelines/rtsp/keyframe_gate.hpp).
void prepare_client(GstRTSPClient* client);

}  // namespace sy
