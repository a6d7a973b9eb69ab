// The HTTP routes in-process: the real HTTP server, registry and config writer,
// driven by a real HTTP client; no daemon process (tests/daemon/ has what needs one).
#include <doctest/doctest.h>
#include <yaml-cpp/yaml.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <thread>

#include "tests/support/api_fixture.hpp"
#include "tests/support/daemon.hpp"
#include "tests/support/durable_config.hpp"
#include "tests/support/media_probe.hpp"

using namespace sy::test;

namespace {

// A raw HTTP/1.1 exchange, for requests httplib's client would not send as-is.
std::string raw_http(int port, const std::string& request) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(uint16_t(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return {};
  auto n = write(fd, request.data(), request.size());
  (void)n;
  timeval tv{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  std::string out;
  char buf[4096];
  while ((n = read(fd, buf, sizeof buf)) > 0) {
    out.append(buf, size_t(n));
    if (out.find("\r\n\r\n") != std::string::npos) break;
  }
  close(fd);
  return out;
}

const std::string cam_yaml = quick_config("streams:\n  demo: \"test:?size=320x240&fps=25\"\n");

}  // namespace

TEST_CASE("GET /api reports a go2rtc-compatible version and the config path; /api/schemes the scheme table") {
  api_fixture api{cam_yaml};
  auto c = api.client();
  auto res = c.Get("/api");
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(res->get_header_value("Content-Type") == "application/json");
  CHECK(res->body.find("\"version\":\"1.9.13\"") != std::string::npos);
  CHECK(res->body.find("\"config_path\":\"" + api.config_path + "\"") != std::string::npos);
  auto schemes = c.Get("/api/schemes");
  REQUIRE(schemes);
  CHECK(schemes->body == "[\"rtsp\",\"rtsps\",\"test\",\"ffmpeg\",\"gst\"]");
}

TEST_CASE("PUT creates, GET lists and shows one, DELETE removes; all persisted to the config file") {
  api_fixture d{cam_yaml};
  auto c = d.client();
  auto put = put_stream(c, "cam1", "rtsp://admin:hunter2@127.0.0.1:1/live");
  REQUIRE(put);
  CHECK(put->status == 200);
  CHECK_FALSE(put->get_header_value("X-Switchyard-Seq").empty());

  auto list = c.Get("/api/streams");
  REQUIRE(list);
  CHECK(list->status == 200);
  CHECK(list->body.find("\"cam1\":{\"producers\":[{\"url\":\"rtsp://***@127.0.0.1:1/live\"}]") != std::string::npos);
  CHECK(list->body.find("hunter2") == std::string::npos);
  CHECK(list->body.find("\"demo\"") != std::string::npos);

  auto one = c.Get("/api/streams?src=cam1");
  REQUIRE(one);
  CHECK(one->status == 200);
  CHECK(one->body.find("\n  \"producers\": [") != std::string::npos);  // a single stream is pretty-printed
  CHECK(one->body.find("\"consumers\": null") != std::string::npos);
  CHECK(one->body.find("\"state\": \"idle\"") != std::string::npos);

  auto file = durable_config(d.config_path);
  CHECK(file["streams"]["cam1"].as<std::string>() == "rtsp://admin:hunter2@127.0.0.1:1/live");
  CHECK(file["switchyard"]["linger"].as<std::string>() == "2s");  // the rest of the file is kept
  CHECK(file["streams"]["demo"].as<std::string>() == "test:?size=320x240&fps=25");

  auto two = c.Put("/api/streams?name=multi&src=test:&src=rtsp://127.0.0.1:1/x");
  REQUIRE(two);
  CHECK(two->status == 200);
  file = durable_config(d.config_path);
  CHECK(file["streams"]["multi"].size() == 2);

  auto del = c.Delete("/api/streams?src=cam1");
  REQUIRE(del);
  CHECK(del->status == 200);
  auto gone = c.Get("/api/streams?src=cam1");
  REQUIRE(gone);
  CHECK(gone->status == 404);
  CHECK(gone->body.empty());
  CHECK_FALSE(durable_config(d.config_path)["streams"]["cam1"]);
  auto del_unknown = c.Delete("/api/streams?src=never-was");
  REQUIRE(del_unknown);
  CHECK(del_unknown->status == 200);
}

TEST_CASE("PUT without a body or Content-Length is accepted, and name defaults to src") {
  api_fixture d{cam_yaml};
  auto reply = raw_http(d.port, "PUT /api/streams?src=test: HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  CHECK(reply.rfind("HTTP/1.1 200", 0) == 0);
  auto c = d.client();
  auto one = c.Get("/api/streams?src=test:");
  REQUIRE(one);
  CHECK(one->status == 200);
}

TEST_CASE("bad input gets go2rtc's error texts and changes nothing in memory or on disk") {
  api_fixture d{cam_yaml};
  auto c = d.client();
  auto before_file = read_text_file(d.config_path);
  auto before_list = c.Get("/api/streams")->body;
  struct bad {
    std::string path;
    int status;
    std::string body;
  } cases[] = {
      {"/api/streams?name=x&src=ftp://host/x", 400, "streams: source not supported\n"},
      {"/api/streams?name=x&src=exec:ffmpeg", 400, "streams: source from insecure producer\n"},
      {"/api/streams?name=x&src=gst:videotestsrc", 400, "streams: source from insecure producer\n"},
      {"/api/streams?name=x&src=rtsp://h/a%20b", 400, "streams: source with spaces may be insecure\n"},
      {"/api/streams?name=a%01b&src=test:", 400, "streams: name with control characters\n"},
      {"/api/streams?name=%FF%FE&src=test:", 400, "streams: name is not valid UTF-8\n"},
      {"/api/streams?name=" + std::string(300, 'n') + "&src=test:", 400, "streams: name longer than 256 bytes\n"},
      {"/api/streams?name=x", 400, "streams: src is required\n"},
      {"/api/streams?name=x&src=test%3A%3Fsize%3Dhuge", 400, "test: size must be WIDTHxHEIGHT\n"},
  };
  for (auto& b : cases) {
    CAPTURE(b.path);
    auto res = c.Put(b.path.c_str());
    REQUIRE(res);
    CHECK(res->status == b.status);
    CHECK(res->body == b.body);
    CHECK(res->get_header_value("Content-Type") == "text/plain; charset=utf-8");
  }
  auto patch = c.Patch("/api/streams?src=test:", "", "text/plain");
  REQUIRE(patch);
  CHECK(patch->status == 400);
  CHECK(patch->body == "streams: name is required\n");
  auto empty_name = c.Patch("/api/streams?name=&src=test:", "", "text/plain");
  REQUIRE(empty_name);
  CHECK(empty_name->status == 400);
  CHECK(empty_name->body == "streams: empty name\n");
  // A 100 KB query is refused by the HTTP layer before it reaches the registry.
  auto huge = c.Put(("/api/streams?name=big&src=test:?x=" + std::string(100 * 1024, 'a')).c_str());
  if (huge) CHECK(huge->status >= 400);
  CHECK(c.Get("/api/streams")->body == before_list);
  CHECK(read_text_file(d.config_path) == before_file);
}

TEST_CASE("PATCH sets sources without persisting, and a name of an existing stream makes an alias of it") {
  api_fixture d{cam_yaml};
  auto c = d.client();
  auto before_file = read_text_file(d.config_path);
  auto res = c.Patch("/api/streams?name=alias&src=demo", "", "text/plain");
  REQUIRE(res);
  CHECK(res->status == 200);
  // As in go2rtc, the alias shows the stream it shares: demo's producers, not a relay URL.
  auto one = c.Get("/api/streams?src=alias");
  REQUIRE(one);
  CHECK(one->status == 200);
  CHECK(one->body.find("\"url\": \"test:?size=320x240&fps=25\"") != std::string::npos);
  CHECK(one->body.find("\"alias_of\": \"demo\"") != std::string::npos);
  CHECK(read_text_file(d.config_path) == before_file);
  // Watching the alias watches demo: a snapshot through it, and demo shows the consumer.
  auto jpeg = c.Get("/api/frame.jpeg?src=alias");
  REQUIRE(jpeg);
  CHECK(jpeg->status == 200);
  CHECK(jpeg_size(jpeg->body) == std::pair<int, int>{320, 240});
  // A loopback RTSP URL of one of its streams is an alias too.
  auto by_url = c.Patch("/api/streams?name=alias2&src=rtsp%3A%2F%2F127.0.0.1%3A8554%2Fdemo", "", "text/plain");
  REQUIRE(by_url);
  CHECK(by_url->status == 200);
  CHECK(c.Get("/api/streams?src=alias2")->body.find("\"alias_of\": \"demo\"") != std::string::npos);
  // A name that is no stream sets sources, also not persisted.
  auto plain = c.Patch("/api/streams?name=other&src=test%3A", "", "text/plain");
  REQUIRE(plain);
  CHECK(plain->status == 200);
  CHECK(c.Get("/api/streams?src=other")->body.find("\"url\": \"test:\"") != std::string::npos);
  CHECK(read_text_file(d.config_path) == before_file);
  // Deleting the stream takes its aliases with it.
  REQUIRE(c.Delete("/api/streams?src=demo"));
  CHECK(c.Get("/api/streams?src=alias")->status == 404);
  CHECK(c.Get("/api/streams?src=alias2")->status == 404);
}

TEST_CASE("the probe query connects the source and reports live producer details") {
  api_fixture d{cam_yaml + "  dead: \"rtsp://127.0.0.1:1/none\"\n"};
  auto c = d.client();
  auto res = c.Get("/api/streams?src=demo&video=all&audio=all&microphone");
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(res->body.find("\"medias\": [\n        \"video, recvonly, H264\"") != std::string::npos);
  CHECK(res->body.find("\"codec_name\": \"h264\"") != std::string::npos);
  auto dead = c.Get("/api/streams?src=dead&video=all");
  REQUIRE(dead);
  CHECK(dead->status == 500);
  CHECK_FALSE(dead->body.empty());
  auto unknown = c.Get("/api/streams?src=nope&video=all");
  REQUIRE(unknown);
  CHECK(unknown->status == 404);
}

TEST_CASE("frame.jpeg returns a real JPEG at the requested size, and clear errors otherwise") {
  api_fixture d{cam_yaml + "  dead: \"rtsp://127.0.0.1:1/none\"\n"};
  auto c = d.client();
  auto full = c.Get("/api/frame.jpeg?src=demo");
  REQUIRE(full);
  CHECK(full->status == 200);
  CHECK(full->get_header_value("Content-Type") == "image/jpeg");
  CHECK(full->get_header_value("Cache-Control") == "no-cache");
  CHECK(full->get_header_value("Content-Length") == std::to_string(full->body.size()));
  CHECK(jpeg_size(full->body) == std::pair<int, int>{320, 240});
  auto scaled = c.Get("/api/frame.jpeg?src=demo&width=160");
  REQUIRE(scaled);
  CHECK(jpeg_size(scaled->body) == std::pair<int, int>{160, 120});
  auto both = c.Get("/api/frame.jpeg?src=demo&w=100&h=50");
  REQUIRE(both);
  CHECK(jpeg_size(both->body) == std::pair<int, int>{100, 50});

  auto unknown = c.Get("/api/frame.jpeg?src=nope");
  REQUIRE(unknown);
  CHECK(unknown->status == 404);
  CHECK(unknown->body == "stream not found\n");
  auto dead = c.Get("/api/frame.jpeg?src=dead");
  REQUIRE(dead);
  CHECK(dead->status == 503);
  CHECK_FALSE(dead->body.empty());
  auto bad = c.Get("/api/frame.jpeg?src=demo&width=abc");
  REQUIRE(bad);
  CHECK(bad->status == 400);
}

TEST_CASE("preload keeps a stream's source running without viewers, and is persisted") {
  api_fixture d{cam_yaml};
  auto c = d.client();
  auto state = [&] {
    auto one = c.Get("/api/streams?src=demo");
    return one && one->body.find("\"state\": \"running\"") != std::string::npos;
  };
  CHECK_FALSE(state());
  auto put = c.Put("/api/preload?src=demo");
  REQUIRE(put);
  CHECK(put->status == 200);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!state() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  CHECK(state());
  auto list = c.Get("/api/preload");
  REQUIRE(list);
  CHECK(list->body == "{\"demo\":{\"consumer\":{\"format_name\":\"preload\"},\"query\":\"video&audio\"}}");
  CHECK(durable_config(d.config_path)["preload"]["demo"]);
  auto unknown = c.Put("/api/preload?src=nope");
  REQUIRE(unknown);
  CHECK(unknown->status == 404);
  auto del = c.Delete("/api/preload?src=demo");
  REQUIRE(del);
  CHECK(del->status == 200);
  CHECK(c.Get("/api/preload")->body == "{}");
  CHECK_FALSE(durable_config(d.config_path)["preload"]["demo"]);
}

TEST_CASE("PUT with another stream's name as source is persisted; unknown names and loops are refused") {
  api_fixture d{cam_yaml};
  auto c = d.client();
  auto put = c.Put("/api/streams?name=copy&src=demo");
  REQUIRE(put);
  CHECK(put->status == 200);
  CHECK(durable_config(d.config_path)["streams"]["copy"].as<std::string>() == "demo");
  auto jpeg = c.Get("/api/frame.jpeg?src=copy&width=160");
  REQUIRE(jpeg);
  CHECK(jpeg->status == 200);
  CHECK(jpeg_size(jpeg->body) == std::pair<int, int>{160, 120});
  auto before_file = read_text_file(d.config_path);
  struct bad {
    const char* path;
    const char* body;
  } cases[] = {
      {"/api/streams?name=x&src=nosuchstream", "streams: source not supported\n"},
      {"/api/streams?name=self&src=self", "streams: source loops back to this stream\n"},
      {"/api/streams?name=demo&src=copy", "streams: source loops back to this stream\n"},
  };
  for (auto& b : cases) {
    CAPTURE(b.path);
    auto res = c.Put(b.path);
    REQUIRE(res);
    CHECK(res->status == 400);
    CHECK(res->body == b.body);
  }
  CHECK(read_text_file(d.config_path) == before_file);
}
