// The one protocol header: every atom, message struct, error code and actor
// interface that crosses an actor boundary, grouped by recipient. The daemon,
// yardctl and the tests all register the same types (see register_protocol).
#pragma once

#include <caf/all.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace sy {

// ---- error codes (category atom "switchyard") --------------------------------
enum class errc : uint8_t {
  none = 0,
  invalid_name,          // empty, too long, control characters or invalid UTF-8
  no_sources,            // a stream needs at least one source
  source_not_supported,  // unknown scheme
  insecure_source,       // exec:/echo:/expr:/gst: outside the config file
  source_with_spaces,    // spaces in a source URL
  not_found,             // no stream of that name
  already_exists,        // create of a name that is taken
  source_failed,         // no source of the stream produced media in time
  persist_failed,        // the config file could not be written
  shutting_down,         // the daemon is stopping
  expired,               // a change reached the registry after its sender's deadline
};
caf::error make_error(errc code, std::string text);
// The text carried by an error made with make_error (or CAF's own rendering).
std::string error_text(const caf::error& err);
// The project code of an error, errc::none if it is not one of ours.
errc error_code(const caf::error& err);

// ---- value types -------------------------------------------------------------

/// One media track of a running source, as the API shows it.
struct track_info {
  std::string kind;      // "video" | "audio"
  std::string codec;     // go2rtc spelling: H264, H265, MPEG4-GENERIC, OPUS, PCMU, PCMA
  std::string caps;      // GStreamer caps of the parsed elementary stream
  uint32_t clock_rate = 0;
  uint32_t channels = 0;
  uint32_t width = 0;
  uint32_t height = 0;
  uint64_t bytes = 0;
  uint64_t packets = 0;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, track_info& x) {
  return f(caf::meta::type_name("track_info"), x.kind, x.codec, x.caps, x.clock_rate, x.channels,
           x.width, x.height, x.bytes, x.packets);
}

/// One consumer attached to a stream (an RTSP media, a snapshot, a probe).
struct consumer_info {
  uint64_t id = 0;
  std::string kind;   // "rtsp" | "snapshot" | "probe"
  uint64_t bytes = 0;
  uint64_t packets = 0;
  uint64_t dropped = 0;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, consumer_info& x) {
  return f(caf::meta::type_name("consumer_info"), x.id, x.kind, x.bytes, x.packets, x.dropped);
}

/// What a stream actor reports about itself; the registry caches the latest.
struct stream_status {
  std::string state = "idle";  // idle | starting | running | retrying | failed
  std::string last_error;
  int64_t since_ms = 0;        // unix ms of the last state change
  int32_t active_source = -1;  // index into sources of the connected one
  std::vector<track_info> tracks;
  std::vector<consumer_info> consumers;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, stream_status& x) {
  return f(caf::meta::type_name("stream_status"), x.state, x.last_error, x.since_ms,
           x.active_source, x.tracks, x.consumers);
}

/// A stream as the registry knows it.
struct stream_info {
  std::string name;
  std::vector<std::string> sources;
  bool preload = false;
  stream_status status;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, stream_info& x) {
  return f(caf::meta::type_name("stream_info"), x.name, x.sources, x.preload, x.status);
}

/// Where a change request comes from: decides persistence and which schemes are allowed.
enum class origin : uint8_t {
  api = 0,     // HTTP PUT/DELETE or yardctl: validated strictly, persisted
  patch = 1,   // HTTP PATCH: validated strictly, not persisted (go2rtc semantics)
  config = 2,  // the config file: may use insecure producers, never re-persisted
};

/// What a put may do to an existing (or missing) name.
enum class put_mode : uint8_t {
  upsert = 0,  // create or replace (HTTP PUT/PATCH)
  create = 1,  // errc::already_exists if the name is taken (yardctl create)
  update = 2,  // errc::not_found if the name is free (yardctl update)
};

/// When the sender of a change stops waiting for its answer (CLOCK_MONOTONIC in ns,
/// 0: never). The registry refuses a change it takes from its mailbox after that
/// moment (errc::expired), so a caller that timed out knows nothing was changed.
struct deadline {
  int64_t monotonic_ns = 0;
  static deadline after(std::chrono::milliseconds wait);
  bool passed() const;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, deadline& x) {
  return f(caf::meta::type_name("deadline"), x.monotonic_ns);
}

/// Create or replace a stream.
struct put_request {
  std::string name;
  std::vector<std::string> sources;
  origin from = origin::api;
  put_mode mode = put_mode::upsert;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, put_request& x) {
  return f(caf::meta::type_name("put_request"), x.name, x.sources, x.from, x.mode);
}

/// The registry's answer to a change: its place in the registry's total order.
struct change_ack {
  uint64_t seq = 0;      // strictly increasing over all acknowledged changes
  std::string name;
  bool existed = false;  // a stream of that name was there before
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, change_ack& x) {
  return f(caf::meta::type_name("change_ack"), x.seq, x.name, x.existed);
}

// ---- atoms (at most 10 characters) -------------------------------------------
using list_atom = caf::atom_constant<caf::atom("list")>;
using lookup_atom = caf::atom_constant<caf::atom("lookup")>;
using attach_atom = caf::atom_constant<caf::atom("attach")>;
using detach_atom = caf::atom_constant<caf::atom("detach")>;
using probe_atom = caf::atom_constant<caf::atom("probe")>;
using status_atom = caf::atom_constant<caf::atom("status")>;
using preload_atom = caf::atom_constant<caf::atom("preload")>;
using mount_atom = caf::atom_constant<caf::atom("mount")>;
using unmount_atom = caf::atom_constant<caf::atom("unmount")>;
using persist_atom = caf::atom_constant<caf::atom("persist")>;
using flush_atom = caf::atom_constant<caf::atom("flush")>;
using tick_atom = caf::atom_constant<caf::atom("tick")>;
using restart_atom = caf::atom_constant<caf::atom("restart")>;
using linger_atom = caf::atom_constant<caf::atom("linger")>;
using timeout_atom = caf::atom_constant<caf::atom("timeout")>;
using gst_atom = caf::atom_constant<caf::atom("gst")>;

// ---- registry actor (one per daemon; owns every stream name) -----------------
// Changes (put, delete, preload) carry a deadline: see struct deadline.
// put:     create or replace a stream; replacing stops the old one and closes its viewers.
// delete:  remove a stream (acknowledged even when unknown, as go2rtc does).
// list:    every stream, ordered by name.
// get:     one stream; errc::not_found when unknown.
// lookup:  the stream's actor handle, for consumers that attach to it directly.
// preload: keep (true) or stop keeping (false) a stream's source running without viewers.
// status:  from a stream actor: its latest status (ignored unless sent by the current actor).
using registry_actor = caf::typed_actor<
    caf::reacts_to<status_atom, std::string, stream_status>,
    caf::replies_to<caf::put_atom, put_request, deadline>::with<change_ack>,
    caf::replies_to<caf::delete_atom, std::string, origin, deadline>::with<change_ack>,
    caf::replies_to<list_atom>::with<std::vector<stream_info>>,
    caf::replies_to<caf::get_atom, std::string>::with<stream_info>,
    caf::replies_to<lookup_atom, std::string>::with<caf::actor>,
    caf::replies_to<preload_atom, std::string, bool, origin, deadline>::with<change_ack>>;

// ---- stream actor (one per stream; dynamically typed, local only) ------------
// (attach_atom, kind)  -> hub_ptr once the source's tracks are known, or an error.
// (detach_atom, id)    -> void; the consumer with that id is gone.
// (probe_atom)         -> stream_status after connecting the source once.
// (preload_atom, bool) -> void.
// (status_atom)        -> stream_status.
// from GStreamer (anon_send from streaming threads): gst_event.
class track_hub;
using hub_ptr = std::shared_ptr<track_hub>;

/// A GStreamer-side event for a stream actor. Plain values only.
struct gst_event {
  enum kind_t : uint8_t { error, eos, tracks_ready, track_added } kind = error;
  uint64_t generation = 0;  // which pipeline instance raised it
  std::string text;
};

// ---- RTSP server actor (owns the gst-rtsp-server mounts of this node) --------
// (mount_atom, name)   -> void: serve rtsp://host:port/name.
// (unmount_atom, name) -> void: stop serving it and close its client sessions.

// ---- config writer actor (owns the first config file) ------------------------
// Changes with origin::api are persisted; origin::config and origin::patch are not.
// (persist_atom, name, sources) -> bool once on disk (empty sources: delete).
// (preload_atom, name, bool)    -> bool once on disk.

/// Registers the serialisable types above with an actor system config.
void register_protocol(caf::actor_system_config& cfg);

}  // namespace sy

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(sy::hub_ptr)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(sy::gst_event)
