#include <doctest/doctest.h>

#include "actors/registry_actor.hpp"
#include "pipelines/hub/appsrc_sink.hpp"
#include "actors/stream_client.hpp"
#include "tests/support/actor_fixture.hpp"

#include <random>
#include <thread>

using namespace sy;
using sy::test::ask;
using sy::test::eventually;

namespace {

put_request put(std::string name, std::vector<std::string> sources, put_mode mode = put_mode::upsert) {
  return {std::move(name), std::move(sources), origin::api, mode};
}

std::vector<std::string> names(blocking_calls& calls, const registry_actor& reg) {
  std::vector<std::string> out;
  auto all = ask<std::vector<stream_info>>(calls, reg, list_atom::value);
  for (auto& s : *all) out.push_back(s.name);
  return out;
}

// GET /api/streams's rows, in order.
std::vector<list_row> list_rows(blocking_calls& calls, const registry_actor& reg) {
  auto snapshot = ask<list_snapshot>(calls, reg, list_rows_atom::value);
  REQUIRE(snapshot);
  std::vector<list_row> out;
  snapshot->for_each([&](const list_row& r) { out.push_back(r); });
  CHECK(out.size() == snapshot->size());
  return out;
}

// The list's rows say what the stream_infos (yardctl's list, made from the registry's
// own entries) say, status aside.
void check_rows_match(const std::vector<list_row>& rows, const std::vector<stream_info>& infos) {
  REQUIRE(rows.size() == infos.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    auto& r = rows[i];
    auto& s = infos[i];
    CAPTURE(s.name);
    CHECK(r.name == s.name);
    REQUIRE(r.sources);
    CHECK(*r.sources == s.sources);
    CHECK(r.preload == s.preload);
    CHECK(r.alias_of == s.alias_of);
    // A woken stream's status moves between the two calls (its source connects, fails);
    // one never woken has only its creation time.
    if (!r.status) CHECK(r.since_ms == s.status.since_ms);
  }
}

}  // namespace

TEST_CASE("create, replace, list, get and delete follow go2rtc's semantics") {
  test::actor_env env;
  auto& sys = env.sys;
  auto reg = spawn_registry(sys, {});

  auto a = ask<change_ack>(env.calls, reg, caf::put_atom::value, put("cam1", {"test:"}), deadline{});
  REQUIRE(a);
  CHECK_FALSE(a->existed);
  auto first = ask<stream_actor>(env.calls, reg, lookup_atom::value, std::string{"cam1"});
  REQUIRE(first);

  auto b = ask<change_ack>(env.calls, reg, caf::put_atom::value, put("cam1", {"test:?fps=5", "test:?fps=10"}), deadline{});
  REQUIRE(b);
  CHECK(b->existed);
  CHECK(b->seq > a->seq);
  auto second = ask<stream_actor>(env.calls, reg, lookup_atom::value, std::string{"cam1"});
  REQUIRE(second);
  CHECK(*first != *second);
  // The replaced stream actor is gone.
  caf::scoped_actor self{sys};
  self->monitor(*first);
  bool down = false;
  self->receive([&](caf::down_msg&) { down = true; }, caf::after(std::chrono::seconds(5)) >> [] {});
  CHECK(down);

  auto info = ask<stream_info>(env.calls, reg, caf::get_atom::value, std::string{"cam1"});
  REQUIRE(info);
  CHECK(info->sources == std::vector<std::string>{"test:?fps=5", "test:?fps=10"});
  CHECK(info->status.state == stream_state::idle);

  CHECK(ask<change_ack>(env.calls, reg, caf::put_atom::value, put("cam2", {"test:"}), deadline{}));
  CHECK(names(env.calls, reg) == std::vector<std::string>{"cam1", "cam2"});

  auto d = ask<change_ack>(env.calls, reg, caf::delete_atom::value, std::string{"cam1"}, origin::api, deadline{});
  REQUIRE(d);
  CHECK(d->existed);
  auto gone = ask<change_ack>(env.calls, reg, caf::delete_atom::value, std::string{"nope"}, origin::api, deadline{});
  REQUIRE(gone);  // deleting an unknown name is acknowledged, as go2rtc does
  CHECK_FALSE(gone->existed);
  CHECK(names(env.calls, reg) == std::vector<std::string>{"cam2"});
  auto missing = ask<stream_info>(env.calls, reg, caf::get_atom::value, std::string{"cam1"});
  REQUIRE_FALSE(missing);
  CHECK(error_code(missing.error()) == errc::not_found);
  caf::anon_send_exit(reg, caf::exit_reason::user_shutdown);
}

TEST_CASE("a change that reaches the registry after its deadline is refused and changes nothing") {
  test::actor_env env;
  auto& sys = env.sys;
  auto reg = spawn_registry(sys, {});
  REQUIRE(ask<change_ack>(env.calls, reg, caf::put_atom::value, put("kept", {"test:"}), deadline{}));
  auto past = deadline::after(std::chrono::milliseconds(-1));
  auto late_put = ask<change_ack>(env.calls, reg, caf::put_atom::value, put("late", {"test:"}), past);
  REQUIRE_FALSE(late_put);
  CHECK(error_code(late_put.error()) == errc::expired);
  auto late_delete = ask<change_ack>(env.calls, reg, caf::delete_atom::value, std::string{"kept"}, origin::api, past);
  CHECK(error_code(late_delete.error()) == errc::expired);
  auto late_preload = ask<change_ack>(env.calls, reg, preload_atom::value, std::string{"kept"}, true, origin::api, past);
  CHECK(error_code(late_preload.error()) == errc::expired);
  CHECK(names(env.calls, reg) == std::vector<std::string>{"kept"});
  auto info = ask<stream_info>(env.calls, reg, caf::get_atom::value, std::string{"kept"});
  REQUIRE(info);
  CHECK_FALSE(info->preload);
  // A deadline still ahead is no obstacle.
  CHECK(ask<change_ack>(env.calls, reg, caf::put_atom::value, put("soon", {"test:"}), deadline::after(std::chrono::seconds(5))));
  caf::anon_send_exit(reg, caf::exit_reason::user_shutdown);
}

TEST_CASE("bad names and sources are refused and change nothing") {
  test::actor_env env;
  auto& sys = env.sys;
  auto reg = spawn_registry(sys, {});
  REQUIRE(ask<change_ack>(env.calls, reg, caf::put_atom::value, put("keep", {"test:"}), deadline{}));
  struct bad_case {
    put_request req;
    errc code;
    const char* text;
  } cases[] = {
      {put("", {"test:"}), errc::invalid_name, "streams: empty name"},
      {put(std::string(300, 'x'), {"test:"}), errc::invalid_name, "streams: name longer than 256 bytes"},
      {put("a\x01", {"test:"}), errc::invalid_name, "streams: name with control characters"},
      {put("\xff", {"test:"}), errc::invalid_name, "streams: name is not valid UTF-8"},
      {put("keep", {"ftp://x"}), errc::source_not_supported, "streams: source not supported"},
      {put("keep", {"exec:rm -rf /"}), errc::insecure_source, "streams: source from insecure producer"},
      {put("keep", {"gst:videotestsrc"}), errc::insecure_source, "streams: source from insecure producer"},
      {put("keep", {"rtsp://h/a b"}), errc::source_with_spaces, "streams: source with spaces may be insecure"},
      {put("keep", {}), errc::no_sources, "streams: no source"},
      {put("keep", {"test:"}, put_mode::create), errc::already_exists, "streams: stream already exists"},
      {put("other", {"test:"}, put_mode::update), errc::not_found, "stream not found"},
      {put_request{"a\x01", {"keep"}, origin::patch, put_mode::upsert}, errc::invalid_name,
       "streams: name with control characters"},  // an alias needs a valid name too
      {put("keep", {"keep"}), errc::source_not_supported, "streams: source loops back to this stream"},
      {put("x", {"nosuch"}), errc::source_not_supported, "streams: source not supported"},
  };
  for (auto& c : cases) {
    CAPTURE(c.text);
    auto res = ask<change_ack>(env.calls, reg, caf::put_atom::value, c.req, deadline{});
    REQUIRE_FALSE(res);
    CHECK(error_code(res.error()) == c.code);
    CHECK(error_text(res.error()) == c.text);
  }
  auto info = ask<stream_info>(env.calls, reg, caf::get_atom::value, std::string{"keep"});
  REQUIRE(info);
  CHECK(info->sources == std::vector<std::string>{"test:"});
  CHECK(names(env.calls, reg) == std::vector<std::string>{"keep"});
  caf::anon_send_exit(reg, caf::exit_reason::user_shutdown);
}

TEST_CASE("insecure producers are accepted from the config file only") {
  test::actor_env env;
  auto& sys = env.sys;
  auto reg = spawn_registry(sys, {});
  auto api = ask<change_ack>(env.calls, reg, caf::put_atom::value, put_request{"x", {"gst:videotestsrc"}, origin::api}, deadline{});
  CHECK(error_code(api.error()) == errc::insecure_source);
  // gst: is not built yet: from the config file it is "not supported", not insecure.
  auto file = ask<change_ack>(env.calls, reg, caf::put_atom::value, put_request{"x", {"gst:videotestsrc"}, origin::config}, deadline{});
  CHECK(error_code(file.error()) == errc::source_not_supported);
  caf::anon_send_exit(reg, caf::exit_reason::user_shutdown);
}

TEST_CASE("a consumer attached to a stream gets its tracks, and a replace ends it with EOS") {
  test::actor_env env;
  auto& sys = env.sys;
  stream_settings st;
  st.linger = std::chrono::milliseconds(200);
  auto reg = spawn_registry(sys, {st, {}});
  REQUIRE(ask<change_ack>(env.calls, reg, caf::put_atom::value, put("cam", {"test:?size=320x240&fps=25"}), deadline{}));
  auto att = attach_stream(env.calls, reg, "cam", consumer_kind::test);
  REQUIRE(att);
  CHECK(att->held.hub->caps_names() == std::vector<std::string>{"video/x-h264"});
  CHECK(eventually([&] {
    auto info = ask<stream_info>(env.calls, reg, caf::get_atom::value, std::string{"cam"});
    return info && info->status.state == stream_state::running;
  }, std::chrono::seconds(5)));

  // A real appsrc pipeline subscribed to the hub receives media, then EOS on replace.
  auto* pipeline = gst_parse_launch("appsrc name=in format=time ! fakesink name=sink sync=false signal-handoffs=true", nullptr);
  auto* in = gst_bin_get_by_name(GST_BIN(pipeline), "in");
  auto* sink = gst_bin_get_by_name(GST_BIN(pipeline), "sink");
  std::atomic<int> buffers{0};
  g_signal_connect(sink, "handoff", G_CALLBACK(+[](GstElement*, GstBuffer*, GstPad*, gpointer n) {
                     static_cast<std::atomic<int>*>(n)->fetch_add(1);
                   }), &buffers);
  gst_element_set_state(pipeline, GST_STATE_PLAYING);
  auto id = att->held.hub->subscribe(consumer_kind::test, make_appsrc_sink({in}));
  CHECK(id != 0);
  CHECK(eventually([&] { return buffers.load() > 10; }, std::chrono::seconds(5)));

  REQUIRE(ask<change_ack>(env.calls, reg, caf::put_atom::value, put("cam", {"test:"}), deadline{}));
  auto* bus = gst_element_get_bus(pipeline);
  auto* eos = gst_bus_timed_pop_filtered(bus, 5 * GST_SECOND, GST_MESSAGE_EOS);
  CHECK(eos != nullptr);
  if (eos) gst_message_unref(eos);
  gst_object_unref(bus);
  gst_element_set_state(pipeline, GST_STATE_NULL);
  gst_object_unref(in);
  gst_object_unref(sink);
  gst_object_unref(pipeline);
  caf::anon_send_exit(reg, caf::exit_reason::user_shutdown);
}

TEST_CASE("a stream disconnects its source a linger time after its last consumer") {
  test::actor_env env;
  auto& sys = env.sys;
  stream_settings st;
  st.linger = std::chrono::milliseconds(300);
  auto reg = spawn_registry(sys, {st, {}});
  REQUIRE(ask<change_ack>(env.calls, reg, caf::put_atom::value, put("cam", {"test:?size=160x120"}), deadline{}));
  auto att = attach_stream(env.calls, reg, "cam", consumer_kind::test);
  REQUIRE(att);
  auto state = [&] { return ask<stream_info>(env.calls, reg, caf::get_atom::value, std::string{"cam"})->status.state; };
  CHECK(eventually([&] { return state() == stream_state::running; }, std::chrono::seconds(5)));
  detach_stream(*att);
  CHECK(eventually([&] { return state() == stream_state::idle; }, std::chrono::seconds(5)));
  auto before = att->held.hub->last_buffer_us();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK(att->held.hub->last_buffer_us() == before);  // no media flows once idle
  caf::anon_send_exit(reg, caf::exit_reason::user_shutdown);
}

TEST_CASE("attaching to a source that never delivers fails with the source's error") {
  test::actor_env env;
  auto& sys = env.sys;
  stream_settings st;
  st.start_timeout = std::chrono::milliseconds(1500);
  st.backoff_min = std::chrono::milliseconds(200);
  auto reg = spawn_registry(sys, {st, {}});
  // Port 1 on loopback: connection refused at once.
  REQUIRE(ask<change_ack>(env.calls, reg, caf::put_atom::value, put("dead", {"rtsp://127.0.0.1:1/x"}), deadline{}));
  auto att = attach_stream(env.calls, reg, "dead", consumer_kind::test);
  REQUIRE_FALSE(att);
  CHECK(error_code(att.error()) == errc::source_failed);
  auto info = ask<stream_info>(env.calls, reg, caf::get_atom::value, std::string{"dead"});
  REQUIRE(info);
  CHECK_FALSE(info->status.last_error.empty());
  caf::anon_send_exit(reg, caf::exit_reason::user_shutdown);
}

TEST_CASE("a listener gets every existing stream, then added, replaced and removed as they happen") {
  test::actor_env env;
  auto reg = spawn_registry(env.sys, {});
  REQUIRE(ask<change_ack>(env.calls, reg, caf::put_atom::value, put("before", {"test:"}), deadline{}));
  caf::scoped_actor listener{env.sys};
  caf::anon_send(reg, subscribe_atom::value, caf::actor_cast<stream_listener>(listener));
  std::vector<std::pair<int, std::string>> seen;
  auto next = [&] {
    listener->receive([&](changed_atom, const stream_event& ev) { seen.emplace_back(int(ev.change), ev.name); },
                      caf::after(std::chrono::seconds(5)) >> [&] { seen.emplace_back(-1, "timeout"); });
  };
  next();
  REQUIRE(ask<change_ack>(env.calls, reg, caf::put_atom::value, put("cam", {"test:"}), deadline{}));
  next();
  REQUIRE(ask<change_ack>(env.calls, reg, caf::put_atom::value, put("cam", {"test:?fps=5"}), deadline{}));
  next();
  REQUIRE(ask<change_ack>(env.calls, reg, caf::put_atom::value,
                          put_request{"door", {"cam"}, origin::patch, put_mode::upsert}, deadline{}));
  next();
  REQUIRE(ask<change_ack>(env.calls, reg, caf::delete_atom::value, std::string{"cam"}, origin::api, deadline{}));
  next();
  next();
  using ev = stream_event;
  CHECK(seen == std::vector<std::pair<int, std::string>>{{ev::added, "before"}, {ev::added, "cam"},
                                                          {ev::replaced, "cam"}, {ev::added, "door"},
                                                          {ev::removed, "cam"}, {ev::removed, "door"}});
  caf::anon_send_exit(reg, caf::exit_reason::user_shutdown);
}

TEST_CASE("a PATCH alias shares its target: get, list and lookup resolve to it, and it goes with it") {
  test::actor_env env;
  auto reg = spawn_registry(env.sys, {});
  REQUIRE(ask<change_ack>(env.calls, reg, caf::put_atom::value, put("cam", {"test:?size=160x120"}), deadline{}));
  auto patch = [&](std::string name, std::string src) {
    return ask<change_ack>(env.calls, reg, caf::put_atom::value,
                           put_request{std::move(name), {std::move(src)}, origin::patch, put_mode::upsert}, deadline{});
  };
  REQUIRE(patch("door", "cam"));
  REQUIRE(patch("porch", "door"));  // an alias of an alias shares the stream itself
  REQUIRE(patch("yard", "rtsp://127.0.0.1:18554/cam"));
  for (auto* alias : {"door", "porch", "yard"}) {
    CAPTURE(alias);
    auto info = ask<stream_info>(env.calls, reg, caf::get_atom::value, std::string{alias});
    REQUIRE(info);
    CHECK(info->sources == std::vector<std::string>{"test:?size=160x120"});
    CHECK(info->alias_of == "cam");
    CHECK(*ask<stream_actor>(env.calls, reg, lookup_atom::value, std::string{alias}) ==
          *ask<stream_actor>(env.calls, reg, lookup_atom::value, std::string{"cam"}));
  }
  CHECK(names(env.calls, reg) == std::vector<std::string>{"cam", "door", "porch", "yard"});
  // A replaced target keeps its aliases, which follow it.
  REQUIRE(ask<change_ack>(env.calls, reg, caf::put_atom::value, put("cam", {"test:?size=320x240"}), deadline{}));
  CHECK(ask<stream_info>(env.calls, reg, caf::get_atom::value, std::string{"door"})->sources ==
        std::vector<std::string>{"test:?size=320x240"});
  // Deleting an alias leaves the stream; deleting the stream takes the other aliases.
  REQUIRE(ask<change_ack>(env.calls, reg, caf::delete_atom::value, std::string{"yard"}, origin::api, deadline{}));
  CHECK(names(env.calls, reg) == std::vector<std::string>{"cam", "door", "porch"});
  // An alias replaced by a stream of its own no longer goes with its old target.
  REQUIRE(ask<change_ack>(env.calls, reg, caf::put_atom::value, put("porch", {"test:?size=160x120"}), deadline{}));
  REQUIRE(ask<change_ack>(env.calls, reg, caf::delete_atom::value, std::string{"cam"}, origin::api, deadline{}));
  CHECK(names(env.calls, reg) == std::vector<std::string>{"porch"});
  // A stream that becomes an alias hands its aliases to its new target.
  REQUIRE(patch("gate", "porch"));
  REQUIRE(ask<change_ack>(env.calls, reg, caf::put_atom::value, put("shed", {"test:?size=160x120"}), deadline{}));
  REQUIRE(patch("porch", "shed"));
  CHECK(ask<stream_info>(env.calls, reg, caf::get_atom::value, std::string{"gate"})->alias_of == "shed");
  REQUIRE(ask<change_ack>(env.calls, reg, caf::delete_atom::value, std::string{"shed"}, origin::api, deadline{}));
  CHECK(names(env.calls, reg).empty());
  caf::anon_send_exit(reg, caf::exit_reason::user_shutdown);
}

TEST_CASE("a stream's actor is spawned by its first lookup or preload, never by a put, and dies with the stream") {
  test::actor_env env;
  auto reg = spawn_registry(env.sys, {});
  auto running = [&] { return env.sys.registry().running(); };
  REQUIRE(ask<change_ack>(env.calls, reg, caf::put_atom::value, put("a", {"test:?size=160x120"}), deadline{}));
  auto baseline = running();
  for (int i = 0; i < 100; ++i)
    REQUIRE(ask<change_ack>(env.calls, reg, caf::put_atom::value, put("n" + std::to_string(i), {"test:"}), deadline{}));
  CHECK(names(env.calls, reg).size() == 101);  // listed and gettable without an actor
  CHECK(ask<stream_info>(env.calls, reg, caf::get_atom::value, std::string{"n7"})->status.state == stream_state::idle);
  CHECK(running() == baseline);
  auto first = ask<stream_actor>(env.calls, reg, lookup_atom::value, std::string{"a"});
  REQUIRE(first);
  CHECK(eventually([&] { return running() == baseline + 1; }, std::chrono::seconds(5)));
  CHECK(*ask<stream_actor>(env.calls, reg, lookup_atom::value, std::string{"a"}) == *first);  // one actor per stream
  REQUIRE(ask<change_ack>(env.calls, reg, preload_atom::value, std::string{"n1"}, true, origin::api, deadline{}));
  CHECK(eventually([&] { return running() == baseline + 2; }, std::chrono::seconds(5)));
  // Deleting a woken stream ends its actor; deleting a lazy one has none to end.
  REQUIRE(ask<change_ack>(env.calls, reg, caf::delete_atom::value, std::string{"a"}, origin::api, deadline{}));
  REQUIRE(ask<change_ack>(env.calls, reg, caf::delete_atom::value, std::string{"n2"}, origin::api, deadline{}));
  CHECK(eventually([&] { return running() == baseline + 1; }, std::chrono::seconds(5)));
  caf::anon_send_exit(reg, caf::exit_reason::user_shutdown);
}

TEST_CASE("the config file's streams load in one message: the good ones in order, the refused ones named") {
  test::actor_env env;
  auto reg = spawn_registry(env.sys, {});
  auto running = [&] { return env.sys.registry().running(); };
  auto baseline = running();
  std::vector<put_request> puts{{"b", {"test:"}, origin::api, put_mode::upsert},
                                {"bad\tname", {"test:"}, origin::api, put_mode::upsert},
                                {"a", {"gst:videotestsrc"}, origin::api, put_mode::upsert},
                                {"c", {"test:?size=160x120"}, origin::api, put_mode::upsert},
                                {"b", {"test:?fps=5"}, origin::api, put_mode::upsert}};     // a later line wins
  auto refused = ask<std::vector<std::string>>(env.calls, reg, load_atom::value, puts,
                                               std::vector<std::string>{"c", "missing"});
  REQUIRE(refused);
  REQUIRE(refused->size() == 3);
  CHECK((*refused)[0].rfind("bad\tname: streams: name with control characters", 0) == 0);
  // Loaded as the config file's (whatever origin the requests carried): a gst: source
  // gets as far as its pipeline's check, where from the API it is refused as insecure.
  CHECK((*refused)[1] == "a: gst: the pipeline must name its output out0");
  CHECK((*refused)[2].rfind("missing: ", 0) == 0);
  CHECK(names(env.calls, reg) == std::vector<std::string>{"b", "c"});
  CHECK(ask<stream_info>(env.calls, reg, caf::get_atom::value, std::string{"b"})->sources ==
        std::vector<std::string>{"test:?fps=5"});
  // The preloaded stream's actor runs; the other stays lazy.
  CHECK(ask<stream_info>(env.calls, reg, caf::get_atom::value, std::string{"c"})->preload);
  CHECK(eventually([&] { return running() == baseline + 2; }, std::chrono::seconds(5)));  // registry + c
  caf::anon_send_exit(reg, caf::exit_reason::user_shutdown);
}

TEST_CASE("the list rows say what the list says, share the registry's sources until they change, status once awake") {
  test::actor_env env;
  auto reg = spawn_registry(env.sys, {});
  REQUIRE(ask<change_ack>(env.calls, reg, caf::put_atom::value, put("cam", {"test:?size=160x120"}), deadline{}));
  REQUIRE(ask<change_ack>(env.calls, reg, caf::put_atom::value, put("other", {"test:", "test:?fps=5"}), deadline{}));
  REQUIRE(ask<change_ack>(env.calls, reg, caf::put_atom::value,
                          put_request{"door", {"cam"}, origin::patch, put_mode::upsert}, deadline{}));
  auto rows = list_rows(env.calls, reg);
  auto infos = ask<std::vector<stream_info>>(env.calls, reg, list_atom::value);
  REQUIRE(infos);
  check_rows_match(rows, *infos);
  for (auto& r : rows) CHECK(r.status == nullptr);  // nobody looked these up: no status, only their time
  // Unchanged streams hand out the same list; a changed one a new one.
  auto again = list_rows(env.calls, reg);
  CHECK(again[0].sources == rows[0].sources);
  REQUIRE(ask<change_ack>(env.calls, reg, caf::put_atom::value, put("cam", {"test:?size=320x240"}), deadline{}));
  REQUIRE(ask<stream_actor>(env.calls, reg, lookup_atom::value, std::string{"other"}));
  auto changed = list_rows(env.calls, reg);
  CHECK(changed[0].sources != rows[0].sources);
  CHECK(*changed[0].sources == std::vector<std::string>{"test:?size=320x240"});
  CHECK(*changed[1].sources == std::vector<std::string>{"test:?size=320x240"});  // the alias follows
  CHECK(rows[0].sources->front() == "test:?size=160x120");  // a list already out is never changed
  REQUIRE(changed[2].status);  // woken by the lookup: it has a status now
  CHECK(changed[2].status->state == stream_state::idle);
  caf::anon_send_exit(reg, caf::exit_reason::user_shutdown);
}

TEST_CASE("the list's rows follow random puts, aliases, preloads, wakes and deletes over hundreds of names") {
  test::actor_env env;
  auto reg = spawn_registry(env.sys, {});
  std::mt19937 random{11};
  auto name = [&] { return "s" + std::to_string(random() % 300); };
  // Sources that fail at once: a preloaded or woken stream costs a refused connection.
  const std::string nowhere = "rtsp://127.0.0.1:1/";
  // A first list builds the rows; every change after it keeps them in step.
  for (int i = 0; i < 150; ++i)
    REQUIRE(ask<change_ack>(env.calls, reg, caf::put_atom::value, put(name(), {nowhere + std::to_string(i)}),
                            deadline{}));
  CHECK_FALSE(list_rows(env.calls, reg).empty());
  for (int step = 0; step < 1500; ++step) {
    auto n = name();
    switch (random() % 8) {
      case 0:
      case 1:
      case 2:
        ask<change_ack>(env.calls, reg, caf::put_atom::value, put(n, {nowhere + std::to_string(step)}),
                        deadline{});
        break;
      case 3:  // an alias of another name, when that one is a stream (else refused or a source)
        ask<change_ack>(env.calls, reg, caf::put_atom::value,
                        put_request{n, {name()}, origin::patch, put_mode::upsert}, deadline{});
        break;
      case 4:
      case 5:
        ask<change_ack>(env.calls, reg, caf::delete_atom::value, n, origin::api, deadline{});
        break;
      case 6:
        ask<change_ack>(env.calls, reg, preload_atom::value, n, random() % 2 == 0, origin::api, deadline{});
        break;
      default:
        if (random() % 4 == 0) ask<stream_actor>(env.calls, reg, lookup_atom::value, n);
    }
    if (step % 100 != 99) continue;
    auto infos = ask<std::vector<stream_info>>(env.calls, reg, list_atom::value);
    REQUIRE(infos);
    check_rows_match(list_rows(env.calls, reg), *infos);
  }
  caf::anon_send_exit(reg, caf::exit_reason::user_shutdown);
}

TEST_CASE("a publisher feeds a stream made for it: consumers attach once its tracks are ready, and again after the linger; when it leaves the stream goes") {
  test::actor_env env;
  stream_settings st;
  st.linger = std::chrono::milliseconds(200);
  auto reg = spawn_registry(env.sys, {st, {}});
  REQUIRE(ask<change_ack>(env.calls, reg, caf::put_atom::value, put("cam", {"test:?size=160x120"}), deadline{}));
  CHECK(error_code(publish_stream(env.calls, reg, "").error()) == errc::invalid_name);

  auto pub = publish_stream(env.calls, reg, "live");
  REQUIRE(pub);
  CHECK(names(env.calls, reg) == std::vector<std::string>{"cam", "live"});
  auto second = publish_stream(env.calls, reg, "live");
  CHECK(error_code(second.error()) == errc::already_exists);

  // A consumer waits for the publisher's tracks, as it would for a source's.
  caf::expected<attachment> viewer{caf::sec::request_timeout};
  std::thread attach([&] { viewer = attach_stream(env.calls, reg, "live", consumer_kind::rtsp); });
  auto& hub = *pub->held.hub;
  auto* caps = gst_caps_from_string("audio/x-alaw,rate=8000,channels=1");
  int track = hub.add_track(caps);
  hub.update_caps(track, caps);
  gst_caps_unref(caps);
  hub.push(track, gst_buffer_new_allocate(nullptr, 160, nullptr));
  publisher_notify(*pub)(source_event{source_event::tracks_ready, {}});
  attach.join();
  REQUIRE(viewer);
  CHECK(viewer->held.hub == pub->held.hub);
  auto info = ask<stream_info>(env.calls, reg, caf::get_atom::value, std::string{"live"});
  REQUIRE(info);
  CHECK(info->status.publisher == "webrtc");
  CHECK(info->status.state == stream_state::running);
  CHECK(info->sources.empty());

  // The last viewer leaving stops nothing: the publisher still feeds the stream.
  detach_stream(*viewer);
  std::this_thread::sleep_for(std::chrono::milliseconds(600));
  auto later = attach_stream(env.calls, reg, "live", consumer_kind::rtsp);
  REQUIRE(later);
  detach_stream(*later);
  unpublish_stream(reg, "live", *pub);
  CHECK(eventually([&] { return names(env.calls, reg) == std::vector<std::string>{"cam"}; }, std::chrono::seconds(5)));
  // A configured stream that was published into stays when its publisher leaves.
  auto into_cam = publish_stream(env.calls, reg, "cam");
  REQUIRE(into_cam);
  unpublish_stream(reg, "cam", *into_cam);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  CHECK(names(env.calls, reg) == std::vector<std::string>{"cam"});
  auto cam = ask<stream_info>(env.calls, reg, caf::get_atom::value, std::string{"cam"});
  REQUIRE(cam);
  CHECK(cam->status.publisher.empty());
  caf::anon_send_exit(reg, caf::exit_reason::user_shutdown);
}
