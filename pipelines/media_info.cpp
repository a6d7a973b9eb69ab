#include "pipelines/media_info.hpp"

namespace sy {

const char* consumer_kind_name(consumer_kind kind) {
  switch (kind) {
    case consumer_kind::rtsp: return "rtsp";
    case consumer_kind::snapshot: return "snapshot";
    case consumer_kind::probe: return "probe";
    case consumer_kind::relay: return "relay";
    case consumer_kind::test: return "test";
    case consumer_kind::mp4: return "mp4";
    case consumer_kind::mse: return "mse";
    case consumer_kind::mjpeg: return "mjpeg";
    case consumer_kind::hls: return "hls";
    case consumer_kind::webrtc: return "webrtc";
  }
  return "unknown";
}

}  // namespace sy
