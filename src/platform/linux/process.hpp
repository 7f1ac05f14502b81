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

// Runs argv (looked up in PATH) attached to the person's terminal: stdin and
// stderr inherited, its stdout sent to our stderr (so a `--format json` on our
// stdout stays whole), and waits for it however long it takes: a program
// that must not be cut off (a firmware flash) bounds itself. Ctrl-C reaches
// it; micdoctor ignores SIGINT and SIGQUIT while it waits, as system() does.
// Returns "" when it exited 0, else what happened in words ("exited with
// status 2", "was ended by signal 9 (Killed)", "could not be started: ...").
std::string run_attached(const std::vector<std::string>& argv);

// Whether a program is on PATH (an executable file).
bool program_on_path(const std::string& name);

}  // namespace micdoctor::linux_system
