// The seed scenario at actor level: the go2rtc crash ("concurrent map writes")
// came from many clients creating and deleting streams at once. Here 64 requester
// actors fire 1,000 interleaved operations each at one registry; afterwards the
// registry must equal a serial replay of the acknowledged changes, in the order of
// their sequence numbers, and no stream actor may be left behind.
#include <doctest/doctest.h>

#include <map>
#include <random>

#include "actors/registry_actor.hpp"
#include "tests/support/actor_fixture.hpp"

using namespace sy;
using sy::test::ask;
using sy::test::eventually;

namespace {

constexpr int requesters = 64;
constexpr int ops_per_requester = 1000;

enum class op_kind { put, del, list, get, bad_put };

struct record {
  op_kind kind;
  std::string name;
  std::vector<std::string> sources;
  bool ok = false;
  uint64_t seq = 0;
};

using done_atom = caf::atom_constant<caf::atom("done")>;

struct requester_state {
  std::vector<record>* log;
  std::mt19937 rng;
  int id = 0;
  int left = 0;
};

std::string pick_name(std::mt19937& rng, int id) {
  auto r = rng() % 10;
  if (r < 6) return "shared" + std::to_string(rng() % 8);
  return "p" + std::to_string(id) + "_" + std::to_string(rng() % 4);
}

void next(caf::stateful_actor<requester_state>* self, registry_actor reg, caf::actor done) {
  auto& st = self->state;
  if (st.left-- == 0) {
    self->send(done, done_atom::value);
    self->quit();
    return;
  }
  auto roll = st.rng() % 100;
  record rec;
  rec.name = pick_name(st.rng, st.id);
  rec.kind = roll < 35 ? op_kind::put : roll < 55 ? op_kind::del : roll < 70 ? op_kind::list
           : roll < 90 ? op_kind::get : op_kind::bad_put;
  st.log->push_back(rec);
  auto index = st.log->size() - 1;
  auto on_ack = [=](const change_ack& ack) {
    auto& r = (*self->state.log)[index];
    r.ok = true;
    r.seq = ack.seq;
    next(self, reg, done);
  };
  auto on_error = [=](caf::error&) { next(self, reg, done); };
  switch (rec.kind) {
    case op_kind::put: {
      std::vector<std::string> sources{"test:?fps=" + std::to_string(1 + st.rng() % 60)};
      (*st.log)[index].sources = sources;
      self->request(reg, caf::infinite, caf::put_atom::value, put_request{rec.name, sources, origin::api}, deadline{})
          .then(on_ack, on_error);
      break;
    }
    case op_kind::bad_put: {
      auto bad = st.rng() % 2 ? put_request{rec.name, {"exec:evil"}, origin::api}
                              : put_request{std::string(1, '\x01') + rec.name, {"test:"}, origin::api};
      self->request(reg, caf::infinite, caf::put_atom::value, bad, deadline{}).then(on_ack, on_error);
      break;
    }
    case op_kind::del:
      self->request(reg, caf::infinite, caf::delete_atom::value, rec.name, origin::api, deadline{}).then(on_ack, on_error);
      break;
    case op_kind::list:
      self->request(reg, caf::infinite, list_atom::value)
          .then([=](const std::vector<stream_info>&) {
                  (*self->state.log)[index].ok = true;
                  next(self, reg, done);
                }, on_error);
      break;
    case op_kind::get:
      self->request(reg, caf::infinite, caf::get_atom::value, rec.name)
          .then([=](const stream_info& info) {
                  auto& r = (*self->state.log)[index];
                  r.ok = info.name == r.name;
                  next(self, reg, done);
                }, on_error);
      break;
  }
}

caf::behavior requester(caf::stateful_actor<requester_state>* self, registry_actor reg, caf::actor done,
                        std::vector<record>* log, int id) {
  self->state.log = log;
  self->state.rng.seed(uint32_t(id) * 7919u + 1u);
  self->state.id = id;
  self->state.left = ops_per_requester;
  next(self, reg, done);
  return {[](caf::unit_t) {}};
}

}  // namespace

TEST_CASE("64 concurrent requesters x 1000 operations leave exactly the serial replay of what was acknowledged") {
  test::actor_env env;
  auto& sys = env.sys;
  auto baseline = sys.registry().running();
  auto reg = spawn_registry(sys, {});
  std::vector<std::vector<record>> logs(requesters);
  {
    caf::scoped_actor self{sys};
    for (int i = 0; i < requesters; ++i) sys.spawn(requester, reg, caf::actor{self}, &logs[size_t(i)], i);
    int finished = 0;
    self->receive_for(finished, requesters)([](done_atom) {});
  }

  // Every change acknowledged, each with a distinct sequence number, none missing.
  std::vector<const record*> changes;
  size_t bad_accepted = 0, ops = 0;
  for (auto& log : logs) {
    ops += log.size();
    for (auto& r : log) {
      if (r.kind == op_kind::bad_put && r.ok) ++bad_accepted;
      if ((r.kind == op_kind::put || r.kind == op_kind::del) && r.ok) changes.push_back(&r);
      if (r.kind == op_kind::put || r.kind == op_kind::del || r.kind == op_kind::list) CHECK(r.ok);
    }
  }
  CHECK(ops == size_t(requesters) * ops_per_requester);
  CHECK(bad_accepted == 0);
  std::sort(changes.begin(), changes.end(), [](auto* a, auto* b) { return a->seq < b->seq; });
  for (size_t i = 0; i < changes.size(); ++i) REQUIRE(changes[i]->seq == i + 1);

  std::map<std::string, std::vector<std::string>> model;
  for (auto* r : changes) {
    if (r->kind == op_kind::put) model[r->name] = r->sources;
    else model.erase(r->name);
  }
  auto final_list = ask<std::vector<stream_info>>(env.calls, reg, list_atom::value);
  REQUIRE(final_list);
  std::map<std::string, std::vector<std::string>> actual;
  for (auto& s : *final_list) actual[s.name] = s.sources;
  CHECK(actual == model);

  // Streams are lazy: none has an actor yet. Waking each (as its first viewer
  // would) gives one live stream actor per stream, plus the registry: nothing
  // leaked (the test's own callers count as running actors in CAF 0.17: let them go
  // first).
  for (auto& kv : model) REQUIRE(ask<stream_actor>(env.calls, reg, lookup_atom::value, kv.first));
  for (auto& kv : model) REQUIRE(ask<stream_actor>(env.calls, reg, lookup_atom::value, kv.first));  // the same ones
  env.calls.close();
  CHECK(eventually([&] { return sys.registry().running() == baseline + 1 + model.size(); }, std::chrono::seconds(10)));
  caf::anon_send_exit(reg, caf::exit_reason::user_shutdown);
  reg = nullptr;
  CHECK(eventually([&] { return sys.registry().running() == baseline; }, std::chrono::seconds(10)));
}
