#pragma once
#include <string>
#include <vector>

namespace micdoctor::cli {

// micdoctor check [--device ID] [--format text|json] [-v] [--snapshot FILE]
int run_check(const std::vector<std::string>& args);
// micdoctor devices [--format text|json] [--snapshot FILE]
int run_devices(const std::vector<std::string>& args);

}  // namespace micdoctor::cli
