#include "cli/mic_test.hpp"

#include <unistd.h>

#include <csignal>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>

#ifdef MICDOCTOR_WITH_SNDFILE
#include "audiofile/audio_writer.hpp"
#endif
#include "platform/platform.hpp"
#include "report/level_meter.hpp"
#include "report/terminal.hpp"

namespace micdoctor::cli {
namespace {

#ifndef MICDOCTOR_WITH_SNDFILE
// This build has no libsndfile (Windows): --save says so instead of writing.
class AudioWriter {
 public:
  AudioWriter(const std::string&, int, int) {
    throw std::runtime_error("--save writes WAV files with libsndfile, which this build does not include");
  }
  bool write(std::span<const float>) { return false; }
  void commit() {}
};
#endif

std::atomic<bool> g_stop_requested{false};
// A handler that was there before the test (micdoctor demo's): it hears the
// Ctrl-C too, so a demo stops after the test instead of going on.
std::atomic<void (*)(int)> g_outer_handler{nullptr};

void request_stop(int signal_number) {
  g_stop_requested.store(true);
  if (auto* outer = g_outer_handler.load()) outer(signal_number);
}

// Ctrl-C stops the recording, not the program, while the test runs.
class InterruptStopsRecording {
 public:
  InterruptStopsRecording() {
    g_stop_requested.store(false);
    previous_ = std::signal(SIGINT, request_stop);
    const bool is_function = previous_ != SIG_DFL && previous_ != SIG_IGN && previous_ != SIG_ERR;
    g_outer_handler.store(is_function ? previous_ : nullptr);
  }
  ~InterruptStopsRecording() {
    std::signal(SIGINT, previous_);
    g_outer_handler.store(nullptr);
  }
  InterruptStopsRecording(const InterruptStopsRecording&) = delete;
  InterruptStopsRecording& operator=(const InterruptStopsRecording&) = delete;

 private:
  void (*previous_)(int) = SIG_DFL;
};

class TestListener final : public CaptureListener {
 public:
  TestListener(const MicTestOptions& options, bool animate)
      : options_(options), animate_(animate), style_(detect_text_style(STDERR_FILENO)) {}

  void on_start(const CaptureFormat& format) noexcept override {
    try {
      analyzer_ = std::make_unique<SignalAnalyzer>(format.sample_rate, format.channels);
      if (options_.pictures) overview_ = std::make_unique<SignalOverview>(format.sample_rate, format.channels);
      if (!options_.save_path.empty()) {
        writer_ = std::make_unique<AudioWriter>(options_.save_path, format.sample_rate, format.channels);
      }
    } catch (const std::exception& e) {
      if (!analyzer_) failed_ = e.what();
      else save_error = e.what();
    }
  }

  void on_audio(std::span<const float> samples) noexcept override {
    if (!analyzer_) return;
    try {
      analyzer_->add_interleaved(samples);
      if (overview_) overview_->add_interleaved(samples);
    } catch (const std::exception& e) {
      failed_ = e.what();
    }
    if (animate_ || options_.on_level) meter_.add(samples);
    if (writer_ && !writer_->write(samples) && save_error.empty()) save_error = "writing the recording failed (disk full?)";
  }

  void on_tick(double seconds_received, double seconds_wanted) noexcept override {
    if (!animate_ && !options_.on_level) return;
    const double now = std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
    const MeterReading reading = meter_.read(now);
    if (options_.on_level) {
      try {
        options_.on_level(reading.level_dbfs);
      } catch (...) {
        // The live meter is a courtesy: the test goes on without it.
      }
    }
    if (!animate_) return;
    try {
      const std::string line = render_meter(reading, seconds_wanted - seconds_received, style_);
      std::fprintf(stderr, "\r%s\033[K", line.c_str());
      std::fflush(stderr);
    } catch (...) {
      // A meter that cannot draw is not worth stopping the test for.
    }
  }

  std::optional<SignalAnalysis> finish(double seconds_received) {
    if (!analyzer_ || seconds_received <= 0) return std::nullopt;
    return analyzer_->finish();
  }

  std::optional<SignalPicture> picture(double seconds_received) const {
    if (!overview_ || seconds_received <= 0) return std::nullopt;
    return overview_->finish();
  }

  void keep_recording() {
    if (!writer_) return;
    try {
      writer_->commit();
    } catch (const std::exception& e) {
      if (save_error.empty()) save_error = e.what();
    }
    writer_.reset();
  }

  const std::string& failure() const { return failed_; }
  std::string save_error;

 private:
  const MicTestOptions& options_;
  bool animate_;
  TextStyle style_;
  std::unique_ptr<SignalAnalyzer> analyzer_;
  std::unique_ptr<SignalOverview> overview_;
  std::unique_ptr<AudioWriter> writer_;
  LevelMeter meter_;
  std::string failed_;
};

}  // namespace

std::optional<double> parse_test_seconds(const std::string& text) {
  constexpr double kMinSeconds = 0.5;
  constexpr double kMaxSeconds = 60.0;
  try {
    std::size_t used = 0;
    const double seconds = std::stod(text, &used);
    if (used != text.size() || !(seconds >= kMinSeconds && seconds <= kMaxSeconds)) return std::nullopt;
    return seconds;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

MicTestRun run_mic_test(const std::string& source, const MicTestOptions& options, bool animate) {
  if (animate) {
    std::fputs("Say a sentence now, as you would in a call, for example:\n"
               "  \"Hello, this is a microphone test. One, two, three, four, five.\"\n"
               "(Ctrl-C stops early)\n",
               stderr);
  }
  TestListener listener(options, animate);
  CaptureRequest request;
  request.source = source;
  request.seconds = options.seconds;
  MicTestRun run;
  {
    const InterruptStopsRecording interrupts;
    run.outcome = platform::capture(request, listener, g_stop_requested);
  }
  run.capture_ended = std::chrono::steady_clock::now();
  if (animate) std::fputs("\r\033[K", stderr);
  if (!listener.failure().empty() && run.outcome.ending != CaptureOutcome::Ending::failed) {
    run.outcome.ending = CaptureOutcome::Ending::failed;
    run.outcome.error = listener.failure();
  }
  if (run.outcome.ending != CaptureOutcome::Ending::failed) {
    run.analysis = listener.finish(run.outcome.seconds_received);
    run.picture = listener.picture(run.outcome.seconds_received);
    if (!options.save_path.empty()) listener.keep_recording();
  }
  run.save_error = listener.save_error;
  return run;
}

namespace {

void record_master(const std::string& master, const MicTestOptions& options, MicTestRun& run) {
  TestListener listener(options, false);
  CaptureRequest request;
  request.source = master;
  request.seconds = options.seconds;
  run.outcome = platform::capture(request, listener, g_stop_requested);
  run.capture_ended = std::chrono::steady_clock::now();
  if (run.outcome.ending != CaptureOutcome::Ending::failed && listener.failure().empty()) {
    run.analysis = listener.finish(run.outcome.seconds_received);
  }
}

}  // namespace

FilterTestRun run_filter_test(const std::string& filter, const std::string& master, const MicTestOptions& options,
                              bool animate) {
  FilterTestRun both;
  MicTestOptions quiet;
  quiet.seconds = options.seconds;
  // The master records for as long as the filter, stopped with it (Ctrl-C).
  g_stop_requested.store(false);
  std::thread master_thread([&]() noexcept {
    try {
      record_master(master, quiet, both.master);
    } catch (const std::exception& e) {
      both.master.outcome.ending = CaptureOutcome::Ending::failed;
      both.master.outcome.error = e.what();
    }
  });
  both.filter = run_mic_test(filter, options, animate);
  // A filter that could not be recorded leaves nothing to compare: the
  // master's side is not worth waiting out its full time for. (A filter that
  // completed lets the master complete too: its audio may start later.)
  if (both.filter.outcome.ending == CaptureOutcome::Ending::failed) g_stop_requested.store(true);
  master_thread.join();
  g_stop_requested.store(false);
  return both;
}

}  // namespace micdoctor::cli
