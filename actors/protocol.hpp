// The one protocol header: every atom, message struct, error code and actor
// interface that crosses an actor boundary, grouped by recipient. The daemon,
// yardctl and the tests all register the same types (see register_protocol).
#pragma once

#include <caf/all.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "pipelines/hub/source_pipeline.hpp"
#include "pipelines/hub/track_hub.hpp"
#include "pipelines/media_info.hpp"

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
// track_info, consumer_info and consumer_kind are the data plane's own
// (pipelines/media_info.hpp); these make them messages.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, track_info& x) {
  return f(caf::meta::type_name("track_info"), x.kind, x.codec, x.caps, x.clock_rate, x.channels,
           x.width, x.height, x.bytes, x.packets);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, consumer_info& x) {
  return f(caf::meta::type_name("consumer_info"), x.id, x.kind, x.bytes, x.packets, x.dropped);
}

/// Where a stream's source stands. JSON shows it as state_name().
enum class stream_state : uint8_t {
  idle = 0,      // no viewer, nothing connected
  starting = 1,  // a source is connecting
  running = 2,   // media flows
  retrying = 3,  // the source was lost; reconnecting after a backoff
  failed = 4,    // no source can be built at all
};
const char* state_name(stream_state s);

/// A transcode a stream runs beside its connected source, for consumers that need
/// a codec that source lacks (go2rtc's multi-source model: Home Assistant's
/// ffmpeg:camera.x#audio=opus starts when a WebRTC viewer needs Opus).
struct producer_status {
  int32_t source = -1;  // index into the stream's sources
  std::vector<track_info> tracks;
  std::vector<consumer_info> consumers;
  hub_ptr hub;  // local only (not serialized): the registry reads live counters from it
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, producer_status& x) {
  return f(caf::meta::type_name("producer_status"), x.source, x.tracks, x.consumers);
}

/// What a stream actor reports about itself; the registry caches the latest.
struct stream_status {
  stream_state state = stream_state::idle;
  std::string last_error;
  int64_t since_ms = 0;        // unix ms of the last state change
  int32_t active_source = -1;  // index into sources of the connected one
  std::vector<track_info> tracks;
  std::vector<consumer_info> consumers;
  std::vector<producer_status> transcodes;  // running beside the connected source
  std::string publisher;  // what feeds the stream instead of its sources ("webrtc": WHIP); "": none
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, stream_status& x) {
  return f(caf::meta::type_name("stream_status"), x.state, x.last_error, x.since_ms,
           x.active_source, x.tracks, x.consumers, x.transcodes, x.publisher);
}

/// A stream as the registry knows it. An alias (PATCH name=B&src=A) shows its
/// target's sources and status, as go2rtc does, and names the target in alias_of.
struct stream_info {
  std::string name;
  std::vector<std::string> sources;
  bool preload = false;
  stream_status status;
  std::string alias_of;  // empty unless this name is an alias
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, stream_info& x) {
  return f(caf::meta::type_name("stream_info"), x.name, x.sources, x.preload, x.status, x.alias_of);
}

/// A stream as GET /api/streams lists it: what stream_info says, in less. The
/// sources are the registry's own immutable list, shared (replaced on change), and a
/// stream never woken has no status, only the time it was made: listing 10,000
/// streams copies pointers instead of strings and blocks the registry for a
/// fraction of a millisecond. Local only: never serialized (yardctl uses list_atom).
using source_list = std::shared_ptr<const std::vector<std::string>>;
struct list_row {
  std::string name;
  source_list sources;  // never null
  bool preload = false;
  int64_t since_ms = 0;                          // when status is null
  std::shared_ptr<const stream_status> status;  // null: idle, never woken
  std::string alias_of;
};

/// A run of GET /api/streams's rows (sorted by name, without status), immutable once
/// made, with its JSON text made once on first use and shared by every list until
/// the run changes (a change makes a new run).
class list_chunk_rows {
 public:
  explicit list_chunk_rows(std::vector<list_row> r) : rows(std::move(r)) {}
  const std::vector<list_row> rows;
  /// The rows as `render(rows)` writes them, rendered by the first caller.
  template <class Render>
  const std::string& text(Render&& render) const {
    std::call_once(once_, [&] { text_ = render(rows); });
    return text_;
  }

 private:
  mutable std::once_flag once_;
  mutable std::string text_;
};

/// Every stream as GET /api/streams lists it, handed out by the registry without
/// making a row per stream: `chunks` are the registry's own immutable runs of rows
/// (a change copies one run of at most 32 rows), and `awake` the rows of streams
/// that have a status, made at the call. Listing 10,000 streams costs the registry a
/// pointer per run and a row per awake stream.
using list_chunk = std::shared_ptr<const list_chunk_rows>;
struct list_snapshot {
  std::vector<list_chunk> chunks;
  std::vector<list_row> awake;  // sorted by name; each replaces the chunk row of its name

  /// In name order: on_run(const list_chunk_rows&) for each run no awake row falls
  /// in, on_row(const list_row&) for every row of the others.
  template <class Run, class Row>
  void visit(Run&& on_run, Row&& on_row) const {
    auto a = awake.begin();
    for (auto& chunk : chunks) {
      auto& rows = chunk->rows;
      while (a != awake.end() && a->name < rows.front().name) ++a;
      if (a == awake.end() || rows.back().name < a->name) {
        on_run(*chunk);
        continue;
      }
      for (auto& row : rows) {
        while (a != awake.end() && a->name < row.name) ++a;
        if (a != awake.end() && a->name == row.name)
          on_row(*a++);
        else
          on_row(row);
      }
    }
  }
  /// Calls f(const list_row&) for every stream, in name order.
  template <class F>
  void for_each(F&& f) const {
    visit([&](const list_chunk_rows& run) {
      for (auto& row : run.rows) f(row);
    }, f);
  }
  size_t size() const {
    size_t n = 0;
    for (auto& chunk : chunks) n += chunk->rows.size();
    return n;
  }
};

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

/// A consumer's hold on a stream: the hub to subscribe to, and the id to detach with.
struct lease {
  uint64_t id = 0;
  hub_ptr hub;
};

/// A change of the registry's name table, for outputs that keep per-stream state
/// (the RTSP mounts). Aliases are streams here too.
struct stream_event {
  enum change_t : uint8_t { added = 0, replaced = 1, removed = 2 } change = added;
  std::string name;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, stream_event& x) {
  return f(caf::meta::type_name("stream_event"), x.change, x.name);
}

// ---- atoms (at most 10 characters) -------------------------------------------
using list_atom = caf::atom_constant<caf::atom("list")>;
using list_rows_atom = caf::atom_constant<caf::atom("listrows")>;
using lookup_atom = caf::atom_constant<caf::atom("lookup")>;
using attach_atom = caf::atom_constant<caf::atom("attach")>;
using detach_atom = caf::atom_constant<caf::atom("detach")>;
using probe_atom = caf::atom_constant<caf::atom("probe")>;
using status_atom = caf::atom_constant<caf::atom("status")>;
using preload_atom = caf::atom_constant<caf::atom("preload")>;
using subscribe_atom = caf::atom_constant<caf::atom("subscribe")>;
using changed_atom = caf::atom_constant<caf::atom("changed")>;
using persist_atom = caf::atom_constant<caf::atom("persist")>;
using flush_atom = caf::atom_constant<caf::atom("flush")>;
using compact_atom = caf::atom_constant<caf::atom("compact")>;
using tick_atom = caf::atom_constant<caf::atom("tick")>;
using restart_atom = caf::atom_constant<caf::atom("restart")>;
using linger_atom = caf::atom_constant<caf::atom("linger")>;
using timeout_atom = caf::atom_constant<caf::atom("timeout")>;
using source_atom = caf::atom_constant<caf::atom("source")>;
using upstream_atom = caf::atom_constant<caf::atom("upstream")>;
using load_atom = caf::atom_constant<caf::atom("load")>;
using transcode_atom = caf::atom_constant<caf::atom("transcode")>;
using extra_atom = caf::atom_constant<caf::atom("extra")>;
using xlinger_atom = caf::atom_constant<caf::atom("xlinger")>;
using publish_atom = caf::atom_constant<caf::atom("publish")>;
using unpublish_atom = caf::atom_constant<caf::atom("unpublish")>;
using pubevent_atom = caf::atom_constant<caf::atom("pubevent")>;
using candidate_atom = caf::atom_constant<caf::atom("candidate")>;

// ---- stream listener (outputs that follow the name table, e.g. RTSP mounts) ----
// changed: a stream was added, replaced (its old viewers are gone) or removed.
using stream_listener = caf::typed_actor<caf::reacts_to<changed_atom, stream_event>>;

// ---- stream actor (one per stream; local only) --------------------------------
// attach:  a consumer of `kind` wants the stream: the lease once the source's tracks
//          are known, errc::source_failed if no media came in time.
// detach:  the consumer holding that lease left (unknown ids are ignored).
// probe:   connect the source once and return the live status.
// preload: keep the source running without consumers (true) or not.
// status:  the current status.
// transcode: a consumer of `kind` that needs a `media` ("audio", "video") track in
//          one of `encodings` (RTP names: "OPUS", "PCMA"...) the connected source
//          lacks: the lease on the hub of the stream's ffmpeg:<itself>#... source that
//          makes one, started now or shared; it stops a linger after its last lease
//          goes. errc::not_found: no source of the stream makes such a track.
// publish: a publisher (WHIP) feeds the stream's hub instead of its sources, which
//          stop: the lease on the hub; it reports its source_events as pubevent with
//          the lease id, and leaves by detach (the stream's sources then resume if
//          consumers want them). errc::already_exists: it has a publisher already.
// Internal (sent by the actor to itself, or by its source's GStreamer threads):
// source (a source_event of the source attempt `generation`), upstream (the lease
// on the stream this one relays), timeout, linger, restart, tick; extra and
// xlinger: the same for a transcode, by source index.
using stream_actor = caf::typed_actor<
    caf::replies_to<attach_atom, consumer_kind>::with<lease>,
    caf::replies_to<transcode_atom, consumer_kind, std::string, std::vector<std::string>>::with<lease>,
    caf::reacts_to<extra_atom, uint64_t, uint64_t, source_event>,
    caf::reacts_to<xlinger_atom, uint64_t, uint64_t>,
    caf::replies_to<publish_atom>::with<lease>,
    caf::reacts_to<pubevent_atom, uint64_t, source_event>,
    caf::reacts_to<detach_atom, uint64_t>,
    caf::replies_to<probe_atom>::with<stream_status>,
    caf::reacts_to<preload_atom, bool>,
    caf::replies_to<status_atom>::with<stream_status>,
    caf::reacts_to<source_atom, uint64_t, source_event>,
    caf::reacts_to<timeout_atom, uint64_t>,
    caf::reacts_to<linger_atom, uint64_t>,
    caf::reacts_to<restart_atom, uint64_t>,
    caf::reacts_to<tick_atom>>;

// ---- registry actor (one per daemon; owns every stream name) -----------------
// Changes (put, delete, preload) carry a deadline: see struct deadline.
// put:       create or replace a stream; replacing stops the old one and closes its
//            viewers. From PATCH, a source naming an existing stream makes an alias.
// delete:    remove a stream (acknowledged even when unknown, as go2rtc does); its
//            aliases go with it.
// list:      every stream, ordered by name.
// listrows:  the same as a list_snapshot (local only: the HTTP API's list).
// get:       one stream; errc::not_found when unknown.
// lookup:    the stream's actor (an alias's target's), for consumers that attach.
// preload:   keep (true) or stop keeping (false) a stream's source running without viewers.
// subscribe: send stream_events to this listener, starting with an `added` per stream.
// load:      the config file's streams and preloads at start-up, in one message (put and
//            preload with origin::config for each, in order); the reply lists those
//            refused, as "name: reason".
// status:    from a stream actor: its latest status (ignored unless sent by the current actor).
// publish:   the actor of the stream a publisher feeds: an existing one (its sources
//            pause while published), or a new stream without sources that lives
//            while published and is never persisted (as an RTSP publisher's would).
// unpublish: that publisher left: a stream made for it is removed (if that actor
//            still holds the name).
using registry_actor = caf::typed_actor<
    caf::reacts_to<status_atom, std::string, stream_status>,
    caf::replies_to<caf::put_atom, put_request, deadline>::with<change_ack>,
    caf::replies_to<caf::delete_atom, std::string, origin, deadline>::with<change_ack>,
    caf::replies_to<list_atom>::with<std::vector<stream_info>>,
    caf::replies_to<list_rows_atom>::with<list_snapshot>,
    caf::replies_to<caf::get_atom, std::string>::with<stream_info>,
    caf::replies_to<lookup_atom, std::string>::with<stream_actor>,
    caf::replies_to<publish_atom, std::string>::with<stream_actor>,
    caf::reacts_to<unpublish_atom, std::string, caf::actor_addr>,
    caf::replies_to<preload_atom, std::string, bool, origin, deadline>::with<change_ack>,
    caf::reacts_to<subscribe_atom, stream_listener>,
    caf::replies_to<load_atom, std::vector<put_request>, std::vector<std::string>>::with<std::vector<std::string>>>;

// ---- WebRTC session actor (one per WebRTC peer; local only) -------------------
// candidate: a candidate the peer trickled ("candidate:...").
// delete:    end the session (its Location was deleted).
// Internal: tick, every 250 ms: whether the peer is still there.
using webrtc_session_actor = caf::typed_actor<
    caf::reacts_to<candidate_atom, std::string>,
    caf::reacts_to<caf::delete_atom>,
    caf::reacts_to<tick_atom>>;

// ---- WebRTC sessions actor (one per HTTP API: the sessions by id) ------------
// put:       name a new session: its id (what a WHEP or WHIP Location carries).
// candidate: hand session `id` a trickled candidate; false if there is none.
// delete:    end session `id`; false if there is none.
using webrtc_sessions_actor = caf::typed_actor<
    caf::replies_to<caf::put_atom, webrtc_session_actor>::with<std::string>,
    caf::replies_to<candidate_atom, std::string, std::string>::with<bool>,
    caf::replies_to<caf::delete_atom, std::string>::with<bool>>;

// ---- config writer actor (owns the first config file) ------------------------
// Only changes with origin::api are sent to it. Each reply comes once the change is
// on disk (group commit); errc::persist_failed if the write failed.
// persist: a stream's sources (empty: remove the stream).
// preload: a stream's preload entry.
// flush:   internal: make what is queued durable (the journal).
// compact: internal: bring the YAML file up to date, restart the journal.
using config_writer_actor = caf::typed_actor<
    caf::replies_to<persist_atom, std::string, std::vector<std::string>>::with<bool>,
    caf::replies_to<preload_atom, std::string, bool>::with<bool>,
    caf::reacts_to<flush_atom>,
    caf::reacts_to<compact_atom>>;

/// Registers the serialisable types above with an actor system config.
void register_protocol(caf::actor_system_config& cfg);

}  // namespace sy

// Local-only messages: they hold pointers into this process's data plane.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(sy::lease)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(sy::source_event)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(sy::list_snapshot)
