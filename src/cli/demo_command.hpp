#pragma once
#include <string>
#include <vector>

namespace micdoctor::cli {

// micdoctor demo: check, fix, test and undo on a private PulseAudio with typical faults (Linux).
int run_demo(const std::vector<std::string>& args);

}  // namespace micdoctor::cli
