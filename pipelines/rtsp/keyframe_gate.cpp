#include "pipelines/rtsp/keyframe_gate.hpp"

#include <gst/rtp/gstrtpbuffer.h>

#include <algorithm>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

// How the gate stays consistent with gst-rtsp-server's own bookkeeping: a joiner's
// transport is activated by its PLAY as usual (gst_rtsp_stream_transport_set_active,
// which also counts the media's active transports). The gate then only takes it out
// of its stream's send list and puts it back (gst_rtsp_stream_remove/add_transport),
// which that bookkeeping does not see. Whenever gst-rtsp-server is about to
// deactivate a held transport (TEARDOWN, PAUSE), the gate puts it back first so the
// deactivation finds it; when a client has gone away (its clean-up may have found a
// held transport missing), the gate deactivates that client's transports itself
// through gst_rtsp_media_set_state, which is a no-op for those already inactive.

namespace sy {
namespace {

constexpr const char* gate_key = "sy-keyframe-gate";

// One transport of a late joiner, from its PLAY until its client goes away.
struct joiner {
  GstRTSPStreamTransport* transport;   // owned
  GstRTSPMedia* media;                 // owned
  GstRTSPSessionMedia* session_media;  // identity only, never dereferenced
  GstRTSPClient* client;               // identity only, never dereferenced
  bool tcp = false;
  bool out = false;  // taken out of its stream's send list by the gate
};

void release(joiner& j) {
  g_object_unref(j.transport);
  g_object_unref(j.media);
}

void send_to(GstRTSPStreamTransport* t, bool on) {
  auto* stream = gst_rtsp_stream_transport_get_stream(t);
  if (!stream) return;
  if (on) gst_rtsp_stream_add_transport(stream, t);
  else gst_rtsp_stream_remove_transport(stream, t);
}

// How long a joiner waits for a keyframe at most. gst-rtsp-server pulls a packet only
// when a client in the send list can take it: with one slow client in it, the media
// crawls at that client's pace and the next keyframe may be a minute away (a joiner
// held out of the list cannot speed it up). After this, the joiner is let in mid-GOP;
// its own pace then drives the media, and the slow client is dropped once its backlog
// is full. Cameras' GOPs are 1-4 s: a stream that flows lets joiners in before.
constexpr gint64 max_wait_us = 4000000;
constexpr guint wait_check_ms = 250;

// Per media. Send lists change only under `mutex`.
struct gate {
  std::mutex mutex;
  guint video_pt = 0;
  GMainContext* timers = nullptr;  // owned
  bool playing = false;         // a PLAY has been answered: whoever joins now is late
  std::vector<joiner> waiting;  // held until a keyframe (out once their PLAY is answered)
  std::vector<joiner> let_in;   // kept until their client goes away

  ~gate() {
    if (timers) g_main_context_unref(timers);
    for (auto& j : waiting) release(j);
    for (auto& j : let_in) release(j);
  }
};
using gate_ptr = std::shared_ptr<gate>;

// Which gates hold joiners of a client.
std::mutex clients_mutex;
std::map<GstRTSPClient*, std::vector<gate_ptr>> clients;

void after_close(GstRTSPClient* client);

// Each GLib hook that needs the gate holds its own gate_ptr, freed with the hook.
void free_gate(gpointer p) { delete static_cast<gate_ptr*>(p); }
void free_gate_closure(gpointer p, GClosure*) { free_gate(p); }

gate_ptr* gate_of(GstRTSPMedia* media) {
  return media ? static_cast<gate_ptr*>(g_object_get_data(G_OBJECT(media), gate_key)) : nullptr;
}

enum class packet { rtcp, rtp, keyframe_start };

// RTCP, RTP, or the first RTP packet of a video keyframe of payload type `pt`.
packet classify(GstBuffer* buf, guint pt) {
  GstRTPBuffer rtp = GST_RTP_BUFFER_INIT;
  if (!buf || !gst_rtp_buffer_map(buf, GST_MAP_READ, &rtp)) return packet::rtcp;
  bool video = gst_rtp_buffer_get_payload_type(&rtp) == pt;
  gst_rtp_buffer_unmap(&rtp);
  return video && !GST_BUFFER_FLAG_IS_SET(buf, GST_BUFFER_FLAG_DELTA_UNIT) ? packet::keyframe_start : packet::rtp;
}

// Puts the waiting joiners that `which` picks back into their send lists. With g.mutex.
template <class Pick>
void let_in(gate& g, Pick which) {
  for (auto it = g.waiting.begin(); it != g.waiting.end();) {
    if (!it->out || !which(*it)) {
      ++it;
      continue;
    }
    send_to(it->transport, true);
    it->out = false;
    g.let_in.push_back(*it);
    it = g.waiting.erase(it);
  }
}

struct sink_watch {
  gate_ptr g;
  bool tcp;
};

// Streaming thread of an RTP/RTCP sink, just before it sends: the first packet of a
// keyframe lets in the waiting joiners of that sink's kind of transport.
GstPadProbeReturn on_sink_input(GstPad*, GstPadProbeInfo* info, gpointer data) {
  auto* w = static_cast<sink_watch*>(data);
  auto& g = *w->g;
  auto seen = packet::rtcp;
  if (info->type & GST_PAD_PROBE_TYPE_BUFFER) seen = classify(GST_PAD_PROBE_INFO_BUFFER(info), g.video_pt);
  if (info->type & GST_PAD_PROBE_TYPE_BUFFER_LIST) {
    auto* list = GST_PAD_PROBE_INFO_BUFFER_LIST(info);
    for (guint i = 0; list && i < gst_buffer_list_length(list) && seen != packet::keyframe_start; ++i)
      seen = std::max(seen, classify(gst_buffer_list_get(list, i), g.video_pt));
  }
  if (seen != packet::keyframe_start) return GST_PAD_PROBE_OK;
  std::lock_guard<std::mutex> lock{g.mutex};
  let_in(g, [w](const joiner& j) { return j.tcp == w->tcp; });
  return GST_PAD_PROBE_OK;
}

// gst-rtsp-server adds its sinks to the media's pipeline when the first client of
// each kind of transport sets up: watch each one as it comes.
void on_element_added(GstBin*, GstBin*, GstElement* element, gpointer data) {
  auto* factory = gst_element_get_factory(element);
  if (!factory) return;
  std::string kind = GST_OBJECT_NAME(factory);
  if (kind != "appsink" && kind != "multiudpsink") return;
  auto* pad = gst_element_get_static_pad(element, "sink");
  if (!pad) return;
  auto* w = new sink_watch{*static_cast<gate_ptr*>(data), kind == "appsink"};
  gst_pad_add_probe(pad, GstPadProbeType(GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_BUFFER_LIST), on_sink_input,
                    w, [](gpointer p) { delete static_cast<sink_watch*>(p); });
  gst_object_unref(pad);
}

// Before a PLAY is handled: the transports of a joiner of a media already playing
// wait for a keyframe.
GstRTSPStatusCode on_pre_play(GstRTSPClient* client, GstRTSPContext* ctx, gpointer) {
  auto* g = gate_of(ctx->media);
  if (!g || !ctx->sessmedia) return GST_RTSP_STS_OK;
  std::lock_guard<std::mutex> clients_lock{clients_mutex};
  std::lock_guard<std::mutex> lock{(*g)->mutex};
  if (!(*g)->playing) return GST_RTSP_STS_OK;  // the first client: it gets the cached GOP
  auto& waiting = (*g)->waiting;
  bool added = false;
  for (guint i = 0; i < gst_rtsp_media_n_streams(ctx->media); ++i) {
    auto* t = gst_rtsp_session_media_get_transport(ctx->sessmedia, i);
    bool known = std::any_of(waiting.begin(), waiting.end(), [t](const joiner& j) { return j.transport == t; });
    if (!t || known) continue;  // a second PLAY while waiting
    bool tcp = gst_rtsp_stream_transport_get_transport(t)->lower_transport == GST_RTSP_LOWER_TRANS_TCP;
    (*g)->waiting.push_back({GST_RTSP_STREAM_TRANSPORT(g_object_ref(t)), GST_RTSP_MEDIA(g_object_ref(ctx->media)),
                             ctx->sessmedia, client, tcp, false});
    added = true;
  }
  if (!added) return GST_RTSP_STS_OK;
  auto it = clients.find(client);
  if (it == clients.end()) {
    it = clients.emplace(client, std::vector<gate_ptr>{}).first;
    // "closed" should come first; this covers a client that goes without it.
    g_object_weak_ref(G_OBJECT(client), [](gpointer, GObject* gone) { after_close(reinterpret_cast<GstRTSPClient*>(gone)); }, nullptr);
  }
  if (std::find(it->second.begin(), it->second.end(), *g) == it->second.end()) it->second.push_back(*g);
  return GST_RTSP_STS_OK;
}

// Watches one session's waiting joiners on the RTSP server's main context: past
// max_wait_us they are let in without a keyframe.
struct wait_watch {
  gate_ptr g;
  GstRTSPSessionMedia* session_media;  // identity only, never dereferenced
  gint64 since_us;
};

gboolean on_wait_check(gpointer data) {
  auto* w = static_cast<wait_watch*>(data);
  auto& g = *w->g;
  std::lock_guard<std::mutex> lock{g.mutex};
  auto mine = [w](const joiner& j) { return j.session_media == w->session_media; };
  if (std::none_of(g.waiting.begin(), g.waiting.end(), mine)) return G_SOURCE_REMOVE;
  if (g_get_monotonic_time() - w->since_us < max_wait_us) return G_SOURCE_CONTINUE;
  let_in(g, mine);
  return G_SOURCE_REMOVE;
}

// After a PLAY is answered (its transports are in their send lists now): out again
// until a keyframe. A packet may have gone out in between.
void on_play(GstRTSPClient*, GstRTSPContext* ctx, gpointer) {
  auto* g = gate_of(ctx->media);
  if (!g) return;
  std::lock_guard<std::mutex> lock{(*g)->mutex};
  (*g)->playing = true;
  bool held = false;
  for (auto& j : (*g)->waiting) {
    if (j.session_media != ctx->sessmedia || j.out) continue;
    send_to(j.transport, false);
    j.out = true;
    held = true;
  }
  if (!held) return;
  auto* source = g_timeout_source_new(wait_check_ms);
  g_source_set_callback(source, on_wait_check, new wait_watch{*g, ctx->sessmedia, g_get_monotonic_time()},
                        [](gpointer p) { delete static_cast<wait_watch*>(p); });
  g_source_attach(source, (*g)->timers);
  g_source_unref(source);
}

std::vector<joiner> take_joiners(const gate_ptr& g, GstRTSPClient* client, GstRTSPSessionMedia* only,
                                 bool let_in_too) {
  std::vector<joiner> mine;
  std::lock_guard<std::mutex> lock{g->mutex};
  auto take = [&](std::vector<joiner>& from) {
    for (auto it = from.begin(); it != from.end();) {
      if (it->client != client || (only && it->session_media != only)) {
        ++it;
        continue;
      }
      if (it->out) send_to(it->transport, true);  // where gst-rtsp-server expects it
      it->out = false;
      mine.push_back(*it);
      it = from.erase(it);
    }
  };
  take(g->waiting);
  if (let_in_too) take(g->let_in);
  return mine;
}

std::vector<gate_ptr> gates_of(GstRTSPClient* client, bool forget) {
  std::lock_guard<std::mutex> clients_lock{clients_mutex};
  auto it = clients.find(client);
  if (it == clients.end()) return {};
  auto gates = it->second;
  if (forget) clients.erase(it);
  return gates;
}

// Before gst-rtsp-server deactivates a session's transports (PAUSE, TEARDOWN): its
// waiting joiners go back into their send lists, where the deactivation expects them.
void before_deactivation(GstRTSPClient* client, GstRTSPContext* ctx) {
  if (!ctx->sessmedia) return;
  for (auto& g : gates_of(client, false))
    for (auto& j : take_joiners(g, client, ctx->sessmedia, false)) release(j);
}

// The client has gone away; its clean-up may have met a transport the gate had taken
// out. Every transport of its joiners is deactivated the way gst-rtsp-server does it
// (a no-op for those it has deactivated already).
void after_close(GstRTSPClient* client) {
  for (auto& g : gates_of(client, true)) {
    for (auto& j : take_joiners(g, client, nullptr, true)) {
      GPtrArray* one = g_ptr_array_new();
      g_ptr_array_add(one, j.transport);
      gst_rtsp_media_set_state(j.media, GST_STATE_NULL, one);
      g_ptr_array_unref(one);
      release(j);
    }
  }
}

}  // namespace

void install_keyframe_gate(GstRTSPMedia* media, GstElement* video_payloader, GMainContext* timers) {
  if (!video_payloader) return;
  auto g = std::make_shared<gate>();
  g->timers = g_main_context_ref(timers);
  g_object_get(video_payloader, "pt", &g->video_pt, nullptr);
  g_object_set_data_full(G_OBJECT(media), gate_key, new gate_ptr(g), free_gate);
  // A media that is prepared again starts over: its next first client is no joiner.
  g_signal_connect_data(media, "unprepared", G_CALLBACK(+[](GstRTSPMedia*, gpointer data) {
    auto& gt = **static_cast<gate_ptr*>(data);
    std::lock_guard<std::mutex> lock{gt.mutex};
    gt.playing = false;
  }), new gate_ptr(g), free_gate_closure, GConnectFlags(0));
  auto* element = gst_rtsp_media_get_element(media);
  if (auto* pipeline = gst_object_get_parent(GST_OBJECT(element))) {
    g_signal_connect_data(pipeline, "deep-element-added", G_CALLBACK(on_element_added), new gate_ptr(g),
                          free_gate_closure, GConnectFlags(0));
    gst_object_unref(pipeline);
  }
  gst_object_unref(element);
}

void watch_client_plays(GstRTSPClient* client) {
  g_signal_connect(client, "pre-play-request", G_CALLBACK(on_pre_play), nullptr);
  g_signal_connect(client, "play-request", G_CALLBACK(on_play), nullptr);
  auto before = +[](GstRTSPClient* c, GstRTSPContext* ctx, gpointer) -> GstRTSPStatusCode {
    before_deactivation(c, ctx);
    return GST_RTSP_STS_OK;
  };
  g_signal_connect(client, "pre-pause-request", G_CALLBACK(before), nullptr);
  g_signal_connect(client, "pre-teardown-request", G_CALLBACK(before), nullptr);
  g_signal_connect(client, "closed", G_CALLBACK(+[](GstRTSPClient* c, gpointer) { after_close(c); }), nullptr);
}

}  // namespace sy
