#include "actors/registry_actor.hpp"

#include <algorithm>
#include <map>
#include <memory>
#include <unordered_map>
#include <set>

#include "actors/registry/list_index.hpp"
#include "actors/stream_actor.hpp"
#include "pipelines/scheme_table.hpp"
#include "pipelines/source_uri.hpp"
#include "pipelines/stream_name.hpp"
#include "pipelines/transcode_launch.hpp"

namespace sy {
namespace {

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch()).count();
}

// What a stream has once its actor runs: its last reported status and the hub its
// consumers read (tracks and counters are read live from it).
struct awake_state {
  stream_status status;
  hub_ptr hub;
};

// A name: a stream with its own actor, or an alias sharing another stream. A stream
// nobody has looked up yet holds no status beyond its creation time (10,000 such
// entries are 1 MiB less than with a status each).
struct entry {
  stream_actor stream;   // invalid for an alias
  std::string alias_of;  // the stream an alias shares (always a stream, never an alias)
  source_list sources;   // null for an alias
  bool preload = false;
  int64_t since_ms = 0;                // creation, until the stream reports
  std::unique_ptr<awake_state> awake;  // from the first launch on
  bool published = false;  // made for a publisher (no sources, not persisted), removed when it leaves
};

struct registry_state {
  static constexpr const char* name = "registry";
  registry_actor::stateful_pointer<registry_state> self = nullptr;
  registry_settings cfg;
  std::map<std::string, entry> streams;
  // target -> its aliases: deleting or replacing a stream finds its aliases without
  // walking every name (10,000 streams would make each change cost that walk).
  std::unordered_map<std::string, std::set<std::string>> aliases;
  // GET /api/streams's rows, built on the first list and kept in step with every
  // change from then on (a daemon nobody lists pays nothing for it), and the streams
  // that have a status, whose rows are made at each list.
  list_index rows;
  bool rows_built = false;
  std::set<std::string> awake_names;
  std::vector<stream_listener> listeners;
  uint64_t seq = 0;

  ~registry_state() {
    for (auto& kv : streams)
      if (kv.second.stream) caf::anon_send_exit(kv.second.stream, caf::exit_reason::user_shutdown);
  }

  // ---- names ----
  // The stream a name stands for (an alias's target), nullptr if unknown.
  entry* resolve(const std::string& name) {
    auto it = streams.find(name);
    if (it == streams.end()) return nullptr;
    if (it->second.alias_of.empty()) return &it->second;
    auto target = streams.find(it->second.alias_of);
    return target == streams.end() ? nullptr : &target->second;
  }

  // The stream a known name stands for: itself, or an alias's target.
  const std::string& target_name(const std::string& name) const {
    auto& e = streams.at(name);
    return e.alias_of.empty() ? name : e.alias_of;
  }

  // PATCH name=B&src=A, or src=rtsp://127.0.0.1:PORT/A: B shares stream A, as in go2rtc.
  // The stream's name (an alias's target) or empty when this is no alias.
  std::string alias_target(const put_request& req) const {
    if (req.from != origin::patch || req.sources.size() != 1) return {};
    auto path = loopback_rtsp_path(req.sources[0]);
    auto it = streams.find(path.empty() ? req.sources[0] : path);
    if (it == streams.end()) return {};
    auto target = it->second.alias_of.empty() ? it->first : it->second.alias_of;
    return target == req.name ? std::string{} : target;
  }

  // Whether stream `from` takes media, directly or through others, from `target`.
  bool feeds_from(const std::string& from, const std::string& target, std::set<std::string>& seen) const {
    if (from == target) return true;
    if (!seen.insert(from).second) return false;
    auto it = streams.find(from);
    if (it == streams.end()) return false;
    if (!it->second.alias_of.empty()) return feeds_from(it->second.alias_of, target, seen);
    for (auto& src : sources_of(it->second)) {
      auto input = source_input_stream(src);
      // ffmpeg:SELF transcodes the stream's own other sources: not a link to follow.
      if (!input.empty() && !(input == from && !is_stream_reference(src)) && feeds_from(input, target, seen))
        return true;
    }
    return false;
  }

  caf::error validate_source(const put_request& req, const std::string& src) const {
    if (is_stream_reference(src)) {
      // Another stream's name: its media in-process. From the API it must exist; the
      // config file may name a stream it defines further down.
      std::set<std::string> seen;
      if (src == req.name || feeds_from(src, req.name, seen))
        return make_error(errc::source_not_supported, "streams: source loops back to this stream");
      if (req.from != origin::config && !streams.count(src))
        return make_error(errc::source_not_supported, verdict_text(source_verdict::not_supported));
      return {};
    }
    // ffmpeg:STREAM#...: STREAM may be this stream itself (its other sources, as Home
    // Assistant sets up every camera); another stream must exist and not loop back.
    auto input = transcode_input_stream(src);
    if (!input.empty() && input != req.name) {
      std::set<std::string> seen;
      if (feeds_from(input, req.name, seen))
        return make_error(errc::source_not_supported, "streams: source loops back to this stream");
      if (req.from != origin::config && !streams.count(input))
        return make_error(errc::source_not_supported, "streams: " + src + ": no stream named " + input);
    }
    switch (check_source(src, req.from == origin::config)) {
      case source_verdict::ok: break;
      case source_verdict::not_supported:
        return make_error(errc::source_not_supported, verdict_text(source_verdict::not_supported));
      case source_verdict::insecure:
        return make_error(errc::insecure_source, verdict_text(source_verdict::insecure));
      case source_verdict::with_spaces:
        return make_error(errc::source_with_spaces, verdict_text(source_verdict::with_spaces));
    }
    // Parameters a builder refuses (test:?size=huge) are bad input now, not a
    // failure the first viewer discovers later.
    auto launch = source_launch(src);
    if (launch.text.empty()) return make_error(errc::source_not_supported, launch.error);
    return {};
  }

  static caf::error validate_name(const std::string& name) {
    auto why = check_stream_name(name);
    return why.empty() ? caf::error{} : make_error(errc::invalid_name, why);
  }

  caf::error validate(const put_request& req) const {
    if (req.sources.empty()) return make_error(errc::no_sources, "streams: no source");
    for (auto& src : req.sources)
      if (auto err = validate_source(req, src)) return err;
    bool own = std::any_of(req.sources.begin(), req.sources.end(),
                           [&](const std::string& src) { return transcode_input_stream(src) != req.name; });
    if (!own) return make_error(errc::no_sources, "streams: every source transcodes " + req.name + ", which has no other");
    return {};
  }

  // ---- stream actors and listeners ----
  void notify(stream_event::change_t change, const std::string& name) {
    for (auto& l : listeners) self->send(l, changed_atom::value, stream_event{change, name});
  }

  // Tells listeners about the aliases of `name`; `retarget` (when not empty) is
  // their new target, and an empty one removes them.
  void follow_aliases(const std::string& name, stream_event::change_t change, const std::string& retarget = {}) {
    auto found = aliases.find(name);
    if (found == aliases.end()) return;
    auto names = std::move(found->second);
    aliases.erase(found);
    for (auto& alias : names) {
      notify(change, alias);
      if (change == stream_event::removed) streams.erase(alias);
      else if (!retarget.empty()) streams[alias].alias_of = retarget;
    }
    if (change != stream_event::removed) {
      auto& kept = aliases[retarget.empty() ? name : retarget];
      kept.insert(names.begin(), names.end());
    }
    for (auto& alias : names) sync_row(alias);
  }

  // Forgets that `e` (named `name`) is an alias, if it is one.
  void unlink_alias(const std::string& name, const entry& e) {
    if (e.alias_of.empty()) return;
    auto found = aliases.find(e.alias_of);
    if (found == aliases.end()) return;
    found->second.erase(name);
    if (found->second.empty()) aliases.erase(found);
  }

  void retire(entry& e) {
    if (!e.stream) return;
    self->demonitor(e.stream.address());
    self->send_exit(e.stream, caf::exit_reason::user_shutdown);
    e.stream = nullptr;
  }

  // A name goes: its actor stops (its viewers end), its aliases go with it.
  void remove(std::map<std::string, entry>::iterator it) {
    auto name = it->first;
    retire(it->second);
    unlink_alias(name, it->second);
    streams.erase(it);
    awake_names.erase(name);
    sync_row(name);
    notify(stream_event::removed, name);
    follow_aliases(name, stream_event::removed);
  }

  stream_actor launch(const std::string& name, entry& e) {
    if (!e.awake) e.awake = std::make_unique<awake_state>();
    awake_names.insert(name);
    e.awake->status.since_ms = now_ms();
    e.awake->hub = std::make_shared<track_hub>();
    auto stream = spawn_stream(self->system(), name, *e.sources, e.preload, cfg.stream, self->address(), e.awake->hub);
    self->monitor(stream);
    return stream;
  }

  // A stream's actor comes to life when something needs it (a consumer's lookup, a
  // preload): a configured stream nobody watches costs a name, its sources and a
  // status, whether the daemon holds 10 streams or 10,000.
  stream_actor& wake(const std::string& name, entry& e) {
    if (!e.stream) e.stream = launch(name, e);
    return e.stream;
  }

  // Replies with `ack` once the config writer has `change` on disk (at once when the
  // change is not to be persisted or there is no config file).
  template <class... Change>
  caf::result<change_ack> acknowledge(change_ack ack, bool persist, Change&&... change) {
    if (!persist || !cfg.config_writer) return ack;
    auto rp = self->make_response_promise<change_ack>();
    self->request(cfg.config_writer, caf::infinite, std::forward<Change>(change)...)
        .then([rp, ack](bool) mutable { rp.deliver(ack); },
              [rp](caf::error& err) mutable { rp.deliver(make_error(errc::persist_failed, error_text(err))); });
    return rp;
  }

  static caf::error expired() {
    return make_error(errc::expired, "request waited too long for the registry; nothing was changed");
  }

  // ---- requests ----
  caf::result<change_ack> on_put(put_request req, deadline until) {
    if (until.passed()) return expired();
    if (auto err = validate_name(req.name)) return err;
    auto target = alias_target(req);
    if (target.empty())
      if (auto err = validate(req)) return err;
    auto it = streams.find(req.name);
    if (req.mode == put_mode::create && it != streams.end())
      return make_error(errc::already_exists, "streams: stream already exists");
    if (req.mode == put_mode::update && it == streams.end()) return make_error(errc::not_found, "stream not found");
    change_ack ack{++seq, req.name, it != streams.end()};
    entry e;
    if (it != streams.end()) {
      e.preload = it->second.preload;
      retire(it->second);
      unlink_alias(req.name, it->second);
      awake_names.erase(req.name);  // the new entry has no status until it wakes
    }
    if (!target.empty()) {
      e.alias_of = target;
      aliases[target].insert(req.name);
    } else {
      e.sources = std::make_shared<const std::vector<std::string>>(req.sources);
      e.since_ms = now_ms();
      if (e.preload) e.stream = launch(req.name, e);
    }
    streams[req.name] = std::move(e);
    sync_row(req.name);
    notify(ack.existed ? stream_event::replaced : stream_event::added, req.name);
    // Aliases of a replaced stream follow it (to the new target if it became an alias).
    if (ack.existed) follow_aliases(req.name, stream_event::replaced, target);
    return acknowledge(ack, req.from == origin::api, persist_atom::value, req.name, std::move(req.sources));
  }

  caf::result<change_ack> on_delete(const std::string& name, origin from, deadline until) {
    if (until.passed()) return expired();
    change_ack ack{++seq, name, false};
    auto it = streams.find(name);
    if (it != streams.end()) {
      ack.existed = true;
      remove(it);
    }
    return acknowledge(ack, from == origin::api, persist_atom::value, name, std::vector<std::string>{});
  }

  caf::result<change_ack> on_preload(const std::string& name, bool on, origin from, deadline until) {
    if (until.passed()) return expired();
    auto it = streams.find(name);
    if (it == streams.end()) return make_error(errc::not_found, "stream not found");
    auto target = it->second.alias_of.empty() ? name : it->second.alias_of;  // an alias preloads its stream
    auto& e = *resolve(name);
    e.preload = on;
    sync_rows(target);
    if (on) wake(target, e);  // spawned with preload on, or told now
    if (e.stream) caf::anon_send(e.stream, preload_atom::value, on);
    change_ack ack{++seq, name, true};
    return acknowledge(ack, from == origin::api, preload_atom::value, target, on);
  }

  // The config file's streams, then its preloads, in one handler: start-up with
  // 10,000 streams is one message instead of 10,000 requests and replies, and the
  // entries are allocated together (replies freed between them kept ~6 MiB of heap
  // from being returned).
  std::vector<std::string> on_load(std::vector<put_request>& puts, const std::vector<std::string>& preloads) {
    std::vector<std::string> refused;
    rows_built = false;  // rebuilt in one pass on the next list, not a run copy per stream
    rows.clear();
    auto check = [&](const std::string& name, const caf::result<change_ack>& r) {
      if (r.flag == caf::rt_error) refused.push_back(name + ": " + error_text(r.err));
    };
    for (auto& req : puts) {
      req.from = origin::config;
      auto name = req.name;
      check(name, on_put(std::move(req), deadline{}));
    }
    for (auto& name : preloads) check(name, on_preload(name, true, origin::config, deadline{}));
    puts = {};
    return refused;
  }

  // The last reported status with the hub's counters of now.
  static stream_status live_status(const entry& e) {
    if (!e.awake) {
      stream_status st;
      st.since_ms = e.since_ms;
      return st;
    }
    auto st = e.awake->status;
    if (e.awake->hub) {
      // Always the hub's own list: a consumer that left after the stream's last
      // report (a transcode stopped as the stream went idle) is not shown.
      if (st.state != stream_state::idle) st.tracks = e.awake->hub->tracks();
      st.consumers = e.awake->hub->consumers();
    }
    for (auto& p : st.transcodes) {
      if (!p.hub) continue;
      p.tracks = p.hub->tracks();
      p.consumers = p.hub->consumers();
    }
    return st;
  }

  static const std::vector<std::string>& sources_of(const entry& e) {
    static const std::vector<std::string> none;
    return e.sources ? *e.sources : none;
  }

  stream_info info(const std::string& name, const entry& e) {
    if (e.alias_of.empty()) return {name, sources_of(e), e.preload, live_status(e), {}};
    auto* target = resolve(name);
    if (!target) return {name, {}, false, {}, e.alias_of};
    return {name, sources_of(*target), target->preload, live_status(*target), e.alias_of};
  }

  list_row row(const std::string& name, const entry& e, bool with_status) {
    static const source_list none = std::make_shared<const std::vector<std::string>>();
    const entry* s = e.alias_of.empty() ? &e : resolve(name);
    if (!s) return {name, none, false, 0, nullptr, e.alias_of};
    list_row r{name, s->sources, s->preload, s->since_ms, nullptr, e.alias_of};
    if (with_status && s->awake) r.status = std::make_shared<const stream_status>(live_status(*s));
    return r;
  }

  // Brings the list's row of `name` (and with sync_rows, of its aliases, which show
  // its sources) in step with `streams`, once the rows are built.
  void sync_row(const std::string& name) {
    if (!rows_built) return;
    auto it = streams.find(name);
    if (it == streams.end())
      rows.erase(name);
    else
      rows.put(row(name, it->second, false));
  }
  void sync_rows(const std::string& name) {
    sync_row(name);
    auto found = aliases.find(name);
    if (found != aliases.end())
      for (auto& alias : found->second) sync_row(alias);
  }

  std::vector<stream_info> on_list() {
    std::vector<stream_info> out;
    out.reserve(streams.size());
    for (auto& kv : streams) out.push_back(info(kv.first, kv.second));
    return out;
  }

  list_snapshot on_list_rows() {
    if (!rows_built) {
      std::vector<list_row> all;
      all.reserve(streams.size());
      for (auto& kv : streams) all.push_back(row(kv.first, kv.second, false));
      rows.assign(std::move(all));
      rows_built = true;
    }
    list_snapshot out{rows.chunks(), {}};
    for (auto& name : awake_names) {
      auto it = streams.find(name);
      if (it == streams.end()) continue;
      out.awake.push_back(row(name, it->second, true));
      auto found = aliases.find(name);
      if (found != aliases.end())
        for (auto& alias : found->second) out.awake.push_back(row(alias, streams.at(alias), true));
    }
    std::sort(out.awake.begin(), out.awake.end(), [](const list_row& a, const list_row& b) { return a.name < b.name; });
    return out;
  }

  caf::result<stream_info> on_get(const std::string& name) {
    auto it = streams.find(name);
    if (it == streams.end()) return make_error(errc::not_found, "stream not found");
    return info(name, it->second);
  }

  caf::result<stream_actor> on_lookup(const std::string& name) {
    auto* e = resolve(name);
    if (!e) return make_error(errc::not_found, "stream not found");
    return wake(target_name(name), *e);
  }

  caf::result<stream_actor> on_publish(const std::string& name) {
    if (auto err = validate_name(name)) return err;
    if (!streams.count(name)) {
      entry e;
      e.sources = std::make_shared<const std::vector<std::string>>();
      e.since_ms = now_ms();
      e.published = true;
      streams[name] = std::move(e);
      sync_row(name);
      notify(stream_event::added, name);
    }
    return wake(target_name(name), *resolve(name));
  }

  void on_unpublish(const std::string& name, const caf::actor_addr& stream) {
    auto it = streams.find(name);
    if (it == streams.end() || !it->second.published || !it->second.stream || it->second.stream.address() != stream)
      return;
    remove(it);
  }

  void on_subscribe(stream_listener listener) {
    self->monitor(listener);
    for (auto& kv : streams) self->send(listener, changed_atom::value, stream_event{stream_event::added, kv.first});
    listeners.push_back(std::move(listener));
  }

  void on_status(const std::string& name, stream_status st) {
    auto it = streams.find(name);
    if (it != streams.end() && it->second.stream && it->second.stream.address() == self->current_sender())
      it->second.awake->status = std::move(st);
  }

  // A listener went away, or a stream actor died on its own (a bug, not a delete):
  // forget the one, start a fresh actor for the other.
  void on_down(const caf::down_msg& msg) {
    listeners.erase(std::remove_if(listeners.begin(), listeners.end(),
                                   [&](const stream_listener& l) { return l.address() == msg.source; }),
                    listeners.end());
    for (auto& kv : streams) {
      if (!kv.second.stream || kv.second.stream.address() != msg.source) continue;
      kv.second.awake->status.last_error = "stream actor restarted: " + caf::to_string(msg.reason);
      kv.second.stream = launch(kv.first, kv.second);
      notify(stream_event::replaced, kv.first);
      follow_aliases(kv.first, stream_event::replaced);
      return;
    }
  }
};

registry_actor::behavior_type registry_behavior(registry_actor::stateful_pointer<registry_state> self,
                                                registry_settings cfg) {
  self->state.self = self;
  self->state.cfg = std::move(cfg);
  self->set_down_handler([self](caf::down_msg& msg) { self->state.on_down(msg); });
  return {
      [self](caf::put_atom, put_request req, deadline until) { return self->state.on_put(std::move(req), until); },
      [self](caf::delete_atom, const std::string& name, origin from, deadline until) {
        return self->state.on_delete(name, from, until);
      },
      [self](list_atom) { return self->state.on_list(); },
      [self](list_rows_atom) { return self->state.on_list_rows(); },
      [self](caf::get_atom, const std::string& name) { return self->state.on_get(name); },
      [self](lookup_atom, const std::string& name) { return self->state.on_lookup(name); },
      [self](publish_atom, const std::string& name) { return self->state.on_publish(name); },
      [self](unpublish_atom, const std::string& name, const caf::actor_addr& stream) {
        self->state.on_unpublish(name, stream);
      },
      [self](preload_atom, const std::string& name, bool on, origin from, deadline until) {
        return self->state.on_preload(name, on, from, until);
      },
      [self](subscribe_atom, stream_listener listener) { self->state.on_subscribe(std::move(listener)); },
      [self](load_atom, std::vector<put_request>& puts, const std::vector<std::string>& preloads) {
        return self->state.on_load(puts, preloads);
      },
      [self](status_atom, const std::string& name, stream_status st) { self->state.on_status(name, std::move(st)); },
  };
}

}  // namespace

registry_actor spawn_registry(caf::actor_system& sys, registry_settings settings) {
  return sys.spawn(registry_behavior, std::move(settings));
}

}  // namespace sy
