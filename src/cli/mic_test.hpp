#pragma once
// The microphone test as the CLI runs it: a prompt and a live meter on a
// terminal, the capture fed straight into the analyser (and a --save file
// only when asked), Ctrl-C to stop early.
#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "analysis/early_verdict.hpp"
#include "analysis/signal_analyzer.hpp"
#include "analysis/signal_overview.hpp"
#include "model/capture.hpp"

namespace micdoctor::cli {

struct MicTestOptions {
  double seconds = 5.0;
  std::string save_path;  // "" keeps the audio in memory only
  bool pictures = false;  // keep what a report draws (the HTML report)
  // Called at every capture tick (about ten times a second) with the RMS
  // level since the previous call in dBFS (-120 for digital silence), on the
  // capture's thread: a live meter elsewhere than the terminal (micdoctor ui).
  std::function<void(double level_dbfs)> on_level;
  // Stop as soon as the verdict is certain (analysis/early_verdict.hpp),
  // never later than `seconds`; false listens to all of `seconds` (test --full).
  bool stop_when_certain = true;
  // Whether the source's settings explain exact zeros (muted, at 0 %...:
  // silence_explained_by_settings); only then may silence stop it early.
  SilenceExplained silence_explained = SilenceExplained::no;
};

struct MicTestRun {
  CaptureOutcome outcome;
  std::optional<SignalAnalysis> analysis;  // when any audio arrived
  std::optional<SignalPicture> picture;    // what a report draws of it
  std::string save_error;                  // why --save failed, if it did
  std::optional<EarlyStop> early_stop;     // the certain verdict it stopped on (outcome.stopped_when_certain)
  std::chrono::steady_clock::time_point capture_ended;  // for the verdict-latency measurement
};

// "3", "2.5": seconds for a test, 0.5 to 60; null for anything else.
std::optional<double> parse_test_seconds(const std::string& text);

// animate: draw the prompt and the meter on stderr (a terminal).
MicTestRun run_mic_test(const std::string& source, const MicTestOptions& options, bool animate);

// Ends the test that is recording now, as Ctrl-C does; safe from any thread
// and a signal handler (micdoctor ui, when it shuts down mid-test).
void request_mic_test_stop() noexcept;

// The same test on a filter source while its master is recorded at the same
// time, on a second thread with its own connection (platform::capture opens
// one per call). The master's run records into memory only (no --save, no
// meter); its analysis is empty when it could not record.
struct FilterTestRun {
  MicTestRun filter;
  MicTestRun master;
};
FilterTestRun run_filter_test(const std::string& filter, const std::string& master, const MicTestOptions& options,
                              bool animate);

}  // namespace micdoctor::cli
