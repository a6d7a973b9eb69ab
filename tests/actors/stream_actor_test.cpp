#include <doctest/doctest.h>

#include "actors/stream_client.hpp"
#include "actors/registry_actor.hpp"
#include "pipelines/hub/appsrc_sink.hpp"
#include "tests/support/actor_fixture.hpp"
#include "tests/support/fake_camera.hpp"

using namespace sy;
using sy::test::ask;
using sy::test::eventually;

namespace {

stream_settings quick() {
  stream_settings st;
  st.linger = std::chrono::milliseconds(500);
  st.start_timeout = std::chrono::seconds(8);
  st.backoff_min = std::chrono::milliseconds(300);
  st.backoff_max = std::chrono::milliseconds(1000);
  st.stall_timeout = std::chrono::seconds(3);
  return st;
}

// A registry with one stream "cam" on `url`, and a consumer attached to it.
struct attached_camera {
  test::actor_env env;
  registry_actor reg;
  caf::expected<attachment> att{caf::sec::invalid_argument};

  attached_camera(const std::string& url, stream_settings st = quick()) : reg(spawn_registry(env.sys, {st, {}})) {
    REQUIRE(ask<change_ack>(env.calls, reg, caf::put_atom::value, put_request{"cam", {url}, origin::api}, deadline{}));
    att = attach_stream(env.calls, reg, "cam", consumer_kind::test);
  }
  ~attached_camera() {
    if (att) detach_stream(*att);
    caf::anon_send_exit(reg, caf::exit_reason::user_shutdown);
  }
};

}  // namespace

TEST_CASE("a stream whose camera drops retries with backoff and resumes for the attached consumer") {
  test::fake_camera cam;
  int port = cam.start();
  REQUIRE(port > 0);
  attached_camera fx{cam.url()};
  auto& att = fx.att;
  REQUIRE(att);
  CHECK(att->held.hub->caps_names() == std::vector<std::string>{"video/x-h264"});
  auto status = [&] { return ask<stream_info>(fx.env.calls, fx.reg, caf::get_atom::value, std::string{"cam"})->status; };
  CHECK(eventually([&] { return status().state == stream_state::running; }, std::chrono::seconds(5)));

  cam.stop();
  CHECK(eventually([&] { return status().state == stream_state::retrying; }, std::chrono::seconds(15)));
  CHECK_FALSE(status().last_error.empty());

  REQUIRE(cam.start(port) == port);
  CHECK(eventually([&] { return status().state == stream_state::running; }, std::chrono::seconds(20)));
  auto resumed = att->held.hub->last_buffer_us();
  CHECK(eventually([&] { return att->held.hub->last_buffer_us() > resumed; }, std::chrono::seconds(5)));
  CHECK(status().last_error.empty());
}

TEST_CASE("a camera with Basic/Digest credentials in the URL is connected, and credentials are required") {
  test::camera_options opts;
  opts.username = "admin";
  opts.password = "s3cret";
  test::fake_camera cam{opts};
  int port = cam.start();
  REQUIRE(port > 0);
  test::actor_env env;
  auto& sys = env.sys;
  auto st = quick();
  st.start_timeout = std::chrono::seconds(4);
  auto reg = spawn_registry(sys, {st, {}});
  REQUIRE(ask<change_ack>(env.calls, reg, caf::put_atom::value, put_request{"good", {cam.url()}, origin::api}, deadline{}));
  auto bad_url = "rtsp://admin:wrong@127.0.0.1:" + std::to_string(port) + "/stream";
  REQUIRE(ask<change_ack>(env.calls, reg, caf::put_atom::value, put_request{"bad", {bad_url}, origin::api}, deadline{}));
  auto good = attach_stream(env.calls, reg, "good", consumer_kind::test);
  CHECK(good);
  auto bad = attach_stream(env.calls, reg, "bad", consumer_kind::test);
  CHECK_FALSE(bad);
  if (good) detach_stream(*good);
  caf::anon_send_exit(reg, caf::exit_reason::user_shutdown);
}

TEST_CASE("a second source is used when the first one fails") {
  test::fake_camera cam;
  REQUIRE(cam.start() > 0);
  test::actor_env env;
  auto& sys = env.sys;
  auto reg = spawn_registry(sys, {quick(), {}});
  REQUIRE(ask<change_ack>(env.calls, reg, caf::put_atom::value,
                          put_request{"cam", {"rtsp://127.0.0.1:1/none", cam.url()}, origin::api}, deadline{}));
  auto att = attach_stream(env.calls, reg, "cam", consumer_kind::test);
  REQUIRE(att);
  auto info = ask<stream_info>(env.calls, reg, caf::get_atom::value, std::string{"cam"});
  CHECK(eventually([&] {
    info = ask<stream_info>(env.calls, reg, caf::get_atom::value, std::string{"cam"});
    return info->status.active_source == 1;
  }, std::chrono::seconds(5)));
  detach_stream(*att);
  caf::anon_send_exit(reg, caf::exit_reason::user_shutdown);
}

TEST_CASE("a camera with AAC audio gives a stream with a video and an audio track") {
  test::camera_options opts;
  opts.audio = "aac";
  test::fake_camera cam{opts};
  REQUIRE(cam.start() > 0);
  attached_camera fx{cam.url()};
  REQUIRE(fx.att);
  auto names = fx.att->held.hub->caps_names();
  std::sort(names.begin(), names.end());
  CHECK(names == std::vector<std::string>{"audio/mpeg", "video/x-h264"});
}

TEST_CASE("a stream whose source names another stream relays it in-process, and retries when it is removed") {
  test::fake_camera cam;
  REQUIRE(cam.start() > 0);
  test::actor_env env;
  auto reg = spawn_registry(env.sys, {quick(), {}});
  REQUIRE(ask<change_ack>(env.calls, reg, caf::put_atom::value, put_request{"cam", {cam.url()}, origin::api},
                          deadline{}));
  REQUIRE(ask<change_ack>(env.calls, reg, caf::put_atom::value, put_request{"copy", {"cam"}, origin::api},
                          deadline{}));
  auto att = attach_stream(env.calls, reg, "copy", consumer_kind::test);
  REQUIRE(att);
  CHECK(att->held.hub->caps_names() == std::vector<std::string>{"video/x-h264"});
  auto buffers = [&] { return att->held.hub->tracks().at(0).packets; };
  auto before = buffers();
  CHECK(eventually([&] { return buffers() > before + 10; }, std::chrono::seconds(5)));
  auto cam_info = ask<stream_info>(env.calls, reg, caf::get_atom::value, std::string{"cam"});
  REQUIRE(cam_info);
  CHECK(eventually([&] {
    auto info = ask<stream_info>(env.calls, reg, caf::get_atom::value, std::string{"cam"});
    return info->status.consumers.size() == 1 && info->status.consumers[0].kind == consumer_kind::relay;
  }, std::chrono::seconds(5)));
  CHECK(cam.client_count() == 1);

  REQUIRE(ask<change_ack>(env.calls, reg, caf::delete_atom::value, std::string{"cam"}, origin::api, deadline{}));
  CHECK(eventually([&] {
    auto info = ask<stream_info>(env.calls, reg, caf::get_atom::value, std::string{"copy"});
    return info->status.state == stream_state::retrying && !info->status.last_error.empty();
  }, std::chrono::seconds(5)));
  detach_stream(*att);
  caf::anon_send_exit(reg, caf::exit_reason::user_shutdown);
}

TEST_CASE("a consumer needing Opus from an AAC camera gets the stream's ffmpeg:<itself>#audio=opus transcode, shared, stopped a linger after it leaves") {
  test::camera_options opts;
  opts.audio = "aac";
  test::fake_camera cam{opts};
  REQUIRE(cam.start() > 0);
  test::actor_env env;
  auto reg = spawn_registry(env.sys, {quick(), {}});
  std::vector<std::string> sources{cam.url(), "ffmpeg:cam#audio=opus", "ffmpeg:cam#video=mjpeg"};
  REQUIRE(ask<change_ack>(env.calls, reg, caf::put_atom::value, put_request{"cam", sources, origin::api}, deadline{}));
  auto att = attach_stream(env.calls, reg, "cam", consumer_kind::test);
  REQUIRE(att);
  auto status = [&] { return ask<stream_info>(env.calls, reg, caf::get_atom::value, std::string{"cam"})->status; };
  CHECK(status().transcodes.empty());  // attaching alone starts none

  auto none = attach_transcode(env.calls, *att, consumer_kind::test, "audio", {"PCMU"});
  CHECK(!none);  // no source makes PCMU
  auto opus = attach_transcode(env.calls, *att, consumer_kind::test, "audio", {"OPUS", "PCMA"});
  REQUIRE(opus);
  CHECK(opus->held.hub->caps_names() == std::vector<std::string>{"audio/x-opus"});
  auto second = attach_transcode(env.calls, *att, consumer_kind::test, "audio", {"OPUS"});
  REQUIRE(second);
  CHECK(second->held.hub == opus->held.hub);  // one transcode for both
  auto packets = [&] { return opus->held.hub->tracks().at(0).packets; };
  CHECK(eventually([&] { return packets() > 10; }, std::chrono::seconds(5)));
  auto running = status();
  REQUIRE(running.transcodes.size() == 1);
  CHECK(running.transcodes[0].source == 1);  // ffmpeg:cam#audio=opus; the mjpeg one is not started
  CHECK(running.active_source == 0);

  detach_stream(*opus);
  detach_stream(*second);
  CHECK(eventually([&] { return status().transcodes.empty(); }, std::chrono::seconds(3)));
  CHECK(status().state == stream_state::running);  // the first consumer still watches the camera
  detach_stream(*att);
  caf::anon_send_exit(reg, caf::exit_reason::user_shutdown);
}
