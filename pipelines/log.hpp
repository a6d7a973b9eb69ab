// Console log in go2rtc's shape: `HH:MM:SS.mmm LVL [module] message key=value`.
// Home Assistant reads the level from the second word. Thread-safe: each line is
// written with one call.
#pragma once

#include <string>

namespace sy {

enum class log_level { debug = 0, info = 1, warn = 2, error = 3 };

/// Sets the lowest level printed ("debug", "info", "warn", "error").
void set_log_level(const std::string& level);

/// `level` is one of 'D', 'I', 'W', 'E'.
void log_line(char level, const std::string& module, const std::string& message);

}  // namespace sy
