// yardctl against a running daemon over CAF's network layer.
#include <doctest/doctest.h>

#include "tests/support/daemon.hpp"

using namespace sy::test;

namespace {

std::pair<int, std::string> yardctl(const daemon_process& d, std::vector<std::string> args, std::string in = {}) {
  std::vector<std::string> argv{program_path("YARDCTL_BIN"), "--port", std::to_string(d.ctl_port)};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_process(argv, std::chrono::seconds(30), std::move(in));
}

}  // namespace

TEST_CASE("yardctl creates, lists, gets, updates and deletes streams on a running daemon") {
  daemon_process d;
  REQUIRE(d.ctl_port > 0);
  auto [c1, out1] = yardctl(d, {"create", "cam1", "rtsp://u:p@127.0.0.1:1/a"});
  CHECK(c1 == 0);
  CHECK(out1.find("\"name\":\"cam1\",\"existed\":false") != std::string::npos);
  auto [c2, out2] = yardctl(d, {"list"});
  CHECK(c2 == 0);
  CHECK(out2.find("\"cam1\":{\"producers\":[{\"url\":\"rtsp://***@127.0.0.1:1/a\"}]") != std::string::npos);
  auto [c3, out3] = yardctl(d, {"update", "cam1", "test:", "test:?fps=5"});
  CHECK(c3 == 0);
  auto [c4, out4] = yardctl(d, {"get", "cam1"});
  CHECK(c4 == 0);
  CHECK(out4.find("\"url\": \"test:?fps=5\"") != std::string::npos);
  // The HTTP API sees the same registry.
  auto http = d.client().Get("/api/streams?src=cam1");
  REQUIRE(http);
  CHECK(http->status == 200);
  auto [c5, out5] = yardctl(d, {"delete", "cam1"});
  CHECK(c5 == 0);
  CHECK(d.client().Get("/api/streams?src=cam1")->status == 404);
}

TEST_CASE("yardctl reports errors with a message and a non-zero exit code") {
  daemon_process d;
  auto [c1, out1] = yardctl(d, {"create", "x", "exec:rm"});
  CHECK(c1 == 1);
  CHECK(out1.find("streams: source from insecure producer") != std::string::npos);
  REQUIRE(yardctl(d, {"create", "x", "test:"}).first == 0);
  auto [c2, out2] = yardctl(d, {"create", "x", "test:"});
  CHECK(c2 == 1);
  CHECK(out2.find("already exists") != std::string::npos);
  auto [c3, out3] = yardctl(d, {"update", "ghost", "test:"});
  CHECK(c3 == 1);
  auto [c4, out4] = yardctl(d, {"get", "ghost"});
  CHECK(c4 == 1);
  CHECK(out4.find("stream not found") != std::string::npos);
  auto [c5, out5] = yardctl(d, {"frobnicate"});
  CHECK(c5 == 2);
  auto [c6, out6] = run_process({program_path("YARDCTL_BIN"), "--port", "1", "list"}, std::chrono::seconds(30));
  CHECK(c6 == 3);
  CHECK(out6.find("cannot reach") != std::string::npos);
}

TEST_CASE("yardctl run executes a batch and stops at the first failure unless --keep-going") {
  daemon_process d;
  std::string batch = "# a batch\ncreate a test:\ncreate b exec:bad\ncreate c test:\n";
  auto [c1, out1] = yardctl(d, {"run", "-"}, batch);
  CHECK(c1 == 1);
  CHECK(out1.find("line 3") != std::string::npos);
  CHECK(d.client().Get("/api/streams?src=a")->status == 200);
  CHECK(d.client().Get("/api/streams?src=c")->status == 404);
  auto [c2, out2] = yardctl(d, {"run", "-", "--keep-going"}, "delete a\ncreate b exec:bad\ncreate c test:\n");
  CHECK(c2 == 1);
  CHECK(d.client().Get("/api/streams?src=a")->status == 404);
  CHECK(d.client().Get("/api/streams?src=c")->status == 200);
}
