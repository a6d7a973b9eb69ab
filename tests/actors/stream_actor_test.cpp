#include <doctest/doctest.h>

#include "actors/attach_client.hpp"
#include "actors/registry_actor.hpp"
#include "actors/track_hub.hpp"
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
  st.tick = std::chrono::milliseconds(200);
  return st;
}

// A registry with one stream "cam" on `url`, and a consumer attached to it.
struct attached_camera {
  system_config cfg;
  caf::actor_system sys{cfg};
  registry_actor reg;
  caf::expected<attachment> att{caf::sec::invalid_argument};

  attached_camera(const std::string& url, stream_settings st = quick()) : reg(spawn_registry(sys, {st, {}, {}, 0})) {
    REQUIRE(ask<change_ack>(sys, reg, caf::put_atom::value, put_request{"cam", {url}, origin::api}, deadline{}));
    att = attach_stream(sys, reg, "cam", "test", std::chrono::seconds(10));
  }
  ~attached_camera() {
    if (att) detach_stream(att->stream, 0);
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
  CHECK(att->hub->caps_names() == std::vector<std::string>{"video/x-h264"});
  auto status = [&] { return ask<stream_info>(fx.sys, fx.reg, caf::get_atom::value, std::string{"cam"})->status; };
  CHECK(eventually([&] { return status().state == "running"; }, std::chrono::seconds(5)));

  cam.stop();
  CHECK(eventually([&] { return status().state == "retrying"; }, std::chrono::seconds(15)));
  CHECK_FALSE(status().last_error.empty());

  REQUIRE(cam.start(port) == port);
  CHECK(eventually([&] { return status().state == "running"; }, std::chrono::seconds(20)));
  auto resumed = att->hub->last_buffer_us();
  CHECK(eventually([&] { return att->hub->last_buffer_us() > resumed; }, std::chrono::seconds(5)));
  CHECK(status().last_error.empty());
}

TEST_CASE("a camera with Basic/Digest credentials in the URL is connected, and credentials are required") {
  test::camera_options opts;
  opts.username = "admin";
  opts.password = "s3cret";
  test::fake_camera cam{opts};
  int port = cam.start();
  REQUIRE(port > 0);
  system_config cfg;
  caf::actor_system sys{cfg};
  auto st = quick();
  st.start_timeout = std::chrono::seconds(4);
  auto reg = spawn_registry(sys, {st, {}, {}, 0});
  REQUIRE(ask<change_ack>(sys, reg, caf::put_atom::value, put_request{"good", {cam.url()}, origin::api}, deadline{}));
  auto bad_url = "rtsp://admin:wrong@127.0.0.1:" + std::to_string(port) + "/stream";
  REQUIRE(ask<change_ack>(sys, reg, caf::put_atom::value, put_request{"bad", {bad_url}, origin::api}, deadline{}));
  auto good = attach_stream(sys, reg, "good", "test", std::chrono::seconds(10));
  CHECK(good);
  auto bad = attach_stream(sys, reg, "bad", "test", std::chrono::seconds(10));
  CHECK_FALSE(bad);
  if (good) detach_stream(good->stream, 0);
  caf::anon_send_exit(reg, caf::exit_reason::user_shutdown);
}

TEST_CASE("a second source is used when the first one fails") {
  test::fake_camera cam;
  REQUIRE(cam.start() > 0);
  system_config cfg;
  caf::actor_system sys{cfg};
  auto reg = spawn_registry(sys, {quick(), {}, {}, 0});
  REQUIRE(ask<change_ack>(sys, reg, caf::put_atom::value,
                          put_request{"cam", {"rtsp://127.0.0.1:1/none", cam.url()}, origin::api}, deadline{}));
  auto att = attach_stream(sys, reg, "cam", "test", std::chrono::seconds(10));
  REQUIRE(att);
  auto info = ask<stream_info>(sys, reg, caf::get_atom::value, std::string{"cam"});
  CHECK(eventually([&] {
    info = ask<stream_info>(sys, reg, caf::get_atom::value, std::string{"cam"});
    return info->status.active_source == 1;
  }, std::chrono::seconds(5)));
  detach_stream(att->stream, 0);
  caf::anon_send_exit(reg, caf::exit_reason::user_shutdown);
}

TEST_CASE("a camera with AAC audio gives a stream with a video and an audio track") {
  test::camera_options opts;
  opts.audio = "aac";
  test::fake_camera cam{opts};
  REQUIRE(cam.start() > 0);
  attached_camera fx{cam.url()};
  REQUIRE(fx.att);
  auto names = fx.att->hub->caps_names();
  std::sort(names.begin(), names.end());
  CHECK(names == std::vector<std::string>{"audio/mpeg", "video/x-h264"});
}
