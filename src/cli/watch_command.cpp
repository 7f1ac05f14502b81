// `micdoctor watch`: the platform pushes the sound system's state and the
// metered audio (platform::watch), CallWatch turns them into events and
// findings, and this file prints them as they happen. The same on Linux
// and Windows.
#include "cli/watch_command.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <optional>

#include "checks/run_checks.hpp"
#include "cli/command_line.hpp"
#include "cli/output_file.hpp"
#include "platform/platform.hpp"
#include "report/check_report.hpp"
#include "report/terminal.hpp"
#include "report/watch_html.hpp"
#include "report/watch_text.hpp"
#include "watch/call_watch.hpp"
#include "watch/watch_feed.hpp"

namespace micdoctor::cli {
namespace {

enum class WatchFormat { text, json, html };

struct Options {
  std::string device;
  double duration_s = 0;  // 0: until Ctrl-C
  WatchFormat format = WatchFormat::text;
  std::string output;
};

constexpr double kMaxDurationS = 24 * 3600.0;

std::optional<int> parse(const std::vector<std::string>& args, Options& options) {
  CommandLine line("watch", "Watch the microphone during a call: print what happens (apps, volumes, devices, "
                            "the signal) as it happens, and what went wrong at the end.");
  CLI::App& app = line.app();
  std::string duration;
  std::string format = "text";
  app.add_option("--device", options.device, "the source to meter (default: the default input, followed as it changes)")
      ->type_name("ID");
  app.add_option("--duration", duration, "stop after this many seconds (default: until Ctrl-C; at most 24 h)")
      ->type_name("S");
  app.add_option("--format", format, "text (default), json (JSON Lines: one event per line, then the summary) "
                                     "or html (the level over time with the events, at the end)")
      ->type_name("FORMAT");
  app.add_option("--output", options.output, "write the timeline or report to FILE instead of standard output")
      ->type_name("FILE");
  app.footer("exit status: 0 nothing went wrong, 1 problems found, 2 could not watch or the sound server went away");
  if (const auto status = line.parse(args)) return status;
  if (format == "text") options.format = WatchFormat::text;
  else if (format == "json") options.format = WatchFormat::json;
  else if (format == "html") options.format = WatchFormat::html;
  else return line.error("--format must be text, json or html");
  if (line.given("--device") && options.device.empty()) {
    return line.error("--device needs a device id (see 'micdoctor devices')");
  }
  if (line.given("--output") && options.output.empty()) return line.error("--output needs a file name");
  if (line.given("--duration")) {
    const auto seconds = parse_watch_duration(duration);
    if (!seconds) return line.error("--duration must be seconds, more than 0 and at most 86400 (24 h)");
    options.duration_s = *seconds;
  }
  return std::nullopt;
}

// Ctrl-C and SIGTERM end the watch (with its summary), not the program.
std::atomic<bool> g_stop{false};
std::atomic<int> g_signal{0};

void request_stop(int signal_number) {
  g_signal.store(signal_number);
  g_stop.store(true);
}

class SignalsEndTheWatch {
 public:
  SignalsEndTheWatch() {
    g_stop.store(false);
    g_signal.store(0);
    previous_interrupt_ = std::signal(SIGINT, request_stop);
    previous_terminate_ = std::signal(SIGTERM, request_stop);
  }
  ~SignalsEndTheWatch() {
    std::signal(SIGINT, previous_interrupt_);
    std::signal(SIGTERM, previous_terminate_);
  }
  SignalsEndTheWatch(const SignalsEndTheWatch&) = delete;
  SignalsEndTheWatch& operator=(const SignalsEndTheWatch&) = delete;

 private:
  void (*previous_interrupt_)(int) = SIG_DFL;
  void (*previous_terminate_)(int) = SIG_DFL;
};

// Where the events go as they happen: the timeline (text) or JSON Lines to
// the output; with html the timeline goes to stderr while the report waits
// for the end.
class EventPrinter {
 public:
  EventPrinter(const Options& options, ReportStream& out) : options_(options), out_(out) {}

  bool header(const SystemSnapshot& state) {
    if (options_.format == WatchFormat::json) return true;
    return emit(watch_header_text(state.server.name, options_.device, options_.duration_s));
  }

  bool event(const WatchEvent& event) {
    return emit(options_.format == WatchFormat::json ? event_to_json_line(event) + "\n" : watch_event_line(event));
  }

 private:
  bool emit(const std::string& text) {
    if (options_.format != WatchFormat::html) return out_.write(text);
    std::fputs(text.c_str(), stderr);
    std::fflush(stderr);
    return true;
  }

  const Options& options_;
  ReportStream& out_;
};

// The feed the platform pushes into: dates each call, hands it to CallWatch
// and prints what came out. Called from the platform's C callbacks: never throws.
class LiveWatch final : public WatchFeed {
 public:
  LiveWatch(const Options& options, EventPrinter& printer)
      : options_(options),
        printer_(printer),
        started_(std::chrono::steady_clock::now()),
        started_unix_ms_(std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count()) {}

  void on_state(const SystemSnapshot& state) noexcept override {
    guarded([&] {
      if (!watch_ && !begin(state)) return;
      watch_->on_state(elapsed(), state);
    });
  }

  std::string source_to_meter() noexcept override {
    try {
      return watch_ ? watch_->source_to_meter() : std::string();
    } catch (...) {
      fail();
      return {};
    }
  }

  void on_meter_start(const std::string& source, const CaptureFormat& format) noexcept override {
    guarded([&] {
      if (watch_) watch_->on_meter_start(elapsed(), source, format);
    });
  }

  void on_audio(std::span<const float> interleaved) noexcept override {
    guarded([&] {
      if (watch_) watch_->on_audio(interleaved);
    });
  }

  void on_audio_stalled() noexcept override {
    guarded([&] {
      if (watch_) watch_->on_audio_stalled(elapsed());
    });
  }

  void on_meter_stop(const std::string& source, const std::string& reason) noexcept override {
    guarded([&] {
      if (watch_) watch_->on_meter_stop(elapsed(), source, reason);
    });
  }

  // After platform::watch returned.
  void end(const WatchOutcome& outcome) {
    if (!watch_) return;
    if (outcome.ending == WatchOutcome::Ending::server_lost) watch_->on_server_lost(elapsed(), outcome.error);
    watch_->finish(elapsed(), why_it_ended(outcome));
    print_events();
  }

  CallWatch* watch() { return watch_ ? &*watch_ : nullptr; }
  bool unknown_device() const { return unknown_device_; }
  bool failed() const { return failed_; }

 private:
  // The first state: --device checked against it, the header printed.
  bool begin(const SystemSnapshot& state) {
    CallWatchOptions call_options;
    if (!options_.device.empty()) {
      const Source* source = find_source_by_id(state, options_.device);
      if (source == nullptr) {
        unknown_device_ = true;
        g_stop.store(true);
        return false;
      }
      call_options.device = source->name;
    }
    watch_.emplace(call_options, started_unix_ms_);
    if (!printer_.header(state)) fail();
    return true;
  }

  double elapsed() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  }

  static std::string why_it_ended(const WatchOutcome& outcome) {
    switch (outcome.ending) {
      case WatchOutcome::Ending::completed: return "the duration asked for passed";
      case WatchOutcome::Ending::interrupted: return g_signal.load() == SIGTERM ? "stopped (SIGTERM)" : "Ctrl-C";
      case WatchOutcome::Ending::server_lost: return "the sound server went away";
      case WatchOutcome::Ending::failed: break;
    }
    return "the watch failed: " + outcome.error;
  }

  template <typename Body>
  void guarded(Body body) noexcept {
    if (failed_) return;
    try {
      body();
      print_events();
    } catch (...) {
      fail();
    }
  }

  void print_events() {
    if (!watch_) return;
    for (const WatchEvent& event : watch_->take_events()) {
      if (!printer_.event(event)) fail();
    }
  }

  // Out of memory, or the output cannot be written: the watch stops.
  void fail() noexcept {
    failed_ = true;
    g_stop.store(true);
  }

  const Options& options_;
  EventPrinter& printer_;
  std::chrono::steady_clock::time_point started_;
  std::int64_t started_unix_ms_;
  std::optional<CallWatch> watch_;
  bool unknown_device_ = false;
  bool failed_ = false;
};

std::string summary(const Options& options, const CallWatch& watch, const std::vector<Finding>& findings,
                    const TextStyle& style) {
  const SystemSnapshot& last = watch.last_state();
  switch (options.format) {
    case WatchFormat::text: return watch_summary_text(watch.timeline(), findings, style);
    case WatchFormat::html: return watch_to_html(watch.timeline(), findings, last);
    case WatchFormat::json: break;
  }
  const std::string& metered = watch.timeline().metered_source;
  const Source* source = metered.empty() ? source_in_use(last, options.device) : last.find_source(metered);
  return check_to_json(CheckReportInput{last, source, findings}) + "\n";
}

int watch_and_report(const Options& options) {
  std::string error;
  // The file is checked before watching: an hour-long watch must not fail to save.
  if (!options.output.empty() && !check_writable(options.output, error)) {
    std::fprintf(stderr, "micdoctor: --output: %s\n", escape_for_terminal(error).c_str());
    return 2;
  }
  ReportStream out;
  // html is written whole at the end; text and JSON Lines as they happen.
  if (options.format != WatchFormat::html && !out.open(options.output, error)) {
    std::fprintf(stderr, "micdoctor: --output: %s\n", escape_for_terminal(error).c_str());
    return 2;
  }
  const TextStyle style = options.output.empty() && options.format == WatchFormat::text
                              ? detect_text_style(fileno(stdout))
                              : TextStyle{};
  EventPrinter printer(options, out);
  LiveWatch live(options, printer);
  WatchRequest request;
  request.seconds = options.duration_s;
  WatchOutcome outcome;
  {
    const SignalsEndTheWatch signals;
    outcome = platform::watch(request, live, g_stop);
  }
  if (live.unknown_device()) {
    std::fprintf(stderr, "micdoctor: no capture device '%s' (run 'micdoctor devices' for the list)\n",
                 escape_for_terminal(options.device).c_str());
    return 2;
  }
  CallWatch* watch = live.watch();
  if (outcome.ending == WatchOutcome::Ending::failed || watch == nullptr) {
    std::fprintf(stderr, "micdoctor: cannot watch: %s\n",
                 escape_for_terminal(outcome.error.empty() ? "the sound server sent no state" : outcome.error).c_str());
    return 2;
  }
  live.end(outcome);
  const std::vector<Finding> findings = watch->findings();
  const std::string text = summary(options, *watch, findings, style);
  const bool written = options.format == WatchFormat::html ? write_report(text, options.output, error)
                                                           : out.write(text) && out.commit(error);
  if (!written || live.failed()) {
    std::fprintf(stderr, "micdoctor: --output: %s\n",
                 escape_for_terminal(error.empty() ? "writing the timeline failed" : error).c_str());
    return 2;
  }
  if (outcome.ending == WatchOutcome::Ending::server_lost) {
    std::fprintf(stderr, "micdoctor: the watch ended: %s\n", escape_for_terminal(outcome.error).c_str());
    return 2;
  }
  return std::any_of(findings.begin(), findings.end(), is_problem) ? 1 : 0;
}

}  // namespace

std::optional<double> parse_watch_duration(const std::string& text) {
  try {
    std::size_t used = 0;
    const double seconds = std::stod(text, &used);
    if (used != text.size() || !(seconds > 0 && seconds <= kMaxDurationS)) return std::nullopt;
    return seconds;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

int run_watch(const std::vector<std::string>& args) {
  Options options;
  if (const auto status = parse(args, options)) return *status;
  return watch_and_report(options);
}

}  // namespace micdoctor::cli
