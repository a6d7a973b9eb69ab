#include "tests/support/daemon.hpp"

#include <signal.h>
#include <stdlib.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

namespace sy::test {
namespace {

int port_from(const std::string& line) {
  auto colon = line.rfind(':');
  return colon == std::string::npos ? 0 : std::atoi(line.c_str() + colon + 1);
}

}  // namespace

std::string read_text_file(const std::string& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::string make_temp_dir() {
  char tmpl[] = "/tmp/switchyard-test-XXXXXX";
  return mkdtemp(tmpl);
}

daemon_process::daemon_process(const std::string& yaml, std::string d) : dir(std::move(d)) {
  config_path = dir + "/switchyard.yaml";
  std::ofstream f(config_path);
  f << "# written by the test fixture\n"
       "api:\n  listen: \"127.0.0.1:0\"\n"
       "rtsp:\n  listen: \"127.0.0.1:0\"\n"
    << (yaml.rfind("webrtc:", 0) != 0 && yaml.find("\nwebrtc:") == std::string::npos  // a test's own section replaces it
            ? "webrtc:\n  listen: \":0\"\n"  // any port; libnice announces no loopback candidate to filter on
            : "")
    << "switchyard:\n  ctl_listen: \"127.0.0.1:0\"\n  linger: 2s\n  start_timeout: 8s\n"
       "  backoff_min: 500ms\n  backoff_max: 2s\n  stall_timeout: 4s\n"
    << yaml;
  f.close();
  start();
}

daemon_process::daemon_process(const std::string& yaml) : daemon_process(yaml, make_temp_dir()) {
  owns_dir = true;
}

daemon_process::~daemon_process() {
  if (process) stop();
  std::error_code ignored;
  if (owns_dir) std::filesystem::remove_all(dir, ignored);
}

namespace {
std::atomic<int> reports{0};

// A sanitizer report from the daemon fails the test program (see test_main.cpp).
void check_for_reports(const std::string& output) {
  if (output.find("Sanitizer") == std::string::npos && output.find("runtime error:") == std::string::npos) return;
  reports.fetch_add(1);
  std::fprintf(stderr, "==== sanitizer report from the daemon under test ====\n%s\n", output.c_str());
}
}  // namespace

int sanitizer_reports() { return reports.load(); }

bool daemon_process::start() {
  process = std::make_unique<child_process>(
      std::vector<std::string>{program_path("SWITCHYARD_BIN"), "-c", config_path});
  auto api = process->wait_for("INF [api] listen addr=", std::chrono::seconds(20));
  auto rtsp = process->wait_for("INF [rtsp] listen addr=", std::chrono::seconds(5));
  auto ctl = process->wait_for("INF [ctl] listen addr=", std::chrono::seconds(5));
  api_port = port_from(api);
  rtsp_port = port_from(rtsp);
  ctl_port = port_from(ctl);
  return api_port > 0 && rtsp_port > 0;
}

int daemon_process::stop() {
  if (!process) return -1;
  process->signal(SIGTERM);
  auto code = process->wait(std::chrono::seconds(20));
  check_for_reports(process->output());
  process.reset();
  return code;
}

void daemon_process::kill9() {
  if (!process) return;
  process->signal(SIGKILL);
  process->wait(std::chrono::seconds(10));
  check_for_reports(process->output());
  process.reset();
}

httplib::Client daemon_process::client() const {
  httplib::Client c("127.0.0.1", api_port);
  c.set_read_timeout(30, 0);
  c.set_keep_alive(true);
  return c;
}

std::string daemon_process::rtsp_url(const std::string& name) const {
  return "rtsp://127.0.0.1:" + std::to_string(rtsp_port) + "/" + name;
}

std::string daemon_process::http_url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(api_port) + path;
}

std::string url_encode(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') out += char(c);
    else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

bool consumers_gone(const daemon_process& d, const std::string& name) {
  auto c = d.client();
  for (int i = 0; i < 50; ++i) {
    auto res = c.Get(("/api/streams?src=" + url_encode(name)).c_str());
    if (res && std::regex_search(res->body, std::regex(R"("consumers":\s*null)"))) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

httplib::Result put_stream(httplib::Client& c, const std::string& name, const std::string& src) {
  return c.Put(("/api/streams?name=" + url_encode(name) + "&src=" + url_encode(src)).c_str());
}

}  // namespace sy::test
