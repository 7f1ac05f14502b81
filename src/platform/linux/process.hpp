#pragma once
// Runs a helper program (snap, id) with a deadline and bounded output: a
// program that hangs is killed, one that floods is cut off.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace micdoctor::linux_system {

// stdout of argv (argv[0] looked up in PATH) when it exits 0 within timeout; else null.
std::optional<std::string> run_program(const std::vector<std::string>& argv, std::chrono::milliseconds timeout,
                                       std::size_t max_output = 1u << 20);

// Whether a program is on PATH (an executable file).
bool program_on_path(const std::string& name);

}  // namespace micdoctor::linux_system
