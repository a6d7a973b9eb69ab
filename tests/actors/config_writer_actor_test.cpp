// The config writer without a daemon: group commit into the journal, the YAML file
// catching up by atomic replacement, the rest of the file kept, and a failed write
// reported to every change it carried.
#include <doctest/doctest.h>
#include <sys/inotify.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "actors/config_writer_actor.hpp"
#include "tests/support/actor_fixture.hpp"
#include "tests/support/daemon.hpp"
#include "tests/support/durable_config.hpp"

using namespace sy;

namespace {

// Counts inotify events of `mask` (a rename into the directory, a write) on one file.
struct event_counter {
  int fd = inotify_init1(IN_NONBLOCK);
  std::string name;
  event_counter(const std::string& dir, std::string file, uint32_t mask) : name(std::move(file)) {
    inotify_add_watch(fd, dir.c_str(), mask);
  }
  ~event_counter() { close(fd); }
  int count() {
    int n = 0;
    alignas(inotify_event) char buf[8192];
    ssize_t len;
    while ((len = read(fd, buf, sizeof buf)) > 0)
      for (char* p = buf; p < buf + len;) {
        auto* ev = reinterpret_cast<inotify_event*>(p);
        if (ev->len && name == ev->name) ++n;
        p += sizeof(inotify_event) + ev->len;
      }
    return n;
  }
};

// Sends `n` changes at once (without waiting in between) and reports to `report_to`
// how many were acknowledged, once all are answered.
void burst(caf::event_based_actor* self, config_writer_actor writer, int n, caf::actor report_to) {
  auto answered = std::make_shared<int>(0);
  auto acknowledged = std::make_shared<int>(0);
  auto done = [=](bool ok) {
    *acknowledged += ok ? 1 : 0;
    if (++*answered == n) {
      self->send(report_to, *acknowledged);
      self->quit();
    }
  };
  for (int i = 1; i <= n; ++i)
    self->request(writer, std::chrono::seconds(30), persist_atom::value, "cam" + std::to_string(i),
                  std::vector<std::string>{"rtsp://10.0.0.1/" + std::to_string(i)})
        .then([=](bool ok) { done(ok); }, [=](caf::error&) { done(false); });
}

const std::string document = "# a user's file\napi:\n  listen: \":1984\"\nstreams:\n  cam0: rtsp://10.0.0.1/s\n"
                             "switchyard:\n  linger: 5s\n";

}  // namespace

TEST_CASE("changes queued together share one journal append, each is acknowledged on disk, and the YAML file catches up") {
  test::actor_env env;
  auto dir = test::make_temp_dir();
  auto path = dir + "/switchyard.yaml";
  std::ofstream(path) << document;
  event_counter renames{dir, "switchyard.yaml", IN_MOVED_TO};
  auto writer = spawn_config_writer(env.sys, path, document);
  event_counter appends{dir, "switchyard.yaml.journal", IN_MODIFY};
  constexpr int changes = 100;
  caf::scoped_actor self{env.sys};
  env.sys.spawn(burst, writer, changes, caf::actor{self});
  int acknowledged = 0;
  self->receive([&](int n) { acknowledged = n; }, caf::after(std::chrono::seconds(60)) >> [] {});
  CHECK(acknowledged == changes);
  // Durable at once: what a restart would load has every change.
  auto durable = test::durable_config(path);
  CHECK(durable["streams"].size() == changes + 1);
  CHECK(durable["streams"]["cam42"].as<std::string>() == "rtsp://10.0.0.1/42");
  auto writes = appends.count();
  CHECK(writes >= 1);
  CHECK(writes < changes);  // group commit: far fewer appends than changes

  // The YAML file itself within a second or so, the rest of the file kept as it was.
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  auto text = test::read_text_file(path);
  CHECK(text.rfind(document.substr(0, document.find("streams:")), 0) == 0);  // comment and api: byte for byte
  CHECK(text.find("switchyard:\n  linger: 5s\n") != std::string::npos);
  auto file = YAML::Load(text);
  CHECK(file["streams"].size() == changes + 1);
  CHECK(file["streams"]["cam42"].as<std::string>() == "rtsp://10.0.0.1/42");
  CHECK(renames.count() == 1);  // one rewrite of the file for the whole burst
  CHECK(test::read_text_file(path + ".journal").find('\n') == test::read_text_file(path + ".journal").size() - 1);
  CHECK_FALSE(std::filesystem::exists(path + ".tmp"));

  // Removing a stream and toggling preload are made durable the same way.
  CHECK(test::ask<bool>(env.calls, writer, persist_atom::value, std::string{"cam0"}, std::vector<std::string>{}));
  CHECK(test::ask<bool>(env.calls, writer, preload_atom::value, std::string{"cam1"}, true));
  durable = test::durable_config(path);
  CHECK_FALSE(durable["streams"]["cam0"]);
  CHECK(durable["preload"]["cam1"].as<std::string>() == "video&audio");
  // A clean stop leaves the YAML file complete at once.
  self->monitor(writer);
  caf::anon_send_exit(writer, caf::exit_reason::user_shutdown);
  bool stopped = false;
  self->receive([&](caf::down_msg&) { stopped = true; }, caf::after(std::chrono::seconds(10)) >> [] {});
  REQUIRE(stopped);
  file = YAML::LoadFile(path);
  CHECK_FALSE(file["streams"]["cam0"]);
  CHECK(file["preload"]["cam1"].as<std::string>() == "video&audio");
  std::filesystem::remove_all(dir);
}

TEST_CASE("a write that fails is reported as persist_failed, and the next one succeeds again") {
  test::actor_env env;
  auto dir = test::make_temp_dir();
  auto path = dir + "/sub/switchyard.yaml";
  std::filesystem::create_directory(dir + "/sub");
  auto writer = spawn_config_writer(env.sys, path, "");
  REQUIRE(test::ask<bool>(env.calls, writer, persist_atom::value, std::string{"a"}, std::vector<std::string>{"test:"}));
  std::filesystem::remove_all(dir + "/sub");  // the directory vanishes under the writer
  auto failed = test::ask<bool>(env.calls, writer, persist_atom::value, std::string{"b"}, std::vector<std::string>{"test:"});
  REQUIRE_FALSE(failed);
  CHECK(error_code(failed.error()) == errc::persist_failed);
  CHECK(error_text(failed.error()).rfind("config: ", 0) == 0);
  std::filesystem::create_directory(dir + "/sub");
  CHECK(test::ask<bool>(env.calls, writer, persist_atom::value, std::string{"c"}, std::vector<std::string>{"test:"}));
  auto file = YAML::LoadFile(path);
  CHECK(file["streams"]["a"]);
  CHECK(file["streams"]["c"]);
  caf::anon_send_exit(writer, caf::exit_reason::user_shutdown);
  std::filesystem::remove_all(dir);
}
