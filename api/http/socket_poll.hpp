// socket_poll: waits for a socket to be readable or writable (EINTR retried), as the
// connection server and WebSocket connections read and write.
#pragma once

#include <poll.h>

#include <cerrno>

namespace sy {

/// True when `sock` has `events` (or hung up / failed, which the next call reports)
/// within `timeout_ms`.
inline bool poll_socket(int sock, short events, int timeout_ms) {
  pollfd p{sock, events, 0};
  int r;
  do r = ::poll(&p, 1, timeout_ms);
  while (r < 0 && errno == EINTR);
  return r > 0 && (p.revents & (events | POLLHUP | POLLERR));
}

}  // namespace sy
