// `check` and `devices`: read a snapshot (live, or from a file), run the
// checks, print. The work is in platform/, checks/ and report/.
#include "cli/check_command.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstdio>
#include <cstring>
#include <optional>

#include "checks/check_catalog.hpp"
#include "checks/run_checks.hpp"
#include "checks/signal_joins.hpp"
#include "cli/mic_test.hpp"
#include "cli/output_file.hpp"
#include "cli/snapshot_file.hpp"
#include "cli/usage.hpp"
#include "model/snapshot_json.hpp"
#include "platform/platform.hpp"
#include "report/check_report.hpp"
#include "report/html_report.hpp"
#include "report/markdown_report.hpp"
#include "report/terminal.hpp"

namespace micdoctor::cli {
namespace {

struct Options {
  std::string device;
  ReportFormat format = ReportFormat::text;
  std::string output;  // --output FILE; "" for stdout
  bool verbose = false;
  std::string snapshot_file;
  bool test = false;          // listen to the microphone too
  MicTestOptions mic_test;
};

bool looks_like_number(const std::string& text) {
  return !text.empty() && (std::isdigit(static_cast<unsigned char>(text[0])) != 0 || text[0] == '.');
}

enum class Command { check, devices, test };

// Parses the options of check, devices and test; prints and returns null on error.
std::optional<Options> parse(const std::vector<std::string>& args, Command command) {
  const std::string command_name = command == Command::check ? "check" : command == Command::devices ? "devices" : "test";
  const bool allow_check_options = command != Command::devices;
  Options options;
  options.test = command == Command::test;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    const auto value = [&](const std::string& name) -> std::optional<std::string> {
      const std::string prefix = name + "=";
      if (a.rfind(prefix, 0) == 0) return a.substr(prefix.size());
      if (i + 1 >= args.size()) {
        usage_error(name + " needs a value");
        return std::nullopt;
      }
      return args[++i];
    };
    const auto is = [&](const std::string& name) { return a == name || a.rfind(name + "=", 0) == 0; };
    if (is("--format")) {
      const auto format = value("--format");
      if (!format) return std::nullopt;
      const auto parsed = parse_report_format(*format);
      const bool rich = parsed == ReportFormat::html || parsed == ReportFormat::markdown;
      if (!parsed || (rich && !allow_check_options)) {
        return usage_error(allow_check_options ? "--format must be text, json, html or markdown"
                                               : "--format must be text or json"),
               std::nullopt;
      }
      options.format = *parsed;
    } else if (is("--snapshot")) {
      const auto file = value("--snapshot");
      if (!file) return std::nullopt;
      options.snapshot_file = *file;
    } else if (allow_check_options && is("--device")) {
      const auto device = value("--device");
      if (!device) return std::nullopt;
      if (device->empty()) return usage_error("--device needs a device id (see 'micdoctor devices')"), std::nullopt;
      options.device = *device;
    } else if (allow_check_options && is("--output")) {
      const auto file = value("--output");
      if (!file) return std::nullopt;
      if (file->empty()) return usage_error("--output needs a file name"), std::nullopt;
      options.output = *file;
    } else if (allow_check_options && (a == "-v" || a == "--verbose")) {
      options.verbose = true;
    } else if (command == Command::check && is("--test")) {
      options.test = true;
      std::optional<std::string> seconds;
      if (a.size() > 6) seconds = a.substr(7);
      else if (i + 1 < args.size() && looks_like_number(args[i + 1])) seconds = args[++i];
      if (seconds) {
        const auto parsed = parse_test_seconds(*seconds);
        if (!parsed) return usage_error("--test takes seconds from 0.5 to 60"), std::nullopt;
        options.mic_test.seconds = *parsed;
      }
    } else if (command == Command::test && is("--seconds")) {
      const auto seconds = value("--seconds");
      if (!seconds) return std::nullopt;
      const auto parsed = parse_test_seconds(*seconds);
      if (!parsed) return usage_error("--seconds must be from 0.5 to 60"), std::nullopt;
      options.mic_test.seconds = *parsed;
    } else if (allow_check_options && is("--save")) {
      const auto file = value("--save");
      if (!file) return std::nullopt;
      if (file->empty()) return usage_error("--save needs a file name"), std::nullopt;
      options.mic_test.save_path = *file;
    } else {
      return usage_error("unknown option for " + command_name + ": " + escape_for_terminal(a)), std::nullopt;
    }
  }
  if (!options.mic_test.save_path.empty() && !options.test) {
    return usage_error("--save keeps the recording of a test: add --test"), std::nullopt;
  }
  options.mic_test.pictures = options.format == ReportFormat::html;
  if (options.test && !options.snapshot_file.empty()) {
    return usage_error("--snapshot judges a saved state; it cannot listen to a microphone"), std::nullopt;
  }
  return options;
}

std::optional<SystemSnapshot> obtain_snapshot(const Options& options) {
  try {
    if (!options.snapshot_file.empty()) return load_snapshot_file(options.snapshot_file);
    return platform::read_system_snapshot();
  } catch (const SnapshotError& e) {
    std::fprintf(stderr, "micdoctor: %s\n", escape_for_terminal(e.what()).c_str());
    return std::nullopt;
  }
}

// A test that could not record is a finding too, so the report says why.
Finding test_failure(const std::string& error, const std::string& source) {
  Finding f = make_check_finding(CheckId::test_failed, Severity::error, "The microphone test could not record",
                                 "Recording from " + source + " failed: " + error + ".", source);
  f.manual_steps.push_back("Check that the microphone is plugged in and not used exclusively by another program, "
                           "then run the test again: micdoctor test");
  return f;
}

bool timings_wanted() {
  const char* value = std::getenv("MICDOCTOR_TIMINGS");
  return value != nullptr && value[0] != '\0';
}

int check_and_maybe_test(const Options& options) {
  const std::optional<SystemSnapshot> snapshot = obtain_snapshot(options);
  if (!snapshot) return 2;
  if (!options.device.empty() && snapshot->server.reachable && !find_source_by_id(*snapshot, options.device)) {
    std::fprintf(stderr, "micdoctor: no capture device '%s' (run 'micdoctor devices' for the list)\n",
                 escape_for_terminal(options.device).c_str());
    return 2;
  }
  std::vector<Finding> findings = run_checks(*snapshot, options.device);
  const Source* source = source_in_use(*snapshot, options.device);
  std::optional<MicTestRun> test;
  std::optional<MicTestReport> test_report;
  std::chrono::steady_clock::time_point capture_end;
  if (options.test) {
    if (!snapshot->server.reachable || source == nullptr) {
      test.emplace();
      test->capture_ended = std::chrono::steady_clock::now();
      test->outcome.error = snapshot->server.reachable ? "there is no microphone to record from"
                                                       : "no sound server answers, so nothing can be recorded";
    } else {
      const bool animate = isatty(STDERR_FILENO) != 0;
      test = run_mic_test(source->name, options.mic_test, animate);
    }
    capture_end = test->capture_ended;
    if (test->analysis && source != nullptr) {
      findings = join_signal_with_state(JoinInput{*snapshot, *source, findings, *test->analysis});
    } else if (source != nullptr && snapshot->server.reachable) {
      findings.push_back(test_failure(test->outcome.error, source->name));
    }
    test_report.emplace(MicTestReport{test->outcome, test->analysis ? &*test->analysis : nullptr,
                                      source ? source->name : std::string()});
  }
  const CheckReportInput report{*snapshot, source, findings, test_report ? &*test_report : nullptr};
  std::string text;
  switch (options.format) {
    case ReportFormat::json: text = check_to_json(report) + "\n"; break;
    case ReportFormat::html: text = check_to_html(report, test && test->picture ? &*test->picture : nullptr); break;
    case ReportFormat::markdown: text = check_to_markdown(report); break;
    case ReportFormat::text:
      // A file gets no colours or terminal marks.
      text = check_to_text(report, options.output.empty() ? detect_text_style(STDOUT_FILENO) : TextStyle{},
                           options.verbose);
      break;
  }
  std::string write_error;
  if (!write_report(text, options.output, write_error)) {
    std::fprintf(stderr, "micdoctor: --output: %s\n", escape_for_terminal(write_error).c_str());
    return 2;
  }
  if (test && timings_wanted()) {
    std::fprintf(stderr, "micdoctor: timing: end of capture to printed verdict %.1f ms\n",
                 std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - capture_end).count());
    std::fprintf(stderr, "micdoctor: timing: first audio after %.0f ms, longest gap between deliveries %.0f ms\n",
                 test->outcome.first_audio_after_s * 1000, test->outcome.longest_gap_s * 1000);
  }
  if (test && !test->save_error.empty()) {
    std::fprintf(stderr, "micdoctor: --save: %s\n", escape_for_terminal(test->save_error).c_str());
  }
  if (test && test->outcome.ending == CaptureOutcome::Ending::failed) {
    std::fprintf(stderr, "micdoctor: the microphone test failed: %s\n", escape_for_terminal(test->outcome.error).c_str());
    return 2;
  }
  if (test && !test->save_error.empty()) return 2;
  return std::any_of(findings.begin(), findings.end(), is_problem) ? 1 : 0;
}

}  // namespace

int run_check(const std::vector<std::string>& args) {
  const std::optional<Options> options = parse(args, Command::check);
  return options ? check_and_maybe_test(*options) : 2;
}

int run_test(const std::vector<std::string>& args) {
  const std::optional<Options> options = parse(args, Command::test);
  return options ? check_and_maybe_test(*options) : 2;
}

int run_devices(const std::vector<std::string>& args) {
  const std::optional<Options> options = parse(args, Command::devices);
  if (!options) return 2;
  const std::optional<SystemSnapshot> snapshot = obtain_snapshot(*options);
  if (!snapshot) return 2;
  if (options->format == ReportFormat::json) {
    std::printf("%s\n", devices_to_json(*snapshot).c_str());
  } else {
    std::fputs(devices_to_text(*snapshot, detect_text_style(STDOUT_FILENO)).c_str(), stdout);
  }
  return snapshot->server.reachable ? 0 : 2;
}

}  // namespace micdoctor::cli
