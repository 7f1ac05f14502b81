// `check` and `devices`: read a snapshot (live, or from a file), run the
// checks, print. The work is in platform/, checks/ and report/.
#include "cli/check_command.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstdio>
#include <cstring>
#include <optional>

#include "alsainfo/alsa_info.hpp"
#include "checks/check_catalog.hpp"
#include "checks/check_context.hpp"
#include "checks/filter_chain.hpp"
#include "checks/run_checks.hpp"
#include "checks/signal_joins.hpp"
#include "cli/alsa_info_file.hpp"
#include "cli/command_line.hpp"
#include "cli/mic_test.hpp"
#include "cli/output_file.hpp"
#include "cli/test_findings.hpp"
#include "cli/snapshot_file.hpp"
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
  std::string alsa_info_file;  // --alsa-info FILE ("-": standard input): judge a dump, read nothing live
  bool test = false;          // listen to the microphone too
  MicTestOptions mic_test;
};

enum class Command { check, devices, test };

constexpr const char* kFormatHelp = "text (default), json, html (a report to share) or markdown";

// Declares the options of check, devices and test, parses them; nullopt to
// run the command, or the exit status (help printed, or a mistake).
std::optional<int> parse(const std::vector<std::string>& args, Command command, Options& options) {
  const bool devices = command == Command::devices;
  const bool test = command == Command::test;
  CommandLine line(command == Command::check ? "check" : devices ? "devices" : "test",
                   devices ? "List the capture devices, the default marked."
                   : test  ? "Record the microphone and say what is wrong: check --test with its own name."
                           : "Read every layer between the microphone and the applications, and say what is wrong.");
  CLI::App& app = line.app();
  std::string format = "text";
  std::string test_seconds;
  std::string seconds;
  if (!devices) {
    app.add_option("--device", options.device, "the source to judge (default: the default source)")->type_name("ID");
  }
  app.add_option("--format", format, devices ? "text (default) or json" : kFormatHelp)
      ->type_name(devices ? "text|json" : "FORMAT");
  if (!devices) {
    app.add_option("--output", options.output, "write the report to FILE instead of standard output")->type_name("FILE");
    app.add_flag("-v,--verbose", options.verbose, "every finding's evidence, and the device tables");
  }
  if (!test) {
    app.add_option("--snapshot", options.snapshot_file,
                   devices ? "list the devices of a saved snapshot or check JSON"
                           : "judge a saved snapshot or check JSON instead of this system")
        ->type_name("FILE");
  }
  if (command == Command::check) {
    app.add_option("--alsa-info", options.alsa_info_file,
                   "judge the output of alsa-info.sh (FILE, or - for standard input) instead of this system")
        ->type_name("FILE");
    app.add_option("--test", test_seconds, "also listen to the microphone (default 5 s) and join what it hears")
        ->expected(0, 1)
        ->type_name("[SECONDS]");
  }
  if (test) app.add_option("--seconds", seconds, "how long to listen at most, 0.5 to 60 (default 5)")->type_name("N");
  bool full = false;
  if (test || command == Command::check) {
    app.add_flag("--full", full,
                 test ? "listen for all of --seconds, even once the verdict is certain"
                      : "with --test: listen for all of its seconds, even once the verdict is certain");
  }
  if (!devices) {
    app.add_option("--save", options.mic_test.save_path,
                   test ? "keep the recording as a WAV file (otherwise it stays in memory)"
                        : "with --test: keep the recording as a WAV file")
        ->type_name("FILE");
  }
  if (const auto status = line.parse(args)) return status;

  const auto parsed_format = parse_report_format(format);
  const bool rich = parsed_format == ReportFormat::html || parsed_format == ReportFormat::markdown;
  if (!parsed_format || (rich && devices)) {
    return line.error(devices ? "--format must be text or json" : "--format must be text, json, html or markdown");
  }
  options.format = *parsed_format;
  if (line.given("--device") && options.device.empty()) {
    return line.error("--device needs a device id (see 'micdoctor devices')");
  }
  if (line.given("--output") && options.output.empty()) return line.error("--output needs a file name");
  if (line.given("--save") && options.mic_test.save_path.empty()) return line.error("--save needs a file name");
  options.test = test || (command == Command::check && line.given("--test"));
  if (!test_seconds.empty() || !seconds.empty()) {
    const auto parsed = parse_test_seconds(test ? seconds : test_seconds);
    if (!parsed) return line.error(test ? "--seconds must be from 0.5 to 60" : "--test takes seconds from 0.5 to 60");
    options.mic_test.seconds = *parsed;
  } else if (test && line.given("--seconds")) {
    return line.error("--seconds must be from 0.5 to 60");
  }
  if (!options.mic_test.save_path.empty() && !options.test) {
    return line.error("--save keeps the recording of a test: add --test");
  }
  options.mic_test.pictures = options.format == ReportFormat::html;
  options.mic_test.stop_when_certain = !full;
  if (full && !options.test) return line.error("--full is about how long a test listens: add --test");
  if (options.test && !options.snapshot_file.empty()) {
    return line.error("--snapshot judges a saved state; it cannot listen to a microphone");
  }
  if (line.given("--alsa-info")) {
    if (options.alsa_info_file.empty()) return line.error("--alsa-info needs a file name (or - for standard input)");
    if (options.test) return line.error("--alsa-info judges a dump; it cannot listen to a microphone");
    if (!options.snapshot_file.empty()) return line.error("give --snapshot or --alsa-info, not both");
    if (!options.device.empty()) return line.error("--device names a sound server's input; an alsa-info dump has none");
  }
  return std::nullopt;
}

std::optional<SystemSnapshot> obtain_snapshot(const Options& options) {
  try {
    if (!options.alsa_info_file.empty()) return load_alsa_info_file(options.alsa_info_file);
    if (!options.snapshot_file.empty()) return load_snapshot_file(options.snapshot_file);
    return platform::read_system_snapshot();
  } catch (const SnapshotError& e) {
    std::fprintf(stderr, "micdoctor: %s\n", escape_for_terminal(e.what()).c_str());
    return std::nullopt;
  } catch (const AlsaInfoError& e) {
    std::fprintf(stderr, "micdoctor: %s\n", escape_for_terminal(e.what()).c_str());
    return std::nullopt;
  }
}

bool timings_wanted() {
  const char* value = std::getenv("MICDOCTOR_TIMINGS");
  return value != nullptr && value[0] != '\0';
}

// The files a run will write, checked before it reads or records anything:
// a test must not listen for its full time and then fail to save.
bool outputs_writable(const Options& options) {
  std::string error;
  if (!options.output.empty() && !check_writable(options.output, error)) {
    std::fprintf(stderr, "micdoctor: --output: %s\n", escape_for_terminal(error).c_str());
    return false;
  }
  if (!options.mic_test.save_path.empty() && !check_writable(options.mic_test.save_path, error)) {
    std::fprintf(stderr, "micdoctor: --save: %s\n", escape_for_terminal(error).c_str());
    return false;
  }
  return true;
}

int check_and_maybe_test(const Options& options) {
  if (!outputs_writable(options)) return 2;
  const std::optional<SystemSnapshot> snapshot = obtain_snapshot(options);
  if (!snapshot) return 2;
  if (!options.device.empty() && snapshot->server.reachable && !find_source_by_id(*snapshot, options.device)) {
    std::fprintf(stderr, "micdoctor: no capture device '%s' (run 'micdoctor devices' for the list)\n",
                 escape_for_terminal(options.device).c_str());
    return 2;
  }
  // A dump (read now, or a saved report of one) has no sound server state to judge.
  std::vector<Finding> findings =
      snapshot->origin == "alsa-info" ? run_alsa_info_checks(*snapshot) : run_checks(*snapshot, options.device);
  const Source* source = source_in_use(*snapshot, options.device);
  std::optional<MicTestRun> test;
  std::optional<MicTestReport> test_report;
  std::chrono::steady_clock::time_point capture_end;
  if (options.test) {
    HeardRun heard = listen_to_source(*snapshot, source, options.mic_test, isatty(STDERR_FILENO) != 0);
    join_heard(*snapshot, source, heard, findings);
    test = std::move(heard.test);
    capture_end = test->capture_ended;
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
  Options options;
  if (const auto status = parse(args, Command::check, options)) return *status;
  return check_and_maybe_test(options);
}

int run_test(const std::vector<std::string>& args) {
  Options options;
  if (const auto status = parse(args, Command::test, options)) return *status;
  return check_and_maybe_test(options);
}

int run_devices(const std::vector<std::string>& args) {
  Options options;
  if (const auto status = parse(args, Command::devices, options)) return *status;
  const std::optional<SystemSnapshot> snapshot = obtain_snapshot(options);
  if (!snapshot) return 2;
  if (options.format == ReportFormat::json) {
    std::printf("%s\n", devices_to_json(*snapshot).c_str());
  } else {
    std::fputs(devices_to_text(*snapshot, detect_text_style(STDOUT_FILENO)).c_str(), stdout);
  }
  return snapshot->server.reachable ? 0 : 2;
}

}  // namespace micdoctor::cli
