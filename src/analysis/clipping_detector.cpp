#include "analysis/clipping_detector.hpp"

#include <algorithm>
#include <cmath>

#include "analysis/channel_stats.hpp"

namespace micdoctor {
namespace {

// Plateau levels are binned in 0.05 dB steps from -50 dBFS to +12 dBFS.
constexpr double kLowestLevelDb = -50.0;
constexpr double kHighestLevelDb = 12.0;
constexpr double kBinDb = 0.05;
constexpr int kBins = static_cast<int>((kHighestLevelDb - kLowestLevelDb) / kBinDb) + 1;
constexpr float kMinMagnitude = 0.00316f;  // -50 dBFS: quieter "plateaus" are quantisation
// Two samples closer than one 16-bit step count as the same level, so a
// plateau survives a little dither or requantisation after the clipping.
constexpr float kFlatTolerance = 1.0f / 32768.0f;
// A plateau counts as clipping when it lies within this distance of the extreme.
constexpr double kCeilingToleranceDb = 0.1;
// Clipping cuts a waveform that was still rising: it arrives at the ceiling
// (or leaves it) with a real slope. The rounded top of a slow sine only
// flattens within a quantisation step, so its edge steps are tiny.
constexpr float kMinEdgeStepRelative = 0.005f;
constexpr float kMinEdgeStep = 4 * kFlatTolerance;

}  // namespace

ClippingDetector::ClippingDetector(int channels, int sample_rate)
    : channels_(channels), max_run_(static_cast<std::uint32_t>(sample_rate / 20)) {
  for (ChannelState& state : state_) {
    state.positive.assign(kBins, 0);
    state.negative.assign(kBins, 0);
  }
}

int ClippingDetector::level_bin(float magnitude) const {
  const double db = 20.0 * std::log10(static_cast<double>(magnitude));
  const int bin = static_cast<int>(std::floor((db - kLowestLevelDb) / kBinDb));
  return std::clamp(bin, 0, kBins - 1);
}

void ClippingDetector::close_run(ChannelState& state, float next_value) {
  const float level = std::fabs(state.run_value);
  const float edge = std::max(state.step_in, std::fabs(next_value - state.previous));
  if (state.run_length >= 2 && state.run_length <= max_run_ && level >= kMinMagnitude &&
      edge >= std::max(kMinEdgeStep, kMinEdgeStepRelative * level)) {
    auto& histogram = state.run_value > 0 ? state.positive : state.negative;
    histogram[static_cast<std::size_t>(level_bin(std::fabs(state.run_value)))] += state.run_length;
  }
  state.run_length = 1;
}

void ClippingDetector::scan(ChannelState& state, const float* x, std::size_t n) {
  float previous = state.previous;
  for (std::size_t i = 0; i < n; ++i) {
    const float v = x[i];
    if (std::fabs(v - previous) <= kFlatTolerance) {
      ++state.run_length;
    } else {
      state.previous = previous;
      close_run(state, v);
      state.step_in = std::fabs(v - previous);
      state.run_value = v;
    }
    previous = v;
  }
  state.previous = previous;
}

void ClippingDetector::add(const PlanarBlock& block) {
  for (int c = 0; c < channels_; ++c) {
    ChannelState& state = state_[static_cast<std::size_t>(c)];
    const float* x = block.channel[c];
    // Fast path: most blocks of real audio hold no loud flat pair at all.
    std::uint32_t candidates = 0;
    float previous = state.previous;
    if (block.frames > 0) {
      candidates += (std::fabs(x[0] - previous) <= kFlatTolerance && std::fabs(x[0]) >= kMinMagnitude) ? 1u : 0u;
    }
#pragma omp simd reduction(+ : candidates)
    for (std::size_t i = 1; i < block.frames; ++i) {
      candidates += (std::fabs(x[i] - x[i - 1]) <= kFlatTolerance && std::fabs(x[i]) >= kMinMagnitude) ? 1u : 0u;
    }
    if (candidates == 0 && state.run_length <= 1) {
      if (block.frames > 0) {
        state.previous = x[block.frames - 1];
        state.run_value = state.previous;
        state.step_in = block.frames > 1 ? std::fabs(x[block.frames - 1] - x[block.frames - 2]) : 0.0f;
        state.run_length = 1;
      }
      continue;
    }
    scan(state, x, block.frames);
  }
}

ClippingDetector::Result ClippingDetector::finish(const ChannelStats& stats) {
  Result result;
  std::uint64_t worst = 0;
  for (int c = 0; c < channels_; ++c) {
    ChannelState& state = state_[static_cast<std::size_t>(c)];
    close_run(state, state.previous);  // the recording ends on the plateau: judge by its entry
    std::uint64_t clipped = 0;
    auto count_near = [&](const std::vector<std::uint64_t>& histogram, double extreme) {
      if (!(extreme >= kMinMagnitude)) return std::uint64_t{0};
      const int top = level_bin(static_cast<float>(extreme));
      const int from = std::max(0, top - static_cast<int>(std::ceil(kCeilingToleranceDb / kBinDb)));
      std::uint64_t n = 0;
      for (int b = from; b <= top; ++b) n += histogram[static_cast<std::size_t>(b)];
      return n;
    };
    const std::uint64_t positive = count_near(state.positive, stats.max_value(c));
    const std::uint64_t negative = count_near(state.negative, -stats.min_value(c));
    clipped = positive + negative;
    result.clipped_samples += clipped;
    if (clipped > worst) {
      worst = clipped;
      const double level = positive >= negative ? stats.max_value(c) : -stats.min_value(c);
      result.ceiling_dbfs = 20.0 * std::log10(level);
    }
  }
  return result;
}

}  // namespace micdoctor
