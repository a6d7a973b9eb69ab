// Durable file operations for the config writer: atomic replacement, durable
// appends, and whether a path still names an open file. Each returns an error text,
// empty on success.
#pragma once

#include <string>

namespace sy {

/// Writes `text` to `path` atomically: a temporary file, fsync, rename, fsync of
/// the directory. With `keep_fd`, the new file stays open for appending there.
std::string write_file_atomically(const std::string& path, const std::string& text, int* keep_fd = nullptr);

/// Appends `text` to `fd` and waits until it is on disk (fdatasync).
std::string append_durably(int fd, const std::string& text);

/// True when `path` is the very file open as `fd` (not removed or replaced since).
bool names_open_file(const std::string& path, int fd);

/// The file's bytes; empty (and `exists` false) when it cannot be read.
std::string read_whole_file(const std::string& path, bool& exists);

}  // namespace sy
