#include "pipelines/snapshot/snapshot_launch.hpp"

namespace sy {

std::string snapshot_launch(const snapshot_size& size) {
  // decodebin picks the decoder for whatever the camera sends; pixel-aspect-ratio=1/1
  // lets videoscale derive the missing side from the source's aspect ratio.
  std::string caps = "video/x-raw,format=I420,pixel-aspect-ratio=1/1";
  if (size.width) caps += ",width=" + std::to_string(size.width);
  if (size.height) caps += ",height=" + std::to_string(size.height);
  return "appsrc name=in format=time is-live=false ! decodebin ! videoconvert ! videoscale ! " + caps +
         " ! jpegenc quality=85 ! appsink name=out sync=false max-buffers=1 drop=false";
}

}  // namespace sy
