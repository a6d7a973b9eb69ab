// Stream names: what the registry accepts. Pure.
#pragma once

#include <string>

namespace sy {

constexpr size_t max_stream_name_bytes = 256;

/// Empty when `name` is a valid stream name, else why it is not.
std::string check_stream_name(const std::string& name);

}  // namespace sy
