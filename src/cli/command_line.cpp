#include "cli/command_line.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "cli/usage.hpp"
#include "report/terminal.hpp"

namespace micdoctor::cli {
namespace {

// Below the widest option ("--snapshot FILE", "--raw ENC,RATE,CH") so the
// descriptions start in one column.
constexpr std::size_t kOptionColumn = 26;

// CLI11's words for a mistake, as one line a user can act on.
std::string describe(const CLI::ParseError& e, const CLI::App& app, const std::string& command) {
  if (dynamic_cast<const CLI::ExtrasError*>(&e) != nullptr) {
    const std::vector<std::string> extras = app.remaining();
    const std::string first = extras.empty() ? std::string() : escape_for_terminal(extras.front());
    if (!first.empty() && first[0] == '-') return "unknown option " + first;
    return "unexpected argument '" + first + "' (" + command + " takes options only)";
  }
  std::string text = e.what();
  if (dynamic_cast<const CLI::ArgumentMismatch*>(&e) != nullptr && text.find("missing") != std::string::npos) {
    return text.substr(0, text.find(':')) + " needs a value";  // "--format: 1 required FORMAT missing"
  }
  if (const auto at = text.find(" was given a disallowed flag override"); at != std::string::npos) {
    const std::string name = text.substr(0, at);  // "yes", "v"
    return (name.size() == 1 ? "-" : "--") + name + " takes no value";
  }
  if (!text.empty()) text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
  return escape_for_terminal(text);
}

}  // namespace

void usage_error(const std::string& command, const std::string& message) {
  std::fprintf(stderr, "micdoctor %s: %s\n(run 'micdoctor help %s' for usage)\n", command.c_str(), message.c_str(),
               command.c_str());
}

CommandLine::CommandLine(const std::string& command, const std::string& description)
    : command_(command), app_(description, "micdoctor " + command) {
  app_.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  app_.option_defaults()->disable_flag_override();  // "--yes=3" is a mistake, not a yes
  app_.set_help_flag("-h,--help", "print this help and exit");
  app_.get_formatter()->column_width(kOptionColumn);
  app_.footer("exit status: 0 nothing wrong, 1 warnings or errors found, 2 could not run");
}

std::optional<int> CommandLine::parse(const std::vector<std::string>& args) {
  std::vector<std::string> reversed(args.rbegin(), args.rend());  // what CLI::App::parse takes
  try {
    app_.parse(reversed);
  } catch (const CLI::CallForHelp&) {
    std::fputs(app_.help().c_str(), stdout);
    return 0;
  } catch (const CLI::ParseError& e) {
    return error(describe(e, app_, command_));
  }
  return std::nullopt;
}

int CommandLine::error(const std::string& message) const {
  usage_error(command_, message);
  return 2;
}

}  // namespace micdoctor::cli
