// RFC 6381 codec strings (MSE's and HLS's CODECS) from the decoder configuration
// records that avc/hvc1 caps carry as codec_data, and that codec_data itself. Pure.
#pragma once

#include <gst/gst.h>

#include <string>

namespace sy {

/// The bytes of a caps structure's codec_data (empty if it has none).
std::string codec_data(const GstStructure* st);
/// "avc1.PPCCLL" from an avcC (empty if too short).
std::string avc1_codec_string(const std::string& avcc);
/// "hvc1.<space><profile>.<compatibility>.<tier><level>[.<constraints>]" from an
/// hvcC, as ISO 14496-15 annex E writes it (empty if too short).
std::string hvc1_codec_string(const std::string& hvcc);

}  // namespace sy
