#include "actors/registry_actor.hpp"

#include <map>

#include "actors/stream_actor.hpp"
#include "pipelines/source_launch.hpp"
#include "pipelines/source_uri.hpp"
#include "pipelines/stream_name.hpp"

namespace sy {
namespace {

struct entry {
  caf::actor stream;
  std::vector<std::string> sources;
  bool preload = false;
  stream_status status;
};

struct registry_state {
  registry_actor::stateful_pointer<registry_state> self = nullptr;
  registry_settings cfg;
  std::map<std::string, entry> streams;
  uint64_t seq = 0;

  ~registry_state() {
    for (auto& kv : streams) caf::anon_send_exit(kv.second.stream, caf::exit_reason::user_shutdown);
  }

  caf::error validate(const put_request& req, const std::vector<std::string>& sources) const {
    auto why = check_stream_name(req.name);
    if (!why.empty()) return make_error(errc::invalid_name, why);
    if (sources.empty()) return make_error(errc::no_sources, "streams: no source");
    for (auto& src : sources) {
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
    }
    return {};
  }

  // PATCH with a source naming an existing stream makes an alias: a relay of it.
  std::vector<std::string> resolve_aliases(const put_request& req) const {
    if (req.from != origin::patch || req.sources.size() != 1) return req.sources;
    auto target = req.sources[0];
    auto local = std::string{"rtsp://127.0.0.1:"} + std::to_string(cfg.rtsp_port) + "/";
    if (target.rfind(local, 0) == 0) target = target.substr(local.size());
    if (target == req.name || !streams.count(target)) return req.sources;
    return {local + target};
  }

  void retire(const std::string& name, entry& e) {
    self->demonitor(e.stream);
    self->send_exit(e.stream, caf::exit_reason::user_shutdown);
    if (cfg.rtsp_server) caf::anon_send(cfg.rtsp_server, unmount_atom::value, name);
  }

  caf::actor launch(const std::string& name, entry& e) {
    e.status.since_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch()).count();
    auto stream = spawn_stream(self->system(), name, e.sources, e.preload, cfg.stream, self->address());
    self->monitor(stream);
    if (cfg.rtsp_server) caf::anon_send(cfg.rtsp_server, mount_atom::value, name);
    return stream;
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

  caf::result<change_ack> on_put(put_request req, deadline until) {
    if (until.passed()) return expired();
    auto sources = resolve_aliases(req);
    if (auto err = validate(req, sources)) return err;
    change_ack ack{++seq, req.name, false};
    auto it = streams.find(req.name);
    if (req.mode == put_mode::create && it != streams.end())
      return make_error(errc::already_exists, "streams: stream already exists");
    if (req.mode == put_mode::update && it == streams.end())
      return make_error(errc::not_found, "stream not found");
    entry e;
    if (it != streams.end()) {
      ack.existed = true;
      e.preload = it->second.preload;
      retire(req.name, it->second);
    }
    e.sources = sources;
    e.stream = launch(req.name, e);
    streams[req.name] = std::move(e);
    return acknowledge(ack, req.from == origin::api, persist_atom::value, req.name, std::move(sources));
  }

  caf::result<change_ack> on_delete(const std::string& name, origin from, deadline until) {
    if (until.passed()) return expired();
    change_ack ack{++seq, name, false};
    auto it = streams.find(name);
    if (it != streams.end()) {
      ack.existed = true;
      retire(name, it->second);
      streams.erase(it);
    }
    return acknowledge(ack, from == origin::api, persist_atom::value, name, std::vector<std::string>{});
  }

  caf::result<change_ack> on_preload(const std::string& name, bool on, origin from, deadline until) {
    if (until.passed()) return expired();
    auto it = streams.find(name);
    if (it == streams.end()) return make_error(errc::not_found, "stream not found");
    it->second.preload = on;
    caf::anon_send(it->second.stream, preload_atom::value, on);
    change_ack ack{++seq, name, true};
    return acknowledge(ack, from == origin::api, preload_atom::value, name, on);
  }

  stream_info info(const std::string& name, const entry& e) const {
    return {name, e.sources, e.preload, e.status};
  }

  std::vector<stream_info> on_list() const {
    std::vector<stream_info> out;
    out.reserve(streams.size());
    for (auto& kv : streams) out.push_back(info(kv.first, kv.second));
    return out;
  }

  caf::result<stream_info> on_get(const std::string& name) const {
    auto it = streams.find(name);
    if (it == streams.end()) return make_error(errc::not_found, "stream not found");
    return info(name, it->second);
  }

  caf::result<caf::actor> on_lookup(const std::string& name) const {
    auto it = streams.find(name);
    if (it == streams.end()) return make_error(errc::not_found, "stream not found");
    return it->second.stream;
  }

  void on_status(const std::string& name, stream_status st) {
    auto it = streams.find(name);
    if (it != streams.end() && it->second.stream.address() == self->current_sender())
      it->second.status = std::move(st);
  }

  // A stream actor died on its own (a bug, not a delete): start a fresh one.
  void on_down(const caf::down_msg& msg) {
    for (auto& kv : streams) {
      if (kv.second.stream.address() != msg.source) continue;
      kv.second.status.last_error = "stream actor restarted: " + caf::to_string(msg.reason);
      kv.second.stream = launch(kv.first, kv.second);
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
      [self](caf::get_atom, const std::string& name) { return self->state.on_get(name); },
      [self](lookup_atom, const std::string& name) { return self->state.on_lookup(name); },
      [self](preload_atom, const std::string& name, bool on, origin from, deadline until) {
        return self->state.on_preload(name, on, from, until);
      },
      [self](status_atom, const std::string& name, stream_status st) { self->state.on_status(name, std::move(st)); },
  };
}

}  // namespace

registry_actor spawn_registry(caf::actor_system& sys, registry_settings settings) {
  return sys.spawn(registry_behavior, std::move(settings));
}

}  // namespace sy
