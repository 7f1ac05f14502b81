#pragma once
#include <optional>
#include <string>
#include <vector>

namespace micdoctor::cli {

// micdoctor watch [--device ID] [--duration S] [--format text|json|html] [--output FILE]:
// runs beside a call until Ctrl-C (or SIGTERM) or --duration, prints each
// event as it happens, then the findings. Exit 0 nothing wrong, 1 problems
// found, 2 could not watch or the sound server went away.
int run_watch(const std::vector<std::string>& args);

// --duration: seconds, more than 0 and at most 24 h; nullopt otherwise.
std::optional<double> parse_watch_duration(const std::string& text);

}  // namespace micdoctor::cli
