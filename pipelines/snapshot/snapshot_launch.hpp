// Launch text of the snapshot pipeline: one JPEG out of a video elementary stream,
// fed by the stream's hub. Pure.
#pragma once

#include <string>

namespace sy {

struct snapshot_size {
  unsigned width = 0;   // 0: keep the source's (or follow the aspect of the other)
  unsigned height = 0;
};

/// `appsrc name=in` -> decode, scale, jpegenc -> `appsink name=out`.
std::string snapshot_launch(const snapshot_size& size);

}  // namespace sy
