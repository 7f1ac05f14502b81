#include "cli/mic_test.hpp"

#include <unistd.h>

#include <csignal>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

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

// The recordings of one test (one microphone, or a filter and its master)
// stop together once every one's verdict is certain at the same time: a
// filter that is certain to deliver silence while its microphone has not
// yet heard the voice must listen on, or the comparison would be cut short.
class CertaintyVote {
 public:
  CertaintyVote(std::size_t voters, std::atomic<bool>& stop) : certain_(voters, false), stop_(stop) {}

  // A voter's latest checkpoint; true when that made everyone certain: the
  // captures are stopped, and every listener takes no more audio.
  // Called on the captures' threads, from C callbacks: never throws (a
  // lock that fails counts as "not certain", and the test listens on).
  bool vote(std::size_t voter, bool certain) noexcept {
    try {
      const std::lock_guard<std::mutex> lock(mutex_);
      if (decided_) return true;
      certain_[voter] = certain;
      decided_ = std::all_of(certain_.begin(), certain_.end(), [](bool b) { return b; });
      if (decided_) stop_.store(true);
      return decided_;
    } catch (...) {
      return false;
    }
  }
  bool decided() const noexcept {
    try {
      const std::lock_guard<std::mutex> lock(mutex_);
      return decided_;
    } catch (...) {
      return false;
    }
  }

 private:
  mutable std::mutex mutex_;
  std::vector<bool> certain_;
  std::atomic<bool>& stop_;
  bool decided_ = false;
};

class TestListener final : public CaptureListener {
 public:
  // `vote`: where this listener says its verdict is certain (null: never stops early).
  TestListener(const MicTestOptions& options, bool animate, CertaintyVote* vote = nullptr, std::size_t voter = 0)
      : options_(options), animate_(animate), style_(detect_text_style(STDERR_FILENO)), vote_(vote), voter_(voter) {}

  void on_start(const CaptureFormat& format) noexcept override {
    try {
      analyzer_ = std::make_unique<SignalAnalyzer>(format.sample_rate, format.channels);
      format_rate_ = format.sample_rate;
      channels_ = format.channels;
      if (vote_ != nullptr) {
        early_ = std::make_unique<EarlyVerdict>(format.sample_rate, format.channels, options_.silence_explained);
      }
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
    // Cut at the checkpoint where the verdict became certain: what the test
    // reports is then exactly what was judged certain.
    while (!samples.empty() && !(vote_ != nullptr && vote_->decided())) {
      std::size_t taken = samples.size();
      try {
        if (early_) taken = early_->add_interleaved(samples);
      } catch (const std::exception&) {
        early_.reset();  // no early verdict: the test listens to its end
      }
      hear(samples.first(taken));
      samples = samples.subspan(taken);
      if (!early_ || !early_->stop()) continue;
      early_stop = early_->stop();
      if (!vote_->vote(voter_, true)) early_->listen_on();
    }
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
  // The audio the analyser was given, in seconds (a capture may deliver a
  // little past the point where the verdict became certain).
  double seconds_heard() const { return format_rate_ > 0 ? static_cast<double>(frames_heard_) / format_rate_ : 0.0; }
  std::string save_error;
  std::optional<EarlyStop> early_stop;  // the latest certain verdict

 private:
  void hear(std::span<const float> samples) noexcept {
    if (samples.empty()) return;
    try {
      analyzer_->add_interleaved(samples);
      if (overview_) overview_->add_interleaved(samples);
    } catch (const std::exception& e) {
      failed_ = e.what();
    }
    if (early_ && !early_->certain_now() && vote_ != nullptr) vote_->vote(voter_, false);
    frames_heard_ += samples.size() / static_cast<std::size_t>(std::max(1, channels_));
    if (animate_ || options_.on_level) meter_.add(samples);
    if (writer_ && !writer_->write(samples) && save_error.empty()) save_error = "writing the recording failed (disk full?)";
  }

  const MicTestOptions& options_;
  bool animate_;
  TextStyle style_;
  std::unique_ptr<SignalAnalyzer> analyzer_;
  std::unique_ptr<SignalOverview> overview_;
  std::unique_ptr<AudioWriter> writer_;
  LevelMeter meter_;
  std::string failed_;
  CertaintyVote* vote_;
  std::size_t voter_;
  std::unique_ptr<EarlyVerdict> early_;
  int format_rate_ = 0;
  int channels_ = 0;
  std::uint64_t frames_heard_ = 0;
};

// A test that stopped on a certain verdict completed: it got what it needed.
void note_certain_stop(const CertaintyVote& vote, const TestListener& listener, MicTestRun& run) {
  if (!vote.decided() || run.outcome.ending == CaptureOutcome::Ending::failed) return;
  run.outcome.ending = CaptureOutcome::Ending::completed;
  run.outcome.stopped_when_certain = true;
  run.outcome.seconds_received = listener.seconds_heard();
  run.early_stop = listener.early_stop;
}

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

namespace {

// The test on one source; `vote` (null: listen to the end) is shared with a
// recording made at the same time.
MicTestRun test_source(const std::string& source, const MicTestOptions& options, bool animate, CertaintyVote* vote,
                       std::size_t voter) {
  if (animate) {
    std::fputs("Say a sentence now, as you would in a call, for example:\n"
               "  \"Hello, this is a microphone test. One, two, three, four, five.\"\n"
               "(Ctrl-C stops early)\n",
               stderr);
  }
  TestListener listener(options, animate, vote, voter);
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
  if (vote != nullptr) note_certain_stop(*vote, listener, run);
  if (run.outcome.ending != CaptureOutcome::Ending::failed) {
    run.analysis = listener.finish(run.outcome.seconds_received);
    run.picture = listener.picture(run.outcome.seconds_received);
    if (!options.save_path.empty()) listener.keep_recording();
  }
  run.save_error = listener.save_error;
  return run;
}

void record_master(const std::string& master, const MicTestOptions& options, CertaintyVote* vote, MicTestRun& run) {
  TestListener listener(options, false, vote, 1);
  CaptureRequest request;
  request.source = master;
  request.seconds = options.seconds;
  run.outcome = platform::capture(request, listener, g_stop_requested);
  run.capture_ended = std::chrono::steady_clock::now();
  if (vote != nullptr) note_certain_stop(*vote, listener, run);
  if (run.outcome.ending != CaptureOutcome::Ending::failed && listener.failure().empty()) {
    run.analysis = listener.finish(run.outcome.seconds_received);
  }
}

}  // namespace

void request_mic_test_stop() noexcept { g_stop_requested.store(true); }

MicTestRun run_mic_test(const std::string& source, const MicTestOptions& options, bool animate) {
  g_stop_requested.store(false);
  CertaintyVote vote(1, g_stop_requested);
  return test_source(source, options, animate, options.stop_when_certain ? &vote : nullptr, 0);
}

FilterTestRun run_filter_test(const std::string& filter, const std::string& master, const MicTestOptions& options,
                              bool animate) {
  FilterTestRun both;
  MicTestOptions quiet;
  quiet.seconds = options.seconds;
  // The master records for as long as the filter, stopped with it (Ctrl-C,
  // or both verdicts certain).
  g_stop_requested.store(false);
  CertaintyVote vote(2, g_stop_requested);
  CertaintyVote* voting = options.stop_when_certain ? &vote : nullptr;
  std::thread master_thread([&]() noexcept {
    try {
      record_master(master, quiet, voting, both.master);
    } catch (const std::exception& e) {
      both.master.outcome.ending = CaptureOutcome::Ending::failed;
      both.master.outcome.error = e.what();
    }
  });
  both.filter = test_source(filter, options, animate, voting, 0);
  // A filter that could not be recorded leaves nothing to compare: the
  // master's side is not worth waiting out its full time for. (A filter that
  // completed lets the master complete too: its audio may start later.)
  if (both.filter.outcome.ending == CaptureOutcome::Ending::failed) g_stop_requested.store(true);
  master_thread.join();
  g_stop_requested.store(false);
  return both;
}

}  // namespace micdoctor::cli
