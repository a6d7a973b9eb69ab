// The query of a request target, parsed as go2rtc's Go server does (url.ParseQuery).
//
// httplib 0.11's own parser keeps only the text after the last '=' of a value and
// stops at a second '?': Home Assistant's `src=ffmpeg:camera.x%23audio=opus` arrived
// as `src=opus`, and `src=test:?size=320x240` as `src=test:`. Here a value runs from
// its key's first '=' to the next '&', then is percent-decoded ('+' is a space);
// repeated keys are all kept, in order. connection_server applies it to every request
// before routing. Pure.
#pragma once

#include <httplib.h>

#include <string>

namespace sy {

/// `target` is the request target ("/api/streams?src=a&src=b"); everything after its
/// first '?' is the query.
httplib::Params parse_query(const std::string& target);

/// Percent-decoding of one query component; a '%' not followed by two hex digits
/// is kept as it is.
std::string decode_query_component(const std::string& text);

}  // namespace sy
