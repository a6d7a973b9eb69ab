// Config loading without a daemon: go2rtc's layout, Switchyard's own section, merging
// of several files, and errors that stop start-up.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "daemon/daemon_config.hpp"
#include "tests/support/daemon.hpp"

using namespace sy;

TEST_CASE("go2rtc's layout loads: listeners, streams as a string or a list in file order, preload") {
  daemon_config cfg;
  auto err = apply_config_text(
      "api: {listen: \"127.0.0.1:2000\"}\n"
      "rtsp: {listen: \":9554\"}\n"
      "streams:\n"
      "  b: rtsp://10.0.0.5/s\n"
      "  a: [rtsp://10.0.0.6/main, \"test:?size=320x240\"]\n"
      "preload: {b: \"video&audio\"}\n",
      cfg);
  REQUIRE(err == "");
  CHECK(cfg.api.host == "127.0.0.1");
  CHECK(cfg.api.port == 2000);
  CHECK(cfg.rtsp.host == "");
  CHECK(cfg.rtsp.port == 9554);
  REQUIRE(cfg.streams.size() == 2);
  CHECK(cfg.streams[0].first == "b");
  CHECK(cfg.streams[0].second == std::vector<std::string>{"rtsp://10.0.0.5/s"});
  CHECK(cfg.streams[1].second == std::vector<std::string>{"rtsp://10.0.0.6/main", "test:?size=320x240"});
  CHECK(cfg.preload == std::vector<std::string>{"b"});
}

TEST_CASE("the switchyard section sets timings, the yardctl endpoint and the HTTP pool") {
  daemon_config cfg;
  REQUIRE(apply_config_text("switchyard: {linger: 2s, start_timeout: 500ms, backoff_max: 1m, ctl_listen: \"\","
                            " http_threads: 8}\n",
                            cfg) == "");
  CHECK(cfg.stream.linger == std::chrono::seconds(2));
  CHECK(cfg.stream.start_timeout == std::chrono::milliseconds(500));
  CHECK(cfg.stream.backoff_max == std::chrono::minutes(1));
  CHECK_FALSE(cfg.ctl_enabled);
  CHECK(cfg.http_threads == 8);
}

TEST_CASE("the webrtc section: listen gives the sessions' host and port range, candidates and ice_servers as go2rtc writes them") {
  daemon_config cfg;
  REQUIRE(apply_config_text("webrtc:\n  listen: \"192.168.1.5:8555\"\n"
                            "  candidates: [\"203.0.113.7:8555\", \"cam.example.org\"]\n"
                            "  ice_servers:\n    - urls: [\"stun:stun.example.org:3478\"]\n"
                            "    - urls: [\"turn:turn.example.org:3478?transport=tcp\"]\n"
                            "      username: me\n      credential: \"p@ss\"\n"
                            "switchyard: {webrtc_ports: 20}\n",
                            cfg) == "");
  auto ice = webrtc_ice(cfg);
  CHECK(ice.host == "192.168.1.5");
  CHECK(ice.min_port == 8555);
  CHECK(ice.max_port == 8574);
  CHECK(ice.candidates == std::vector<std::string>{"203.0.113.7", "cam.example.org"});
  CHECK(ice.stun_server == "stun://stun.example.org:3478");
  CHECK(ice.turn_servers == std::vector<std::string>{"turn://me:p%40ss@turn.example.org:3478?transport=tcp"});

  daemon_config any;  // go2rtc's default: every interface, a range from 8555; "" or :0: any port
  CHECK(webrtc_ice(any).host.empty());
  CHECK(webrtc_ice(any).min_port == 8555);
  REQUIRE(apply_config_text("webrtc: {listen: \"\"}\n", any) == "");
  CHECK(webrtc_ice(any).min_port == 0);
  CHECK(webrtc_ice(any).max_port == 0);
}

TEST_CASE("go2rtc's stun:PORT candidate (Frigate's docs) loads: it takes a configured STUN server, and warns without one") {
  daemon_config frigate;
  REQUIRE(apply_config_text("webrtc:\n  candidates:\n    - 192.168.1.10:8555\n    - stun:8555\n", frigate) == "");
  CHECK(frigate.ice.candidates == std::vector<std::string>{"192.168.1.10"});
  auto warnings = config_warnings(frigate);
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0].rfind("webrtc.candidates: stun:8555: no STUN server in webrtc.ice_servers", 0) == 0);

  daemon_config with_server;
  REQUIRE(apply_config_text("webrtc:\n  candidates: [\"stun:8555\"]\n"
                            "  ice_servers: [{urls: [\"stun:stun.example.org:3478\"]}]\n",
                            with_server) == "");
  CHECK(with_server.ice.candidates.empty());
  CHECK(with_server.ice.stun_server == "stun://stun.example.org:3478");
  CHECK(config_warnings(with_server).empty());
}

TEST_CASE("bad values are refused with the key that is wrong") {
  struct bad {
    const char* yaml;
    const char* error_start;
  } cases[] = {
      {"api: {listen: \"host:port\"}\n", "api.listen: "},
      {"rtsp: {listen: \":99999\"}\n", "rtsp.listen: "},
      {"switchyard: {linger: soon}\n", "switchyard.linger: not a duration"},
      {"streams: [a, b]\n", "streams: must be a map"},
      {"webrtc: {listen: \"x:y\"}\n", "webrtc.listen: "},
      {"webrtc: {candidates: \"1.2.3.4\"}\n", "webrtc.candidates: must be a list"},
      {"webrtc: {ice_servers: [{urls: [\"http://x\"]}]}\n", "webrtc.ice_servers: http://x is not"},
      {"webrtc: {ice_servers: [{urls: [\"turn:x:3478\"]}]}\n", "webrtc.ice_servers: turn:x:3478 needs a username"},
      {"switchyard: {webrtc_ports: 0}\n", "switchyard.webrtc_ports: must be 1 to 10000"},
      {"- just a list\n", "config: top level must be a map"},
      {"streams:\n  cam1: [unclosed\n", "yaml: "},
  };
  for (auto& b : cases) {
    CAPTURE(b.yaml);
    daemon_config cfg;
    auto err = apply_config_text(b.yaml, cfg);
    CHECK(err.rfind(b.error_start, 0) == 0);
  }
}

TEST_CASE("several files merge: later keys win, streams merge by name, the first file is the one written") {
  auto dir = test::make_temp_dir();
  std::ofstream(dir + "/a.yaml") << "streams:\n  cam1: rtsp://a/1\n  cam2: rtsp://a/2\n";
  std::ofstream(dir + "/b.yaml") << "api: {listen: \":2001\"}\nstreams:\n  cam2: rtsp://b/2\n  cam3: rtsp://b/3\n";
  daemon_config cfg;
  REQUIRE(load_config({dir + "/a.yaml", dir + "/b.yaml"}, cfg) == "");
  CHECK(cfg.api.port == 2001);
  REQUIRE(cfg.streams.size() == 3);
  CHECK(cfg.streams[1].second == std::vector<std::string>{"rtsp://b/2"});
  CHECK(cfg.streams[2].first == "cam3");
  CHECK(cfg.config_path == dir + "/a.yaml");
  CHECK(cfg.first_document.find("cam1") != std::string::npos);
  daemon_config missing_second;
  CHECK(load_config({dir + "/a.yaml", dir + "/nope.yaml"}, missing_second).find("cannot read") != std::string::npos);
  daemon_config missing_first;  // go2rtc creates it on the first change
  CHECK(load_config({dir + "/new.yaml"}, missing_first) == "");
  CHECK(missing_first.config_path == dir + "/new.yaml");
  std::filesystem::remove_all(dir);
}

TEST_CASE("no file loads the embedded default: a demo test pattern on go2rtc's ports") {
  daemon_config cfg;
  REQUIRE(load_config({}, cfg) == "");
  CHECK(cfg.api.port == 1984);
  CHECK(cfg.rtsp.port == 8554);
  REQUIRE(cfg.streams.size() == 1);
  CHECK(cfg.streams[0].first == "demo");
  CHECK(cfg.config_path.empty());
}
