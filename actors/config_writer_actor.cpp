#include "actors/config_writer_actor.hpp"

#include <fcntl.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "pipelines/log.hpp"

namespace sy {
namespace {

struct writer_state {
  static constexpr const char* name = "config_writer";
  std::string path;
  YAML::Node doc;
  std::vector<caf::typed_response_promise<bool>> pending;
  bool flush_queued = false;
};

// Writes `text` to `path` atomically (temp file, fsync, rename, fsync of the
// directory); empty on success, else the reason.
std::string write_file_atomically(const std::string& path, const std::string& text);

YAML::Node sources_node(const std::vector<std::string>& sources) {
  if (sources.size() == 1) return YAML::Node(sources.front());
  YAML::Node list(YAML::NodeType::Sequence);
  for (auto& s : sources) list.push_back(s);
  return list;
}

config_writer_actor::behavior_type writer_behavior(config_writer_actor::stateful_pointer<writer_state> self,
                                                   std::string path, std::string document) {
  auto& st = self->state;
  st.path = std::move(path);
  try {
    st.doc = document.empty() ? YAML::Node(YAML::NodeType::Map) : YAML::Load(document);
  } catch (const YAML::Exception&) {
    st.doc = YAML::Node(YAML::NodeType::Map);
  }
  if (!st.doc.IsMap()) st.doc = YAML::Node(YAML::NodeType::Map);
  auto queue = [self]() -> caf::typed_response_promise<bool> {
    auto& st = self->state;
    if (!st.flush_queued) {
      st.flush_queued = true;
      self->send(self, flush_atom::value);  // behind every change already queued
    }
    st.pending.push_back(self->make_response_promise<bool>());
    return st.pending.back();
  };
  return {
      [=](persist_atom, const std::string& name, const std::vector<std::string>& sources) {
        auto streams = self->state.doc["streams"];
        if (sources.empty()) {
          if (streams.IsMap()) streams.remove(name);
        } else {
          self->state.doc["streams"][name] = sources_node(sources);
        }
        return queue();
      },
      [=](preload_atom, const std::string& name, bool on) {
        if (on) self->state.doc["preload"][name] = "video&audio";
        else if (self->state.doc["preload"].IsMap()) self->state.doc["preload"].remove(name);
        return queue();
      },
      [=](flush_atom) {
        auto& st = self->state;
        st.flush_queued = false;
        YAML::Emitter out;
        out << st.doc;
        auto error = write_file_atomically(st.path, std::string(out.c_str()) + "\n");
        if (!error.empty()) log_line('E', "config", "write " + st.path + " failed: " + error);
        for (auto& rp : st.pending) {
          if (error.empty()) rp.deliver(true);
          else rp.deliver(make_error(errc::persist_failed, "config: " + error));
        }
        st.pending.clear();
      },
  };
}

std::string write_file_atomically(const std::string& path, const std::string& text) {
  auto tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return std::strerror(errno);
  size_t done = 0;
  while (done < text.size()) {
    auto n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      auto e = std::strerror(errno);
      ::close(fd);
      return e;
    }
    done += size_t(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) return std::strerror(errno);
  if (::rename(tmp.c_str(), path.c_str()) != 0) return std::strerror(errno);
  auto slash = path.rfind('/');
  auto dir = slash == std::string::npos ? std::string{"."} : path.substr(0, slash + 1);
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);  // the rename itself must survive a power cut
    ::close(dfd);
  }
  return {};
}

}  // namespace

config_writer_actor spawn_config_writer(caf::actor_system& sys, std::string path, std::string document) {
  return sys.spawn<caf::detached>(writer_behavior, std::move(path), std::move(document));
}

}  // namespace sy
