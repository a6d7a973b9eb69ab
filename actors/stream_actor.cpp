#include "actors/stream_actor.hpp"

#include <algorithm>
#include <memory>

#include "actors/log.hpp"
#include "actors/stream_pipeline.hpp"
#include "actors/track_hub.hpp"

namespace sy {
namespace {

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch()).count();
}

struct waiter {
  uint64_t id;
  caf::response_promise promise;
  bool probe;  // reply with the status instead of the hub, then detach
};

struct stream_state {
  caf::stateful_actor<stream_state>* self = nullptr;
  std::string name;
  std::vector<std::string> sources;
  bool preload = false;
  stream_settings cfg;
  caf::actor_addr registry;

  hub_ptr hub = std::make_shared<track_hub>();
  std::unique_ptr<stream_pipeline> pipeline;
  uint64_t generation = 0;
  size_t source_index = 0;
  bool ready = false;
  int consumers = 0;
  std::vector<waiter> waiting;
  uint64_t next_waiter = 1;
  uint64_t linger_token = 0;
  bool ticking = false;
  std::chrono::milliseconds backoff{0};
  stream_status status;

  ~stream_state() {
    hub->close();
    pipeline.reset();
  }

  bool wanted() const { return consumers > 0 || preload; }

  void set_state(const char* s) {
    if (status.state != s) {
      status.state = s;
      status.since_ms = now_ms();
    }
    report();
  }

  void report() {
    status.tracks = hub->tracks();
    status.consumers = hub->consumers();
    status.active_source = pipeline ? int32_t(source_index) : -1;
    if (auto r = caf::actor_cast<registry_actor>(registry))
      self->send(r, status_atom::value, name, status);
  }

  // ---- consumers ----
  caf::response_promise on_attach(bool probe) {
    auto rp = self->make_response_promise();
    ++consumers;
    ++linger_token;  // cancels a pending linger stop
    if (ready) {
      finish(rp, probe);
      return rp;
    }
    auto id = next_waiter++;
    waiting.push_back({id, rp, probe});
    self->delayed_send(self, cfg.start_timeout, timeout_atom::value, id);
    if (!pipeline && status.state != "retrying") start();
    return rp;
  }

  void finish(caf::response_promise& rp, bool probe) {
    if (!probe) {
      rp.deliver(hub);
      return;
    }
    status.tracks = hub->tracks();
    rp.deliver(status);
    on_detach();
  }

  void on_detach() {
    consumers = std::max(0, consumers - 1);
    if (!wanted()) self->delayed_send(self, cfg.linger, linger_atom::value, ++linger_token);
    report();
  }

  void on_wait_timeout(uint64_t id) {
    auto it = std::find_if(waiting.begin(), waiting.end(), [id](const waiter& w) { return w.id == id; });
    if (it == waiting.end()) return;
    auto text = status.last_error.empty() ? "streams: no media from the source in time" : status.last_error;
    it->promise.deliver(make_error(errc::source_failed, text));
    waiting.erase(it);
    on_detach();
  }

  void on_linger(uint64_t token) {
    if (token != linger_token || wanted()) return;
    stop("idle");
  }

  void on_preload(bool on) {
    preload = on;
    if (preload && !pipeline && status.state != "retrying") start();
    if (!wanted()) self->delayed_send(self, cfg.linger, linger_atom::value, ++linger_token);
  }

  // ---- source lifecycle ----
  void start() {
    ready = false;
    std::string error;
    pipeline = stream_pipeline::start(self->system(), sources[source_index], hub, self->address(),
                                      ++generation, error);
    if (!pipeline) {
      on_failure(error);
      return;
    }
    set_state("starting");
    if (!ticking) {
      ticking = true;
      self->delayed_send(self, cfg.tick, tick_atom::value);
    }
  }

  void stop(const char* next_state) {
    pipeline.reset();
    ready = false;
    ++generation;  // late events of the old pipeline are ignored
    set_state(next_state);
  }

  void on_failure(const std::string& text) {
    status.last_error = text;
    log_line('W', "streams", "[stream " + name + "] source lost: " + text);
    stop(wanted() ? "retrying" : "idle");
    if (!wanted()) return;
    backoff = backoff.count() == 0 ? cfg.backoff_min : std::min(backoff * 2, cfg.backoff_max);
    source_index = (source_index + 1) % sources.size();
    self->delayed_send(self, backoff, restart_atom::value, generation);
  }

  void on_restart(uint64_t gen) {
    if (gen != generation || pipeline || !wanted()) return;
    start();
  }

  void on_gst(const gst_event& ev) {
    if (ev.generation != generation) return;
    switch (ev.kind) {
      case gst_event::tracks_ready:
        if (hub->tracks().empty()) return on_failure("source has no track that can be parsed");
        ready = true;
        backoff = std::chrono::milliseconds{0};
        status.last_error.clear();
        set_state("running");
        for (auto& w : waiting) finish(w.promise, w.probe);
        waiting.clear();
        break;
      case gst_event::track_added:
        report();
        break;
      case gst_event::error:
      case gst_event::eos:
        on_failure(ev.text);
        break;
    }
  }

  void on_tick() {
    if (!pipeline) {
      ticking = false;
      return;
    }
    auto last = hub->last_buffer_us();
    auto stalled_us = std::chrono::duration_cast<std::chrono::microseconds>(cfg.stall_timeout).count();
    if (ready && last != 0 && g_get_monotonic_time() - last > stalled_us) {
      on_failure("no media for " + std::to_string(cfg.stall_timeout.count() / 1000) + " s");
    } else {
      report();
    }
    self->delayed_send(self, cfg.tick, tick_atom::value);
  }
};

caf::behavior stream_behavior(caf::stateful_actor<stream_state>* self, std::string name,
                              std::vector<std::string> sources, bool preload, stream_settings cfg,
                              caf::actor_addr registry) {
  auto& st = self->state;
  st.self = self;
  st.name = std::move(name);
  st.sources = std::move(sources);
  st.cfg = cfg;
  st.registry = std::move(registry);
  st.status.since_ms = now_ms();
  if (preload) st.on_preload(true);
  return {
      [=](attach_atom, const std::string&) { return self->state.on_attach(false); },
      [=](detach_atom, uint64_t) { self->state.on_detach(); },
      [=](probe_atom) { return self->state.on_attach(true); },
      [=](preload_atom, bool on) { self->state.on_preload(on); },
      [=](status_atom) { return self->state.status; },
      [=](gst_atom, const gst_event& ev) { self->state.on_gst(ev); },
      [=](timeout_atom, uint64_t id) { self->state.on_wait_timeout(id); },
      [=](linger_atom, uint64_t token) { self->state.on_linger(token); },
      [=](restart_atom, uint64_t gen) { self->state.on_restart(gen); },
      [=](tick_atom) { self->state.on_tick(); },
  };
}

}  // namespace

caf::actor spawn_stream(caf::actor_system& sys, std::string name, std::vector<std::string> sources,
                        bool preload, stream_settings settings, caf::actor_addr registry) {
  return sys.spawn(stream_behavior, std::move(name), std::move(sources), preload, settings,
                   std::move(registry));
}

}  // namespace sy
