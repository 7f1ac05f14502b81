#pragma once
#include <string>

namespace micdoctor::cli {

// Prints "micdoctor COMMAND: MESSAGE" and the hint to run 'micdoctor help
// COMMAND' to stderr: how every command reports a mistake in its arguments.
void usage_error(const std::string& command, const std::string& message);

}  // namespace micdoctor::cli
