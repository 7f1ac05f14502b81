#pragma once
#include <string>
#include <vector>

namespace micdoctor::cli {

// micdoctor drivers [--format text|json|html|markdown] [--refresh] [--output FILE] [--snapshot FILE]:
// every audio device, its driver and firmware, what can be updated from where,
// the audio services and what check says about them. Exit 0 nothing wrong,
// 1 warnings or errors found, 2 could not run.
int run_drivers(const std::vector<std::string>& args);

}  // namespace micdoctor::cli
