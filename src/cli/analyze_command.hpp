#pragma once
#include <string>
#include <vector>

namespace micdoctor::cli {

// `micdoctor analyze FILE... [--format text|json] [--jobs N] [--raw ENCODING,RATE,CHANNELS]`
// Exit: 0 all clean, 1 some warning or error finding, 2 a file unreadable or bad usage.
int run_analyze(const std::vector<std::string>& args);

}  // namespace micdoctor::cli
