// What needs the daemon process itself: its start-up lines, its exit, its RTSP
// listener in GET /api, refusing a malformed config file.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "tests/support/daemon.hpp"

using namespace sy::test;

namespace {

const std::string cam_yaml = "streams:\n  demo: \"test:?size=320x240&fps=25\"\n";

}  // namespace

TEST_CASE("GET /api reports the RTSP listener the daemon bound") {
  daemon_process d{cam_yaml};
  REQUIRE(d.api_port > 0);
  auto res = d.client().Get("/api");
  REQUIRE(res);
  CHECK(res->body.find("\"listen\":\"127.0.0.1:" + std::to_string(d.rtsp_port) + "\"") != std::string::npos);
  CHECK(res->body.find("\"config_path\":\"" + d.config_path + "\"") != std::string::npos);
}

TEST_CASE("start-up logs use go2rtc's console shape and SIGTERM exits 0") {
  daemon_process d{cam_yaml};
  REQUIRE(d.api_port > 0);
  auto line = d.process->wait_for("[api] listen addr=", std::chrono::seconds(1));
  CHECK(std::regex_match(line, std::regex(R"(\d\d:\d\d:\d\d\.\d\d\d INF \[api\] listen addr=127\.0\.0\.1:\d+)")));
  CHECK(d.stop() == 0);
}

TEST_CASE("SIGTERM the moment the daemon says it listens exits 0, every time") {
  // The HTTP server's stop() once missed a listening loop that had not begun yet.
  for (int i = 0; i < 8; ++i) {
    CAPTURE(i);
    daemon_process d{cam_yaml};
    REQUIRE(d.api_port > 0);
    CHECK(d.stop() == 0);
  }
}

TEST_CASE("POST /api/exit exits with the code; other methods and bad codes get 400") {
  daemon_process d{cam_yaml};
  auto c = d.client();
  auto get = c.Get("/api/exit?code=1");
  REQUIRE(get);
  CHECK(get->status == 400);
  auto bad = c.Post("/api/exit?code=200", "", "text/plain");
  REQUIRE(bad);
  CHECK(bad->status == 400);
  auto ok = c.Post("/api/exit?code=3", "", "text/plain");
  REQUIRE(ok);
  CHECK(ok->status == 200);
  CHECK(d.process->wait(std::chrono::seconds(20)) == 3);
  d.process.reset();
}

TEST_CASE("a malformed config file stops start-up with a message and is left untouched") {
  auto dir = make_temp_dir();
  auto path = dir + "/bad.yaml";
  std::ofstream(path) << "streams:\n  cam1: [unclosed\n";
  auto before = read_text_file(path);
  auto [code, out] = run_process({program_path("SWITCHYARD_BIN"), "-c", path}, std::chrono::seconds(20));
  CHECK(code == 1);
  CHECK(out.find("ERR [config]") != std::string::npos);
  CHECK(read_text_file(path) == before);
  std::filesystem::remove_all(dir);
}

TEST_CASE("a config stream the registry refuses is logged by name; the others load and are served") {
  daemon_process d{"streams:\n  first: \"test:?size=160x120\"\n  broken: \"ftp://127.0.0.1/x\"\n"
                   "  last: \"test:?size=160x120\"\npreload:\n  gone:\n"};
  REQUIRE(d.api_port > 0);
  auto line = d.process->wait_for("ERR [streams] broken: ", std::chrono::seconds(1));
  CHECK(line.find("source not supported") != std::string::npos);
  CHECK_FALSE(d.process->wait_for("ERR [streams] gone: ", std::chrono::seconds(1)).empty());
  auto list = d.client().Get("/api/streams");
  REQUIRE(list);
  CHECK(list->body.find("\"first\":") != std::string::npos);
  CHECK(list->body.find("\"last\":") != std::string::npos);
  CHECK(list->body.find("\"broken\"") == std::string::npos);
  auto frame = d.client().Get("/api/frame.jpeg?src=last");
  REQUIRE(frame);
  CHECK(frame->status == 200);
  CHECK(d.stop() == 0);
}
