// stream_info -> go2rtc's stream JSON (API.md, "Stream object"), plus Switchyard's
// own fields (state, last_error, since). Credentials are masked in every URL.
#pragma once

#include <string>
#include <vector>

#include "actors/protocol.hpp"

namespace sy {

/// One stream object, pretty-printed (GET /api/streams?src=NAME).
std::string stream_json(const stream_info& info);

/// All streams as {name: object}, compact (GET /api/streams).
std::string streams_json(const std::vector<stream_info>& all);
std::string streams_json(const list_snapshot& all);

/// go2rtc's media line, e.g. "video, recvonly, H264" or "audio, recvonly, OPUS/48000/2".
std::string media_line(const track_info& t);

}  // namespace sy
