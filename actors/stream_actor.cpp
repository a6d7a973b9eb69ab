#include "actors/stream_actor.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <memory>

#include "pipelines/hub/hub_relay.hpp"
#include "pipelines/log.hpp"
#include "pipelines/source_uri.hpp"
#include "pipelines/transcode_launch.hpp"

namespace sy {
namespace {

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch()).count();
}

// Runs as a detached one-shot actor: NULL can block for seconds (rtspsrc TEARDOWN).
void destroy_pipeline(caf::blocking_actor*, source_pipeline* pipeline) { delete pipeline; }

// A consumer waiting for the source's first tracks.
struct waiter {
  uint64_t lease_id;
  bool probe;  // reply with the status instead of the lease, then release it
  caf::typed_response_promise<lease> attach;
  caf::typed_response_promise<stream_status> status;
};

// A transcode running beside the connected source (ffmpeg:<this stream>#...), fed
// from the stream's own hub, for the consumers whose leases it holds.
struct extra_producer {
  hub_ptr hub = std::make_shared<track_hub>();
  std::unique_ptr<source_pipeline> pipeline;
  uint64_t generation = 0;
  bool ready = false;
  std::set<uint64_t> leases;
  std::vector<std::pair<uint64_t, caf::typed_response_promise<lease>>> waiting;
  uint64_t linger_token = 0;
};

// The stream this one relays (a source that names another stream).
struct upstream_link {
  stream_actor stream;
  uint64_t lease_id = 0;
  hub_ptr hub;
  uint64_t subscription = 0;
};

struct stream_state_data {
  static constexpr const char* name = "stream";
  stream_actor::stateful_pointer<stream_state_data> self = nullptr;
  std::string stream_name;
  std::vector<std::string> sources;
  bool preload = false;
  stream_settings cfg;
  caf::actor_addr registry;

  hub_ptr hub;
  bool source_on = false;  // a source attempt is under way (pipeline, or upstream being linked)
  std::unique_ptr<source_pipeline> pipeline;
  upstream_link upstream;
  uint64_t generation = 0;  // of the current source attempt; late events of older ones are ignored
  size_t source_index = 0;
  bool ready = false;
  std::map<uint64_t, consumer_kind> leases;
  uint64_t next_lease = 1;
  std::vector<waiter> waiting;
  uint64_t linger_token = 0;
  bool watching = false;  // a watchdog check is scheduled
  std::chrono::milliseconds backoff{0};
  stream_status status;
  std::map<size_t, extra_producer> extras;  // by source index
  uint64_t extra_generation = 0;
  uint64_t publisher = 0;  // the lease of the publisher feeding the hub (WHIP); 0: none

  ~stream_state_data() {
    hub->close();
    release_source();
    for (auto& [index, e] : extras) stop_extra(e);
  }

  bool wanted() const { return !leases.empty() || preload; }

  void set_state(stream_state s) {
    if (status.state != s) {
      status.state = s;
      status.since_ms = now_ms();
    }
    report();
  }

  void report() {
    status.tracks = hub->tracks();
    status.consumers = hub->consumers();
    status.active_source = source_on ? int32_t(source_index) : -1;
    status.publisher = publisher ? "webrtc" : "";
    status.transcodes.clear();
    for (auto& [index, e] : extras)
      if (e.ready) status.transcodes.push_back({int32_t(index), e.hub->tracks(), e.hub->consumers(), e.hub});
    if (auto r = caf::actor_cast<registry_actor>(registry)) self->send(r, status_atom::value, stream_name, status);
  }

  // ---- consumers ----
  waiter& admit(consumer_kind kind, bool probe) {
    auto id = next_lease++;
    leases[id] = kind;
    ++linger_token;  // cancels a pending linger stop
    waiting.push_back({id, probe, {}, {}});
    return waiting.back();
  }

  caf::typed_response_promise<lease> on_attach(consumer_kind kind) {
    auto& w = admit(kind, false);
    w.attach = self->make_response_promise<lease>();
    auto rp = w.attach;
    await_source(w.lease_id);
    return rp;
  }

  caf::typed_response_promise<stream_status> on_probe() {
    auto& w = admit(consumer_kind::probe, true);
    w.status = self->make_response_promise<stream_status>();
    auto rp = w.status;
    await_source(w.lease_id);
    return rp;
  }

  void await_source(uint64_t id) {
    if (ready) return answer_waiters();
    self->delayed_send(self, cfg.start_timeout, timeout_atom::value, id);
    if (!source_on && status.state != stream_state::retrying) start();
  }

  void answer_waiters() {
    auto done = std::move(waiting);
    waiting.clear();
    for (auto& w : done) {
      if (!w.probe) {
        w.attach.deliver(lease{w.lease_id, hub});
        continue;
      }
      status.tracks = hub->tracks();
      w.status.deliver(status);
      on_detach(w.lease_id);
    }
  }

  void on_detach(uint64_t id) {
    if (id && id == publisher) return end_publisher("the publisher left");
    if (!leases.erase(id)) return;
    for (auto& [index, e] : extras)
      if (e.leases.erase(id) && e.leases.empty())
        self->delayed_send(self, cfg.linger, xlinger_atom::value, uint64_t(index), ++e.linger_token);
    if (!wanted()) self->delayed_send(self, cfg.linger, linger_atom::value, ++linger_token);
    report();
  }

  void on_wait_timeout(uint64_t id) {
    for (auto& [index, e] : extras) {
      auto w = std::find_if(e.waiting.begin(), e.waiting.end(), [id](auto& p) { return p.first == id; });
      if (w == e.waiting.end()) continue;
      w->second.deliver(make_error(errc::source_failed, "streams: the transcode made no media in time"));
      e.waiting.erase(w);
      return on_detach(id);
    }
    auto it = std::find_if(waiting.begin(), waiting.end(), [id](const waiter& w) { return w.lease_id == id; });
    if (it == waiting.end()) return;
    auto err = make_error(errc::source_failed,
                          status.last_error.empty() ? "streams: no media from the source in time" : status.last_error);
    if (it->probe) it->status.deliver(err);
    else it->attach.deliver(err);
    waiting.erase(it);
    on_detach(id);
  }

  void on_linger(uint64_t token) {
    if (token != linger_token || wanted() || publisher) return;  // a publisher feeds it until it leaves
    stop(stream_state::idle);
  }

  void on_preload(bool on) {
    preload = on;
    if (preload && !source_on && status.state != stream_state::retrying) start();
    if (!wanted()) self->delayed_send(self, cfg.linger, linger_atom::value, ++linger_token);
  }

  // ---- a publisher (WHIP) feeding the hub instead of the sources ----
  caf::result<lease> on_publish() {
    if (publisher) return make_error(errc::already_exists, "webrtc: " + stream_name + " has a publisher already");
    release_source();
    ++generation;  // late events of the source it replaces are ignored
    ready = false;
    publisher = next_lease++;
    log_line('I', "streams", "[stream " + stream_name + "] publisher connecting");
    set_state(stream_state::starting);
    return lease{publisher, hub};
  }

  void on_publisher_event(uint64_t id, const source_event& ev) {
    if (!publisher || id != publisher) return;
    on_feed(ev, [this](const std::string& why) { end_publisher(why); });
  }

  // The stream's own sources take over again, if it has any and consumers want them.
  void end_publisher(const std::string& why) {
    log_line('I', "streams", "[stream " + stream_name + "] publisher ended: " + why);
    publisher = 0;
    ready = false;
    ++generation;
    if (wanted() && !sources.empty()) return start();
    set_state(stream_state::idle);
  }

  // ---- transcodes beside the source (multi-source codec negotiation) ----
  // The first ffmpeg:<this stream> source that makes a `media` track in one of
  // `encodings` starts, fed from this stream's hub, and is shared by every consumer
  // that asks for it. The lease also counts as the stream's own: the transcode
  // needs the connected source.
  caf::typed_response_promise<lease> on_transcode(consumer_kind kind, const std::string& media,
                                                  const std::vector<std::string>& encodings) {
    auto rp = self->make_response_promise<lease>();
    size_t index = sources.size();
    for (size_t i = 0; i < sources.size() && index == sources.size(); ++i) {
      if (runnable(sources[i])) continue;
      auto makes = transcode_makes(sources[i], media);
      if (!makes.empty() && std::find(encodings.begin(), encodings.end(), makes) != encodings.end()) index = i;
    }
    if (index == sources.size()) {
      rp.deliver(make_error(errc::not_found, "streams: no source of " + stream_name + " makes " + media + " as " +
                                                 (encodings.empty() ? std::string{"?"} : encodings.front())));
      return rp;
    }
    if (!ready) {
      rp.deliver(make_error(errc::source_failed, "streams: the source is not connected"));
      return rp;
    }
    auto id = next_lease++;
    leases[id] = kind;
    ++linger_token;
    auto& e = extras[index];
    e.leases.insert(id);
    ++e.linger_token;  // cancels a pending stop
    if (e.ready) {
      rp.deliver(lease{id, e.hub});
      report();
      return rp;
    }
    e.waiting.emplace_back(id, rp);
    self->delayed_send(self, cfg.start_timeout, timeout_atom::value, id);
    if (e.pipeline) return rp;
    e.generation = ++extra_generation;
    std::string error;
    auto notify = [addr = self->address(), index, gen = e.generation](source_event ev) {
      if (auto me = caf::actor_cast<stream_actor>(addr))
        caf::anon_send(me, extra_atom::value, uint64_t(index), gen, std::move(ev));
    };
    e.pipeline = source_pipeline::start_fed(sources[index], hub, e.hub, notify, error);
    if (!e.pipeline) extra_failed(index, error);
    else log_line('I', "streams", "[stream " + stream_name + "] transcode started: " + sources[index]);
    return rp;
  }

  void on_extra(uint64_t index, uint64_t gen, const source_event& ev) {
    auto it = extras.find(index);
    if (it == extras.end() || it->second.generation != gen) return;
    auto& e = it->second;
    switch (ev.kind) {
      case source_event::tracks_ready:
        if (e.hub->tracks().empty()) return extra_failed(index, "the transcode has no track");
        e.ready = true;
        for (auto& [id, promise] : e.waiting) promise.deliver(lease{id, e.hub});
        e.waiting.clear();
        report();
        break;
      case source_event::track_added:
        report();
        break;
      case source_event::error:
      case source_event::eos:
        extra_failed(index, ev.text);
        break;
    }
  }

  // Its waiting consumers get the error; those already fed see its hub end.
  void extra_failed(size_t index, const std::string& text) {
    auto& e = extras[index];
    log_line('W', "streams", "[stream " + stream_name + "] transcode " + sources[index] + " failed: " + text);
    for (auto& [id, promise] : e.waiting) promise.deliver(make_error(errc::source_failed, "streams: " + text));
    auto waiting = std::move(e.waiting);
    stop_extra(e);
    extras.erase(index);
    for (auto& w : waiting) on_detach(w.first);
    report();
  }

  void on_extra_linger(uint64_t index, uint64_t token) {
    auto it = extras.find(index);
    if (it == extras.end() || it->second.linger_token != token || !it->second.leases.empty()) return;
    log_line('I', "streams", "[stream " + stream_name + "] transcode stopped: " + sources[index]);
    stop_extra(it->second);
    extras.erase(it);
    report();
  }

  void stop_extra(extra_producer& e) {
    e.hub->close();
    if (e.pipeline) self->system().spawn<caf::detached>(destroy_pipeline, e.pipeline.release());
  }

  // ---- source lifecycle ----
  // ffmpeg:<this stream>#... transcodes this stream's other sources for consumers
  // that need another codec (Home Assistant adds two to every camera). It is not a
  // source of its own: failover passes over it.
  bool runnable(const std::string& source) const { return transcode_input_stream(source) != stream_name; }

  void start() {
    if (publisher || sources.empty()) return;  // a publisher feeds it, or nothing can
    ready = false;
    source_on = true;
    ++generation;
    for (size_t tried = 0; tried < sources.size() && !runnable(sources[source_index]); ++tried)
      source_index = (source_index + 1) % sources.size();
    auto& source = sources[source_index];
    if (!runnable(source)) return on_failure("no source of its own: every source transcodes this stream");
    auto input = source_input_stream(source);
    if (!input.empty()) {
      if (!link_upstream(input, is_stream_reference(source) ? std::string{} : source)) return;
    } else {
      std::string error;
      pipeline = source_pipeline::start(source, hub, notifier(), error);
      if (!pipeline) return on_failure(error);
    }
    set_state(stream_state::starting);
    if (!watching) {
      watching = true;
      self->delayed_send(self, cfg.stall_timeout, tick_atom::value);
    }
  }

  // Reports of the current attempt, from GStreamer threads (or a closing upstream
  // hub): to this actor by address, never touching its state.
  source_pipeline::notify_fn notifier() {
    return [addr = self->address(), gen = generation](source_event ev) {
      if (auto me = caf::actor_cast<stream_actor>(addr)) caf::anon_send(me, source_atom::value, gen, std::move(ev));
    };
  }

  // A source naming another stream: attach to it and relay its hub into ours, or,
  // for ffmpeg:STREAM#..., run `transcode` fed from its hub.
  bool link_upstream(const std::string& target, const std::string& transcode) {
    auto reg = caf::actor_cast<registry_actor>(registry);
    if (!reg) {
      on_failure("registry is gone");
      return false;
    }
    auto gen = generation;
    auto fail = [this, gen, target](caf::error& err) {
      if (gen == generation) on_failure(target + ": " + error_text(err));
    };
    self->request(reg, cfg.start_timeout, lookup_atom::value, target).then([this, gen, fail, transcode](stream_actor up) {
      if (gen != generation) return;
      self->request(up, cfg.start_timeout, attach_atom::value, consumer_kind::relay).then(
          [this, gen, up, transcode](lease held) {
            if (gen != generation) return caf::anon_send(up, detach_atom::value, held.id);
            if (!transcode.empty()) {
              upstream = {up, held.id, held.hub, 0};
              std::string error;
              pipeline = source_pipeline::start_fed(transcode, held.hub, hub, notifier(), error);
              if (!pipeline) on_failure(error);
              return;
            }
            hub->begin_epoch();
            auto notify = notifier();
            auto relay = std::make_shared<hub_relay>(hub, [notify] {
              notify(source_event{source_event::eos, "the stream it relays was removed"});
            });
            upstream = {up, held.id, held.hub, held.hub->subscribe(consumer_kind::relay, relay)};
            on_source(gen, source_event{source_event::tracks_ready, {}});
          },
          fail);
    }, fail);
    return true;
  }

  void release_source() {
    if (pipeline) self->system().spawn<caf::detached>(destroy_pipeline, pipeline.release());
    if (upstream.stream) {
      if (upstream.subscription) upstream.hub->unsubscribe(upstream.subscription);
      caf::anon_send(upstream.stream, detach_atom::value, upstream.lease_id);
      upstream = {};
    }
    source_on = false;
  }

  void stop(stream_state next) {
    release_source();
    ready = false;
    ++generation;  // late events of the old attempt are ignored
    set_state(next);
  }

  void on_failure(const std::string& text) {
    status.last_error = text;
    log_line('W', "streams", "[stream " + stream_name + "] source lost: " + text);
    stop(wanted() ? stream_state::retrying : stream_state::idle);
    if (!wanted()) return;
    backoff = backoff.count() == 0 ? cfg.backoff_min : std::min(backoff * 2, cfg.backoff_max);
    source_index = (source_index + 1) % sources.size();
    self->delayed_send(self, backoff, restart_atom::value, generation);
  }

  void on_restart(uint64_t gen) {
    if (gen != generation || source_on || !wanted()) return;
    start();
  }

  void on_source(uint64_t gen, const source_event& ev) {
    if (gen != generation) return;
    on_feed(ev, [this](const std::string& why) { on_failure(why); });
  }

  // What feeds the hub (a source attempt, or a publisher) reports; `lost` ends it.
  template <class Lost>
  void on_feed(const source_event& ev, Lost lost) {
    switch (ev.kind) {
      case source_event::tracks_ready:
        if (hub->tracks().empty()) return lost("source has no track that can be parsed");
        ready = true;
        backoff = std::chrono::milliseconds{0};
        status.last_error.clear();
        set_state(stream_state::running);
        answer_waiters();
        break;
      case source_event::track_added:
        report();
        break;
      case source_event::error:
      case source_event::eos:
        lost(ev.text);
        break;
    }
  }

  // The stall watchdog: runs when the source would have been silent for the stall
  // timeout (not periodically), so a stream that flows costs one check per timeout.
  void on_tick() {
    if (!source_on) {
      watching = false;
      return;
    }
    auto last = hub->last_buffer_us();
    auto stall_us = std::chrono::duration_cast<std::chrono::microseconds>(cfg.stall_timeout).count();
    auto silent_us = last == 0 ? 0 : g_get_monotonic_time() - last;
    auto next = std::chrono::duration_cast<std::chrono::milliseconds>(cfg.stall_timeout);
    if (silent_us >= stall_us) {
      if (ready) on_failure("no media for " + std::to_string(cfg.stall_timeout.count() / 1000) + " s");
    } else {
      next = std::chrono::milliseconds((stall_us - silent_us) / 1000 + 10);
    }
    self->delayed_send(self, next, tick_atom::value);
  }
};

stream_actor::behavior_type stream_behavior(stream_actor::stateful_pointer<stream_state_data> self,
                                            std::string name, std::vector<std::string> sources, bool preload,
                                            stream_settings cfg, caf::actor_addr registry, hub_ptr hub) {
  auto& st = self->state;
  st.self = self;
  st.hub = std::move(hub);
  st.stream_name = std::move(name);
  st.sources = std::move(sources);
  st.cfg = cfg;
  st.registry = std::move(registry);
  st.status.since_ms = now_ms();
  if (preload) st.on_preload(true);
  return {
      [self](attach_atom, consumer_kind kind) { return self->state.on_attach(kind); },
      [self](transcode_atom, consumer_kind kind, const std::string& media, const std::vector<std::string>& encodings) {
        return self->state.on_transcode(kind, media, encodings);
      },
      [self](extra_atom, uint64_t index, uint64_t gen, const source_event& ev) { self->state.on_extra(index, gen, ev); },
      [self](xlinger_atom, uint64_t index, uint64_t token) { self->state.on_extra_linger(index, token); },
      [self](publish_atom) { return self->state.on_publish(); },
      [self](pubevent_atom, uint64_t id, const source_event& ev) { self->state.on_publisher_event(id, ev); },
      [self](detach_atom, uint64_t id) { self->state.on_detach(id); },
      [self](probe_atom) { return self->state.on_probe(); },
      [self](preload_atom, bool on) { self->state.on_preload(on); },
      [self](status_atom) { return self->state.status; },
      [self](source_atom, uint64_t gen, const source_event& ev) { self->state.on_source(gen, ev); },
      [self](timeout_atom, uint64_t id) { self->state.on_wait_timeout(id); },
      [self](linger_atom, uint64_t token) { self->state.on_linger(token); },
      [self](restart_atom, uint64_t gen) { self->state.on_restart(gen); },
      [self](tick_atom) { self->state.on_tick(); },
  };
}

}  // namespace

stream_actor spawn_stream(caf::actor_system& sys, std::string name, std::vector<std::string> sources,
                          bool preload, stream_settings settings, caf::actor_addr registry, hub_ptr hub) {
  return sys.spawn(stream_behavior, std::move(name), std::move(sources), preload, settings, std::move(registry),
                   std::move(hub));
}

}  // namespace sy
