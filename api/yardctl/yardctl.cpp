// yardctl: drives a running daemon's registry over CAF's network layer, sending the
// same messages the HTTP API sends. One command per call, or a batch with `run`.
//
// Exit codes: 0 ok, 1 a command failed, 2 usage error, 3 cannot reach the daemon.
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <fstream>
#include <iostream>
#include <sstream>

#include "actors/blocking_calls.hpp"
#include "actors/system_config.hpp"
#include "api/http/stream_json.hpp"

namespace {

constexpr const char* usage =
    "usage: yardctl [--host H] [--port P] COMMAND\n"
    "  list                      all streams as JSON\n"
    "  get NAME                  one stream as JSON\n"
    "  create NAME SRC...        add a stream (fails if NAME exists)\n"
    "  update NAME SRC...        replace a stream's sources (fails if NAME is unknown)\n"
    "  delete NAME               remove a stream\n"
    "  run FILE|- [--keep-going] one command per line; stops at the first failure\n";

struct outcome {
  int code = 0;          // 0 ok, 1 failed, 2 usage
  std::string output;    // stdout on success
  std::string error;     // stderr on failure
};

std::string ack_json(const sy::change_ack& ack) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("seq");
  w.Uint64(ack.seq);
  w.Key("name");
  w.String(ack.name.c_str());
  w.Key("existed");
  w.Bool(ack.existed);
  w.EndObject();
  return buf.GetString();
}

// The daemon's monotonic clock is not ours to compare with (it may be another host's):
// yardctl's changes never expire in the registry's queue.
constexpr sy::deadline no_deadline{};

template <class T, class F, class... Ts>
outcome ask(sy::blocking_calls& calls, const sy::registry_actor& reg, F encode, Ts&&... xs) {
  auto wait = calls.timeouts().remote;
  auto answer = calls.call<T>(reg, wait, std::forward<Ts>(xs)...);
  if (answer) return {0, encode(*answer), {}};
  if (answer.error() == caf::sec::request_timeout)
    return {1, {}, "no answer from the daemon in " + std::to_string(wait.count() / 1000) + " s (a change may still be applied)"};
  return {1, {}, sy::error_text(answer.error())};
}

outcome execute(sy::blocking_calls& calls, const sy::registry_actor& reg, const std::vector<std::string>& argv) {
  if (argv.empty()) return {2, {}, "missing command"};
  auto& cmd = argv[0];
  auto n = argv.size();
  if (cmd == "list" && n == 1)
    return ask<std::vector<sy::stream_info>>(
        calls, reg, [](const std::vector<sy::stream_info>& all) { return sy::streams_json(all); }, sy::list_atom::value);
  if (cmd == "get" && n == 2)
    return ask<sy::stream_info>(calls, reg, sy::stream_json, caf::get_atom::value, argv[1]);
  if (cmd == "delete" && n == 2)
    return ask<sy::change_ack>(calls, reg, ack_json, caf::delete_atom::value, argv[1], sy::origin::api, no_deadline);
  if ((cmd == "create" || cmd == "update") && n >= 3) {
    sy::put_request req{argv[1], {argv.begin() + 2, argv.end()}, sy::origin::api,
                        cmd == "create" ? sy::put_mode::create : sy::put_mode::update};
    return ask<sy::change_ack>(calls, reg, ack_json, caf::put_atom::value, std::move(req), no_deadline);
  }
  return {2, {}, "bad command: " + cmd};
}

std::vector<std::string> split_words(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> words;
  for (std::string w; in >> w;) words.push_back(w);
  return words;
}

int run_batch(sy::blocking_calls& calls, const sy::registry_actor& reg, const std::string& file, bool keep_going) {
  std::ifstream f;
  std::istream* in = &std::cin;
  if (file != "-") {
    f.open(file);
    if (!f) {
      std::cerr << "yardctl: cannot read " << file << "\n";
      return 2;
    }
    in = &f;
  }
  int failed = 0, line_no = 0;
  for (std::string line; std::getline(*in, line);) {
    ++line_no;
    auto words = split_words(line);
    if (words.empty() || words[0][0] == '#') continue;
    if (words[0] == "run") {
      std::cerr << "yardctl: line " << line_no << ": run cannot be nested\n";
      return 2;
    }
    auto res = execute(calls, reg, words);
    if (res.code == 0) {
      std::cout << res.output << "\n";
      continue;
    }
    std::cerr << "yardctl: line " << line_no << ": " << res.error << "\n";
    ++failed;
    if (!keep_going) return res.code;
  }
  return failed ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string host = "127.0.0.1";
  uint16_t port = 1985;
  std::vector<std::string> words;
  bool keep_going = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--host" && i + 1 < argc) host = argv[++i];
    else if (a == "--port" && i + 1 < argc) {
      try {
        auto p = std::stoul(argv[++i]);
        if (p == 0 || p > 65535) throw std::out_of_range("port");
        port = uint16_t(p);
      } catch (...) {
        std::cerr << "yardctl: bad port\n" << usage;
        return 2;
      }
    } else if (a == "--keep-going") keep_going = true;
    else if (a == "-h" || a == "--help") {
      std::cout << usage;
      return 0;
    } else words.push_back(a);
  }
  if (words.empty()) {
    std::cerr << usage;
    return 2;
  }
  sy::system_config cfg;
  caf::actor_system sys{cfg};
  auto reg = sys.middleman().remote_actor<sy::registry_actor>(host, port);
  if (!reg) {
    std::cerr << "yardctl: cannot reach switchyard at " << host << ":" << port << ": "
              << caf::to_string(reg.error()) << "\n";
    return 3;
  }
  sy::blocking_calls calls{sys};
  if (words[0] == "run") {
    if (words.size() != 2) {
      std::cerr << usage;
      return 2;
    }
    return run_batch(calls, *reg, words[1], keep_going);
  }
  auto res = execute(calls, *reg, words);
  if (res.code == 0) std::cout << res.output << "\n";
  else std::cerr << "yardctl: " << res.error << "\n" << (res.code == 2 ? usage : "");
  return res.code;
}
