// micdoctor: a microphone doctor. The CLI only parses and dispatches; the
// work lives in the libraries (analysis, audiofile, report).
#include <cstdio>
#include <string>
#include <vector>

#ifdef MICDOCTOR_WITH_SNDFILE
#include "cli/analyze_command.hpp"
#include "cli/demo_command.hpp"
#endif
#include "cli/check_command.hpp"
#include "cli/fix_command.hpp"
#include "cli/usage.hpp"
#include "report/terminal.hpp"

#ifndef MICDOCTOR_VERSION
#define MICDOCTOR_VERSION "0.0.0"
#endif

namespace micdoctor::cli {
void usage_error(const std::string& message) {
  std::fprintf(stderr, "micdoctor: %s\n(run 'micdoctor help' for usage)\n", message.c_str());
}
}  // namespace micdoctor::cli

int main(int argc, char** argv) {
  using namespace micdoctor::cli;
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  const std::string command = args.front();
  args.erase(args.begin());
  try {
#ifdef MICDOCTOR_WITH_SNDFILE
    if (command == "analyze") return run_analyze(args);
    if (command == "demo") return run_demo(args);
#else
    if (command == "analyze") {
      std::fputs("micdoctor: analyze reads recordings with libsndfile, which this Windows build does not include; "
                 "run it on Linux, or send the recording to someone who can\n", stderr);
      return 2;
    }
#endif
    if (command == "check") return run_check(args);
    if (command == "devices") return run_devices(args);
    if (command == "test") return run_test(args);
    if (command == "fix") return run_fix(args);
    if (command == "undo") return run_undo(args);
    if (command == "help" || command == "--help" || command == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    }
    if (command == "version" || command == "--version") {
      std::printf("micdoctor %s\n", MICDOCTOR_VERSION);
      return 0;
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "micdoctor: %s\n", micdoctor::escape_for_terminal(e.what()).c_str());
    return 2;
  }
  usage_error("unknown command '" + micdoctor::escape_for_terminal(command) + "'");
  return 2;
}
