#pragma once
// The streaming signal analyser: feed it interleaved float blocks of any size
// (from a file or a live capture), then call finish() once for the metrics
// and findings. Pure computation: no file, device or clock inside. Memory is
// fixed at construction and does not grow with the recording's length.
//
//   SignalAnalyzer analyzer(48000, 2);
//   while (read(block)) analyzer.add_interleaved(block);
//   SignalAnalysis result = analyzer.finish();
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "analysis/signal_metrics.hpp"
#include "model/finding.hpp"

namespace micdoctor {

struct SignalAnalysis {
  SignalMetrics metrics;
  std::vector<Finding> findings;  // most severe first; signal.ok when nothing is wrong
};

inline constexpr int kMinSampleRate = 8000;
inline constexpr int kMaxSampleRate = 192000;
inline constexpr int kMaxAnalysisChannels = 8;

class SignalAnalyzer {
 public:
  // Throws std::invalid_argument outside 8-192 kHz or 1-8 channels.
  SignalAnalyzer(int sample_rate, int channels);
  ~SignalAnalyzer();
  SignalAnalyzer(const SignalAnalyzer&) = delete;
  SignalAnalyzer& operator=(const SignalAnalyzer&) = delete;

  // `samples.size()` should be a multiple of the channel count; a trailing
  // partial frame is kept and completed by the next call.
  // Samples must be finite (the caller validates decoded input).
  void add_interleaved(std::span<const float> samples);
  // The same for 16-bit integer samples (full scale 32768), as a 16-bit file
  // or capture delivers them: converted on the way in.
  void add_interleaved(std::span<const std::int16_t> samples);

  // Metrics and findings of everything added so far. Call once.
  SignalAnalysis finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace micdoctor
