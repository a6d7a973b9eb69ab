// keyframe_gate: a client that joins a shared RTSP media already playing to someone
// else starts on the next keyframe instead of mid-GOP.
//
// The first client of a media gets the stream's cached GOP at once (the hub's
// subscription starts on a keyframe). Later clients share that media's packets, so
// they would start wherever the stream is. The gate takes a joiner's transports out
// of their streams' send lists right after its PLAY and puts them back when the
// first packet of a keyframe (the one rtph264pay/rtph265pay leave unflagged as a
// delta unit) reaches the sink that serves that kind of transport (an appsink for
// TCP, a multiudpsink for UDP), so the joiner's first packet is that one.
#pragma once

#include <gst/rtsp-server/rtsp-server.h>

namespace sy {

/// Installs a gate on `media`, keyed on the RTP payload type of `video_payloader`'s
/// packets (a media with no video gets no gate: any audio packet is a fine start).
void install_keyframe_gate(GstRTSPMedia* media, GstElement* video_payloader);

/// Connects a client's PLAY, PAUSE, TEARDOWN and close to the gates of what it plays.
void watch_client_plays(GstRTSPClient* client);

}  // namespace sy
