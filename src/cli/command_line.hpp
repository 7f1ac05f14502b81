#pragma once
// Every command's argument parsing, on CLI11. Each command declares its
// options, with their one description, on a CommandLine; this class gives
// them the same behaviour: "micdoctor CMD --help" (or -h) prints the
// command's usage on stdout and exits 0, a mistake is one line naming it
// plus the hint to run help, exit 2, and an option given twice keeps the
// last value.
#include <CLI/CLI.hpp>

#include <optional>
#include <string>
#include <vector>

namespace micdoctor::cli {

class CommandLine {
 public:
  // command: "check"; description: the first line of its help.
  CommandLine(const std::string& command, const std::string& description);

  CLI::App& app() { return app_; }

  // Parses the arguments after the command name. nullopt: go on and run the
  // command; otherwise the exit status, its output printed (help: 0, a
  // mistake: 2).
  std::optional<int> parse(const std::vector<std::string>& args);

  // A mistake found in the values after parsing: prints it as parse() does
  // and returns 2.
  int error(const std::string& message) const;

  // Whether the option was given at all ("--test" with no value counts);
  // false for an option this command does not declare.
  bool given(const std::string& option) const {
    const CLI::Option* declared = app_.get_option_no_throw(option);
    return declared != nullptr && declared->count() > 0;
  }

 private:
  std::string command_;
  CLI::App app_;
};

}  // namespace micdoctor::cli
