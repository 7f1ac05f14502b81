// `drivers`: read the drivers' part of the system (or a saved snapshot), take
// the inventory, print it. The work is in platform/, drivers/ and report/.
#include "cli/drivers_command.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <optional>

#include "cli/command_line.hpp"
#include "cli/output_file.hpp"
#include "cli/snapshot_file.hpp"
#include "drivers/driver_inventory.hpp"
#include "model/snapshot_json.hpp"
#include "platform/platform.hpp"
#include "report/drivers_report.hpp"
#include "report/terminal.hpp"

namespace micdoctor::cli {
namespace {

struct Options {
  ReportFormat format = ReportFormat::text;
  bool refresh = false;
  std::string output;         // "" for stdout
  std::string snapshot_file;  // "" to read this system
};

std::optional<int> parse(const std::vector<std::string>& args, Options& options) {
  CommandLine line("drivers",
                   "List every audio device with its driver and firmware, what can be updated and from where, "
                   "and the audio services.");
  CLI::App& app = line.app();
  std::string format = "text";
  app.add_option("--format", format, "text (default), json, html (a page to share) or markdown (for a support ticket)")
      ->type_name("FORMAT");
  app.add_flag("--refresh", options.refresh,
               "ask for the newest offers first: fwupd's metadata (Linux), Microsoft Update online (Windows)");
  app.add_option("--output", options.output, "write the list to FILE instead of standard output")->type_name("FILE");
  app.add_option("--snapshot", options.snapshot_file, "list the drivers of a saved snapshot or check JSON")
      ->type_name("FILE");
  if (const auto status = line.parse(args)) return status;
  const auto parsed = parse_report_format(format);
  if (!parsed) return line.error("--format must be text, json, html or markdown");
  options.format = *parsed;
  if (line.given("--output") && options.output.empty()) return line.error("--output needs a file name");
  if (line.given("--snapshot") && options.snapshot_file.empty()) return line.error("--snapshot needs a file name");
  if (options.refresh && !options.snapshot_file.empty()) {
    return line.error("--refresh asks this system for new offers; a saved --snapshot cannot be refreshed");
  }
  return std::nullopt;
}

std::optional<SystemSnapshot> obtain_snapshot(const Options& options) {
  if (options.snapshot_file.empty()) return platform::read_driver_snapshot(platform::DriverReadOptions{options.refresh});
  try {
    return load_snapshot_file(options.snapshot_file);
  } catch (const SnapshotError& e) {
    std::fprintf(stderr, "micdoctor: %s\n", escape_for_terminal(e.what()).c_str());
    return std::nullopt;
  }
}

}  // namespace

int run_drivers(const std::vector<std::string>& args) {
  Options options;
  if (const auto status = parse(args, options)) return *status;
  std::string error;
  if (!options.output.empty() && !check_writable(options.output, error)) {
    std::fprintf(stderr, "micdoctor: --output: %s\n", escape_for_terminal(error).c_str());
    return 2;
  }
  const std::optional<SystemSnapshot> snapshot = obtain_snapshot(options);
  if (!snapshot) return 2;
  const drivers::DriverInventory inventory = drivers::take_inventory(*snapshot);
  std::string text;
  switch (options.format) {
    case ReportFormat::json: text = drivers_to_json(inventory); break;
    case ReportFormat::html: text = drivers_to_html(inventory); break;
    case ReportFormat::markdown: text = drivers_to_markdown(inventory); break;
    case ReportFormat::text:
      text = drivers_to_text(inventory, options.output.empty() ? detect_text_style(STDOUT_FILENO) : TextStyle{});
      break;
  }
  if (!write_report(text, options.output, error)) {
    std::fprintf(stderr, "micdoctor: --output: %s\n", escape_for_terminal(error).c_str());
    return 2;
  }
  return std::any_of(inventory.findings.begin(), inventory.findings.end(), is_problem) ? 1 : 0;
}

}  // namespace micdoctor::cli
