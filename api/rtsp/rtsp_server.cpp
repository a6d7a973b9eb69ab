#include "api/rtsp/rtsp_server.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <list>
#include <map>
#include <mutex>
#include <thread>

#include "actors/stream_client.hpp"
#include "api/rtsp/rtsp_connection.hpp"

namespace sy {
namespace {

// A fanout opens its stream through the registry, on the asking client's thread.
stream_opener registry_opener(blocking_calls& calls, caf::actor_addr registry) {
  return [&calls, registry](const std::string& name) -> opened_stream {
    auto att = attach_stream(calls, caf::actor_cast<registry_actor>(registry), name, consumer_kind::rtsp);
    if (!att) return {nullptr, {}, error_text(att.error()), error_code(att.error()) == errc::not_found};
    // The fanout may outlive the stream actor: it holds the actor weakly.
    auto release = [stream = att->stream.address(), id = att->held.id] {
      detach_stream(caf::actor_cast<stream_actor>(stream), id);
    };
    return {att->held.hub, release, {}, false};
  };
}

// A listening TCP socket on host:port (empty host: every IPv4 address).
int listen_on(const listen_addr& addr, std::string& error) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* res = nullptr;
  auto host = addr.host.empty() ? std::string("0.0.0.0") : addr.host;
  if (int rc = ::getaddrinfo(host.c_str(), std::to_string(addr.port).c_str(), &hints, &res); rc != 0) {
    error = std::string("cannot resolve ") + host + ": " + gai_strerror(rc);
    return -1;
  }
  int fd = ::socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;
  if (fd >= 0) ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (fd < 0 || ::bind(fd, res->ai_addr, res->ai_addrlen) != 0 || ::listen(fd, 128) != 0) {
    error = "cannot bind " + host + ":" + std::to_string(addr.port) + ": " + std::strerror(errno);
    if (fd >= 0) ::close(fd);
    fd = -1;
  }
  ::freeaddrinfo(res);
  return fd;
}

}  // namespace

struct rtsp_server::impl {
  stream_opener open;
  int listen_fd = -1;
  std::thread acceptor;

  // One slot per stream name being served: its fanout, opened once for all clients.
  struct slot {
    std::mutex opening;
    std::weak_ptr<rtsp_fanout> fanout;
  };
  std::mutex slots_mutex;
  std::map<std::string, std::shared_ptr<slot>> slots;

  struct client {
    std::shared_ptr<rtsp_connection> connection;
    std::thread thread;
  };
  std::mutex clients_mutex;
  std::list<client> clients;

  std::shared_ptr<rtsp_fanout> find(const std::string& name, int& status, std::string& error) {
    std::shared_ptr<slot> s;
    {
      std::lock_guard<std::mutex> lock{slots_mutex};
      auto& entry = slots[name];
      if (!entry) entry = std::make_shared<slot>();
      s = entry;
    }
    std::shared_ptr<rtsp_fanout> fanout;
    {
      std::lock_guard<std::mutex> lock{s->opening};  // other clients of this name wait for the same fanout
      fanout = s->fanout.lock();
      if (!fanout || fanout->ended()) {
        auto opened = open(name);
        status = opened.not_found ? 404 : 503;
        error = opened.error;
        if (opened.hub) fanout = rtsp_fanout::open(std::move(opened), error);
        else if (opened.release) opened.release();
        s->fanout = fanout;
      }
    }
    if (!fanout) {  // forget names that serve nothing
      std::lock_guard<std::mutex> lock{slots_mutex};
      auto it = slots.find(name);
      if (it != slots.end() && it->second == s && s->fanout.expired()) slots.erase(it);
    }
    return fanout;
  }

  void accept_loop() {
    while (true) {
      int fd = ::accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) {
        if (errno == EINTR || errno == ECONNABORTED || errno == EMFILE || errno == ENFILE) continue;
        return;  // shut down
      }
      auto conn = std::make_shared<rtsp_connection>(
          fd, [this](const std::string& name, int& status, std::string& error) { return find(name, status, error); });
      std::lock_guard<std::mutex> lock{clients_mutex};
      reap();
      clients.push_back({conn, std::thread([conn] {
                           pthread_setname_np(pthread_self(), "rtsp-out");
                           conn->run();
                         })});
    }
  }

  // Joins the threads of connections that have ended (clients_mutex held).
  void reap() {
    for (auto it = clients.begin(); it != clients.end();) {
      if (it->connection->finished()) {
        it->thread.join();
        it = clients.erase(it);
      } else {
        ++it;
      }
    }
  }

  void close_path(const std::string& name) {
    std::lock_guard<std::mutex> lock{clients_mutex};
    for (auto& c : clients)
      if (c.connection->stream_name() == name) c.connection->close();
  }

  ~impl() {
    if (listen_fd >= 0) ::shutdown(listen_fd, SHUT_RDWR);
    if (acceptor.joinable()) acceptor.join();
    if (listen_fd >= 0) ::close(listen_fd);
    std::list<client> rest;
    {
      std::lock_guard<std::mutex> lock{clients_mutex};
      for (auto& c : clients) c.connection->close();
      rest.swap(clients);
    }
    for (auto& c : rest) c.thread.join();
  }
};

rtsp_server::rtsp_server(listen_addr addr, blocking_calls& calls, const registry_actor& registry) : impl_(new impl) {
  impl_->open = registry_opener(calls, registry.address());
  impl_->listen_fd = listen_on(addr, error_);
  if (impl_->listen_fd < 0) return;
  sockaddr_storage bound{};
  socklen_t len = sizeof bound;
  ::getsockname(impl_->listen_fd, reinterpret_cast<sockaddr*>(&bound), &len);
  port_ = ntohs(bound.ss_family == AF_INET ? reinterpret_cast<sockaddr_in&>(bound).sin_port
                                           : reinterpret_cast<sockaddr_in6&>(bound).sin6_port);
  impl_->acceptor = std::thread([i = impl_.get()] {
    pthread_setname_np(pthread_self(), "rtsp-accept");
    i->accept_loop();
  });
}

rtsp_server::~rtsp_server() = default;

// A new stream under a served name replaces the old one: its clients reconnect.
void rtsp_server::mount(const std::string& name) { impl_->close_path(name); }

void rtsp_server::unmount(const std::string& name) { impl_->close_path(name); }

}  // namespace sy
