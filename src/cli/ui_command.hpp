#pragma once
#include <string>
#include <vector>

namespace micdoctor::cli {

// micdoctor ui [--no-browser] [--port N] [--device ID]: the local web application.
int run_ui(const std::vector<std::string>& args);

}  // namespace micdoctor::cli
