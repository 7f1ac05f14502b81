// micdoctor: a microphone doctor. The CLI only dispatches: each command
// declares and parses its own options (cli/*_command.cpp, on CLI11); the work
// lives in the libraries (analysis, checks, fixes, platform, report).
#include <cstdio>
#include <string>
#include <vector>

#include "cli/analyze_command.hpp"
#ifdef MICDOCTOR_WITH_SNDFILE
#include "cli/demo_command.hpp"
#endif
#include "cli/check_command.hpp"
#include "cli/drivers_command.hpp"
#include "cli/fix_command.hpp"
#include "cli/ui_command.hpp"
#include "cli/usage.hpp"
#include "cli/watch_command.hpp"
#include "platform/platform.hpp"
#include "report/terminal.hpp"

#ifndef MICDOCTOR_VERSION
#define MICDOCTOR_VERSION "0.0.0"
#endif

namespace micdoctor::cli {
namespace {

struct Command {
  const char* name;
  const char* summary;
  int (*run)(const std::vector<std::string>& args);
};

constexpr Command kCommands[] = {
    {"check", "read every layer between the microphone and applications, say what is wrong\n"
              "            (check --alsa-info FILE: judge an alsa-info.sh dump instead)", run_check},
    {"test", "record the microphone and say what is wrong (check --test)", run_test},
    {"devices", "list capture devices, the default marked", run_devices},
    {"drivers", "list audio devices with their driver and firmware, what can be updated from where,\n"
                "            and the audio services", run_drivers},
    {"fix", "apply the automatic fixes check found, one by one, asking first", run_fix},
    {"undo", "put back what the last fix run changed (from the journal)", run_undo},
    {"ui", "open Microphone Doctor in your web browser: the same checks, fixes and test, with buttons\n"
           "            (also what a double-click on micdoctor.exe opens)", run_ui},
    {"watch", "run beside a call: print what happens to the microphone as it happens,\n"
              "            then what went wrong (Ctrl-C ends it)", run_watch},
    {"analyze", "judge recordings: level, noise, clipping, hum, dropouts, bandwidth, channels", run_analyze},
#ifdef MICDOCTOR_WITH_SNDFILE
    {"demo", "check, fix, test and undo on a private sound server with typical faults", run_demo},
#endif
};

const Command* find_command(const std::string& name) {
  for (const Command& command : kCommands) {
    if (name == command.name) return &command;
  }
  return nullptr;
}

void print_usage(std::FILE* out) {
  std::fputs("usage: micdoctor COMMAND [OPTIONS]\n\ncommands:\n", out);
  for (const Command& command : kCommands) std::fprintf(out, "  %-9s %s\n", command.name, command.summary);
  std::fputs("  help      this text; 'micdoctor help COMMAND' (or 'micdoctor COMMAND --help'): a command's options\n"
             "  version   the version\n"
             "\n"
             "exit status: 0 nothing wrong, 1 warnings or errors found, 2 could not run\n",
             out);
}

int unknown_command(const std::string& name) {
  std::fprintf(stderr, "micdoctor: unknown command '%s'\n(run 'micdoctor help' for the commands)\n",
               escape_for_terminal(name).c_str());
  return 2;
}

int help(const std::vector<std::string>& args) {
  if (args.empty()) {
    print_usage(stdout);
    return 0;
  }
  if (args.size() > 1) {
    std::fputs("micdoctor help: give one command, e.g. 'micdoctor help check'\n", stderr);
    return 2;
  }
  const Command* command = find_command(args.front());
  return command != nullptr ? command->run({"--help"}) : unknown_command(args.front());
}

}  // namespace
}  // namespace micdoctor::cli

int main(int argc, char** argv) {
  using namespace micdoctor::cli;
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) {
    // A double-click on Windows gives a console that would close with the
    // usage: the person gets the browser page instead.
    if (micdoctor::platform::started_by_double_click()) return run_ui({});
    print_usage(stderr);
    return 2;
  }
  const std::string name = args.front();
  args.erase(args.begin());
  try {
    if (const Command* command = find_command(name)) return command->run(args);
    if (name == "help" || name == "--help" || name == "-h") return help(args);
    if (name == "version" || name == "--version") {
      std::printf("micdoctor %s\n", MICDOCTOR_VERSION);
      return 0;
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "micdoctor: %s\n", micdoctor::escape_for_terminal(e.what()).c_str());
    return 2;
  }
  return unknown_command(name);
}
