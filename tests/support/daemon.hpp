// daemon: a real switchyard process for API and e2e tests, on 127.0.0.1 with every
// port 0 (read back from its start-up lines), and its config file in a temp dir.
#pragma once

#include <httplib.h>

#include <memory>
#include <string>

#include "tests/support/process.hpp"

namespace sy::test {

/// The whole text of a file ("" if it cannot be read).
std::string read_text_file(const std::string& path);

/// A fresh directory under /tmp, removed by the caller's choice (tests leave it).
std::string make_temp_dir();

class daemon_process {
 public:
  /// `yaml` is appended to a config that binds every port to 127.0.0.1:0, written
  /// into a temporary directory of its own (removed with the fixture)...
  explicit daemon_process(const std::string& yaml = {});
  /// ... or into `dir`, which is left as it is.
  daemon_process(const std::string& yaml, std::string dir);
  ~daemon_process();

  /// Starts (again) on the same config file; false if it did not come up.
  bool start();
  /// SIGTERM and wait; returns the exit code.
  int stop();
  /// SIGKILL, as a power cut would.
  void kill9();

  int api_port = 0;
  int rtsp_port = 0;
  int ctl_port = 0;
  std::string dir;
  bool owns_dir = false;
  std::string config_path;
  std::unique_ptr<child_process> process;

  httplib::Client client() const;
  std::string rtsp_url(const std::string& name) const;
  /// http://127.0.0.1:<api port><path>.
  std::string http_url(const std::string& path) const;
};

/// How many daemons under test printed a sanitizer report (test_main fails then).
int sanitizer_reports();

/// PUT /api/streams?src=..&name=.. with proper URL encoding.
httplib::Result put_stream(httplib::Client& c, const std::string& name, const std::string& src);
std::string url_encode(const std::string& s);
/// Whether stream `name` of `d` shows no consumer within 5 s (every viewer has left).
bool consumers_gone(const daemon_process& d, const std::string& name);

}  // namespace sy::test
