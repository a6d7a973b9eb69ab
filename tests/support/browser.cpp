#include "tests/support/browser.hpp"

#include <glib.h>
#include <httplib.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <sys/stat.h>

#include <csignal>
#include <cstdlib>
#include <fstream>
#include <regex>

#include "tests/support/daemon.hpp"

namespace sy::test {

browser::browser() {
  dir_ = make_temp_dir();
  process_ = std::make_unique<child_process>(std::vector<std::string>{
      "chromium", "--headless=new", "--no-sandbox", "--disable-gpu", "--user-data-dir=" + dir_,
      "--remote-debugging-port=0", "--remote-debugging-address=127.0.0.1", "--no-first-run",
      "--autoplay-policy=no-user-gesture-required", "--mute-audio", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--disable-default-apps", "--no-pings",
      "--disable-domain-reliability", "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
      // WebRTC on loopback: host candidates may be 127.0.0.1, and are not hidden
      // behind mDNS names (nothing here resolves them).
      "--allow-loopback-in-peer-connection", "--disable-features=WebRtcHideLocalIpsWithMdns",
      "--window-size=800,600", "about:blank"});
  auto line = process_->wait_for("DevTools listening on ws://127.0.0.1:", std::chrono::seconds(30));
  std::smatch m;
  if (!std::regex_search(line, m, std::regex(R"(ws://127\.0\.0\.1:(\d+)/)"))) return;
  int port = std::stoi(m[1]);
  httplib::Client c{"127.0.0.1", port};
  auto list = c.Get("/json/list");
  if (!list) return;
  rapidjson::Document doc;
  doc.Parse(list->body.c_str());
  if (!doc.IsArray()) return;
  for (auto& target : doc.GetArray()) {
    if (!target.IsObject() || std::string(target["type"].GetString()) != "page") continue;
    std::string url = target["webSocketDebuggerUrl"].GetString();
    page_ = std::make_unique<ws_client>(port, url.substr(url.find("/devtools/")));
    break;
  }
}

browser::~browser() {
  page_.reset();
  if (process_) {
    process_->signal(SIGTERM);  // lets Chromium take its helper processes down
    if (process_->wait(std::chrono::seconds(10)) < 0) process_->signal(SIGKILL);
    process_.reset();
  }
  run_process({"rm", "-rf", dir_}, std::chrono::seconds(30));
}

void browser::kill() {
  page_.reset();
  if (!process_) return;
  process_->signal(SIGKILL);
  process_->wait(std::chrono::seconds(10));
  process_.reset();
}

std::string browser::call(const std::string& method, const std::string& params, std::chrono::milliseconds timeout) {
  int id = next_id_++;
  if (!page_ || !page_->send_text("{\"id\":" + std::to_string(id) + ",\"method\":\"" + method + "\",\"params\":" +
                                  params + "}"))
    return {};
  auto until = std::chrono::steady_clock::now() + timeout;
  auto id_key = "\"id\":" + std::to_string(id) + ",";
  while (std::chrono::steady_clock::now() < until) {
    auto f = page_->next(std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now()));
    if (f.opcode == 0) return {};
    if (f.opcode == 1 && f.payload.find(id_key) != std::string::npos) return f.payload;
  }
  return {};
}

bool browser::navigate(const std::string& url) {
  if (call("Page.navigate", "{\"url\":\"" + url + "\"}", std::chrono::seconds(20)).empty()) return false;
  for (int i = 0; i < 100; ++i) {
    if (evaluate("document.readyState", std::chrono::seconds(5)) == "\"complete\"" &&
        evaluate("location.href", std::chrono::seconds(5)) == "\"" + url + "\"")
      return true;
    g_usleep(100 * 1000);
  }
  return false;
}

bool browser::add_init_script(const std::string& script) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w{buf};
  w.StartObject();
  w.Key("source");
  w.String(script.c_str());
  w.EndObject();
  call("Page.enable", "{}", std::chrono::seconds(10));  // scripts for new documents need it
  auto reply = call("Page.addScriptToEvaluateOnNewDocument", buf.GetString(), std::chrono::seconds(10));
  return reply.find("\"identifier\"") != std::string::npos;
}

std::string browser::evaluate(const std::string& expression, std::chrono::milliseconds timeout, std::string* error) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w{buf};
  w.StartObject();
  w.Key("expression");
  w.String(expression.c_str());
  w.Key("awaitPromise");
  w.Bool(true);
  w.Key("returnByValue");
  w.Bool(true);
  w.EndObject();
  auto reply = call("Runtime.evaluate", buf.GetString(), timeout);
  rapidjson::Document doc;
  doc.Parse(reply.c_str());
  if (reply.empty() || doc.HasParseError() || !doc.HasMember("result")) {
    if (error) *error = reply.empty() ? "no answer in time" : reply;
    return {};
  }
  auto& result = doc["result"];
  if (result.HasMember("exceptionDetails")) {
    if (error) *error = reply;
    return {};
  }
  if (!result.HasMember("result") || !result["result"].HasMember("value")) return "null";
  rapidjson::StringBuffer out;
  rapidjson::Writer<rapidjson::StringBuffer> ow{out};
  result["result"]["value"].Accept(ow);
  return out.GetString();
}

bool browser::screenshot(const std::string& path) {
  auto reply = call("Page.captureScreenshot", "{\"format\":\"png\"}", std::chrono::seconds(20));
  rapidjson::Document doc;
  doc.Parse(reply.c_str());
  if (reply.empty() || doc.HasParseError() || !doc.HasMember("result") || !doc["result"].HasMember("data")) return false;
  gsize size = 0;
  guchar* png = g_base64_decode(doc["result"]["data"].GetString(), &size);
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(png), std::streamsize(size));
  g_free(png);
  return size > 0;
}

std::string artifacts_dir() {
  const char* env = std::getenv("SWITCHYARD_ARTIFACTS");
  std::string dir = env && *env ? env : "/tmp/switchyard-artifacts";
  ::mkdir(dir.c_str(), 0755);
  return dir;
}

}  // namespace sy::test
