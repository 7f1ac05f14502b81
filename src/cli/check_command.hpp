#pragma once
#include <string>
#include <vector>

namespace micdoctor::cli {

// micdoctor check [--device ID] [--format text|json|html|markdown] [-v] [--snapshot FILE | --alsa-info FILE]
//                 [--test[=SECONDS]] [--full] [--save FILE]
int run_check(const std::vector<std::string>& args);
// micdoctor test [--device ID] [--seconds N] [--full] [--save FILE] [--format text|json] [-v]:
// check --test with its own name (what a person asking for a mic test types)
int run_test(const std::vector<std::string>& args);
// micdoctor devices [--format text|json] [--snapshot FILE]
int run_devices(const std::vector<std::string>& args);

}  // namespace micdoctor::cli
