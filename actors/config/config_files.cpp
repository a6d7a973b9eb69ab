#include "actors/config/config_files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace sy {
namespace {

std::string write_all(int fd, const std::string& text) {
  size_t done = 0;
  while (done < text.size()) {
    auto n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return std::strerror(errno);
    done += size_t(n);
  }
  return {};
}

}  // namespace

std::string write_file_atomically(const std::string& path, const std::string& text, int* keep_fd) {
  auto tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return std::strerror(errno);
  auto error = write_all(fd, text);
  if (error.empty() && ::fsync(fd) != 0) error = std::strerror(errno);
  if (error.empty() && ::rename(tmp.c_str(), path.c_str()) != 0) error = std::strerror(errno);
  if (!error.empty() || !keep_fd) {
    if (::close(fd) != 0 && error.empty()) error = std::strerror(errno);
    if (!error.empty()) return error;
  }
  auto slash = path.rfind('/');
  auto dir = slash == std::string::npos ? std::string{"."} : path.substr(0, slash + 1);
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);  // the rename itself must survive a power cut
    ::close(dfd);
  }
  if (keep_fd) *keep_fd = fd;
  return {};
}

std::string append_durably(int fd, const std::string& text) {
  auto error = write_all(fd, text);
  if (error.empty() && ::fdatasync(fd) != 0) error = std::strerror(errno);
  return error;
}

bool names_open_file(const std::string& path, int fd) {
  struct stat by_path, by_fd;
  return ::stat(path.c_str(), &by_path) == 0 && ::fstat(fd, &by_fd) == 0 && by_path.st_dev == by_fd.st_dev &&
         by_path.st_ino == by_fd.st_ino;
}

std::string read_whole_file(const std::string& path, bool& exists) {
  std::ifstream in(path);
  exists = bool(in);
  if (!in) return {};
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace sy
