// reader_loop: the threads that read every playing native RTSP source: one epoll
// loop per core (up to 8), each serving many cameras, so that several sources ready
// at once cost one wake-up, not one each. A source joins after its PLAY and leaves
// when its reader is destroyed (synchronously: no callback runs after remove()
// returns) or when a callback says it has ended. Callbacks run on the loop's thread
// with its lock held: they must not block, and must not add or remove members.
#pragma once

#include <glib.h>

#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <thread>

namespace sy {

class reader_loop {
 public:
  /// What a loop reads for.
  class member {
   public:
    virtual ~member() = default;
    /// Its non-blocking socket.
    virtual int socket() const = 0;
    /// The socket is readable: read all there is into `buf` and use it. False once
    /// the member has ended (and reported why).
    virtual bool on_readable(char* buf, size_t size) = 0;
    /// Once a second: keep-alives, timeouts. False once the member has ended.
    virtual bool on_tick(gint64 now_us) = 0;
  };

  /// One of the process's loops, round robin (started on first use).
  static reader_loop& pick();

  reader_loop();
  ~reader_loop();
  reader_loop(const reader_loop&) = delete;
  reader_loop& operator=(const reader_loop&) = delete;

  /// Starts reading for `m`; returns the id to remove it with.
  uint64_t add(member* m);
  /// Stops reading for it; waits for a callback in progress.
  void remove(uint64_t id);

 private:
  void drop(uint64_t id);
  void run();

  int epfd_;
  int wake_fd_;
  std::mutex mutex_;
  std::map<uint64_t, member*> members_;
  uint64_t next_id_ = 1;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace sy
