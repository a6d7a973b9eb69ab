// keyframe_gate: a client that joins a shared RTSP media already playing to someone
// else starts on the next keyframe instead of mid-GOP.
//
// The first client of a media gets the stream's cached GOP at once (the hub's
// subscription starts on a keyframe). Later clients share that media's packets, so
// they would start wherever the stream is. The gate takes a joiner's transports out
// of their streams' send lists right after its PLAY and puts them back when the
// first packet of a keyframe (the one rtph264pay/rtph265pay leave unflagged as a
// delta unit) reaches the sink that serves that kind of transport (an appsink for
// TCP, a multiudpsink for UDP), so the joiner's first packet is that one. A joiner
// waits 4 s at most: a slow client in the send list makes the shared media crawl at
// its pace, and the next keyframe may be a minute away; past that, the joiner starts
// mid-GOP rather than (almost) never.
#pragma once

#include <gst/rtsp-server/rtsp-server.h>

namespace sy {

/// Installs a gate on `media`, keyed on the RTP payload type of `video_payloader`'s
/// packets (a media with no video gets no gate: any audio packet is a fine start).
/// `timers` is the main context of the RTSP server, where the wait limit is checked.
void install_keyframe_gate(GstRTSPMedia* media, GstElement* video_payloader, GMainContext* timers);

/// Connects a client's PLAY, PAUSE, TEARDOWN and close to the gates of what it plays.
void watch_client_plays(GstRTSPClient* client);

}  // namespace sy
