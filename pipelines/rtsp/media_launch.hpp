// Launch text of an RTSP media: appsrc -> payloader per track, the appsrcs fed by
// the stream's hub (pipelines/hub/track_hub.hpp). Pure.
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

}  // namespace sy
