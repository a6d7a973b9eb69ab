// Launch text for the pipelines that consume a stream's tracks: the RTSP media
// and the JPEG snapshot. Each reads from appsrc elements that the stream's track
// hub feeds (actors/track_hub.hpp). Pure.
#pragma once

#include <string>
#include <vector>

#include "pipelines/source_launch.hpp"

namespace sy {

/// RTSP media for the given tracks (caps structure names, in track order):
/// `appsrc name=in<i>` feeds `pay<k>` for each track that can be re-served.
/// Tracks that cannot are left out; `error` is set when none can.
launch_result rtsp_media_launch(const std::vector<std::string>& caps_names);

/// The appsrc names used by rtsp_media_launch, in track order ("" for a skipped track).
std::vector<std::string> rtsp_media_inputs(const std::vector<std::string>& caps_names);

struct snapshot_size {
  unsigned width = 0;   // 0: keep the source's (or follow the aspect of the other)
  unsigned height = 0;
};

/// One JPEG out of a video elementary stream: `appsrc name=in` -> `appsink name=out`.
std::string snapshot_launch(const snapshot_size& size);

}  // namespace sy
