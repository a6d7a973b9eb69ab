// browser: Debian's headless Chromium driven over the DevTools protocol (through
// ws_client), for tests that need a real browser. Loopback only: every host name
// but 127.0.0.1 fails to resolve, and background services are off.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "tests/support/process.hpp"
#include "tests/support/ws_client.hpp"

namespace sy::test {

class browser {
 public:
  browser();
  ~browser();  // ends Chromium and its helpers, removes its profile
  /// Whether Chromium started and its page accepted the DevTools connection.
  bool ok() const { return page_ && page_->ok(); }
  /// Loads `url` in the page and waits until it has loaded; false if it did not.
  bool navigate(const std::string& url);
  /// Runs `expression` in the page (a promise is awaited) and returns its value as
  /// JSON text ("" on a timeout or exception; `error` then says what happened).
  std::string evaluate(const std::string& expression, std::chrono::milliseconds timeout, std::string* error = nullptr);
  /// Runs `script` in every document loaded from now on, before its own scripts
  /// (e.g. to take a browser feature away); false if Chromium refused it.
  bool add_init_script(const std::string& script);
  /// Kills Chromium at once (SIGKILL): its peers vanish without a word, as when a
  /// tab crashes or a network goes. Nothing works on it afterwards.
  void kill();
  /// Saves a PNG of the page to `path`; false if it could not.
  bool screenshot(const std::string& path);

 private:
  std::string call(const std::string& method, const std::string& params, std::chrono::milliseconds timeout);
  std::string dir_;
  std::unique_ptr<child_process> process_;
  std::unique_ptr<ws_client> page_;
  int next_id_ = 1;
};

/// Where tests leave artefacts (screenshots): $SWITCHYARD_ARTIFACTS or a temporary directory.
std::string artifacts_dir();

}  // namespace sy::test
