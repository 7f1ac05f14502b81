#include "analysis/clipping_detector.hpp"

#include <algorithm>
#include <cmath>

#include "analysis/channel_stats.hpp"
#include "analysis/cpu_features.hpp"
#include "analysis/dsp_util.hpp"

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
constexpr float kMinEdgeStepRelative = 0.02f;
constexpr float kMinEdgeStep = 4 * kFlatTolerance;
// The final extreme is never below the running one, so a flat run more than
// the tolerance under the running extreme can never count: skip it early.
constexpr float kNearExtreme = 0.985f;  // -0.13 dB, a little wider than the tolerance

// Flat pairs (x[i-1], x[i]) near the top for i in [1, n). Branch-free, so it
// vectorises: it runs over every sample of every block (generic and AVX2 copies).
__attribute__((always_inline)) inline std::uint32_t count_body(const float* x, std::size_t n, float high, float low) {
  std::uint32_t count = 0;
#pragma omp simd reduction(+ : count)
  for (std::size_t i = 1; i < n; ++i) {
    const float step = x[i] - x[i - 1];
    const int flat = static_cast<int>(step <= kFlatTolerance) & static_cast<int>(step >= -kFlatTolerance);
    const int top = static_cast<int>(x[i] >= high) | static_cast<int>(x[i] <= low);
    count += static_cast<std::uint32_t>(flat & top);
  }
  return count;
}

#if MICDOCTOR_X86
MICDOCTOR_TARGET_AVX2 std::uint32_t count_avx2(const float* x, std::size_t n, float high, float low) {
  return count_body(x, n, high, low);
}
#endif

std::uint32_t count_flat_pairs_near_top(const float* x, std::size_t n, float high, float low) {
#if MICDOCTOR_X86
  if (cpu::has_avx2()) return count_avx2(x, n, high, low);
#endif
  return count_body(x, n, high, low);
}

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
  return dsp::histogram_bin((db - kLowestLevelDb) / kBinDb, kBins);
}

void ClippingDetector::close_run(ChannelState& state, float step_out) {
  const float level = std::fabs(state.run_value);
  const float edge = std::max(state.step_in, step_out);
  // At least half of the run's pairs exactly equal: a clipper (or a
  // saturated converter) holds one value, even under a little dither.
  const bool sits_on_one_value = 2 * state.equal_pairs >= state.run_length - 1;
  if (state.run_length <= max_run_ && level >= kMinMagnitude && sits_on_one_value &&
      edge >= std::max(kMinEdgeStep, kMinEdgeStepRelative * level)) {
    auto& histogram = state.run_value > 0 ? state.positive : state.negative;
    histogram[static_cast<std::size_t>(level_bin(level))] += state.run_length;
  }
  state.run_length = 0;
  state.equal_pairs = 0;
}

void ClippingDetector::add(const PlanarBlock& block, const ChannelStats& stats, const BlockSums& sums) {
  constexpr std::size_t kChunk = 64;
  for (int c = 0; c < channels_; ++c) {
    ChannelState& state = state_[static_cast<std::size_t>(c)];
    const std::size_t n = block.frames;
    if (n == 0) continue;
    // A run is a chain of flat pairs (x[i-1], x[i]) near the channel's top.
    const float high = std::max(kMinMagnitude, kNearExtreme * static_cast<float>(stats.max_value(c)));
    const float low = std::min(-kMinMagnitude, kNearExtreme * static_cast<float>(stats.min_value(c)));
    const float* x = block.channel[c];
    auto sample = [&](std::ptrdiff_t i) {  // x[i], reaching back into the previous block
      return i >= 0 ? x[i] : i == -1 ? state.previous : state.before_previous;
    };
    auto candidate = [&](std::size_t i) {
      const float v = x[i], prior = sample(static_cast<std::ptrdiff_t>(i) - 1);
      return std::fabs(v - prior) <= kFlatTolerance && (v >= high || v <= low);
    };
    // The common case: nothing near the top in the whole block. Most blocks
    // never come near the recording's extremes, which their own tell at once.
    const bool nowhere_near = sums.max[c] < high && sums.min[c] > low;
    const bool first = !nowhere_near && candidate(0);
    if (state.run_length == 0 && (nowhere_near || (!first && count_flat_pairs_near_top(x, n, high, low) == 0))) {
      state.before_previous = n >= 2 ? x[n - 2] : state.previous;
      state.previous = x[n - 1];
      continue;
    }
    for (std::size_t base = 0; base < n; base += kChunk) {
      const std::size_t end = std::min(n, base + kChunk);
      const std::uint32_t any = base == 0 ? (first ? 1u : 0u) + count_flat_pairs_near_top(x, end, high, low)
                                          : count_flat_pairs_near_top(x + base - 1, end - base + 1, high, low);
      if (any == 0 && state.run_length == 0) continue;
      for (std::size_t i = base; i < end; ++i) {
        const auto at = static_cast<std::ptrdiff_t>(i);
        if (candidate(i)) {
          if (x[i] == sample(at - 1)) ++state.equal_pairs;
          if (state.run_length == 0) {
            state.run_length = 2;
            state.run_value = sample(at - 1);
            state.step_in = std::fabs(sample(at - 1) - sample(at - 2));
          } else {
            ++state.run_length;
          }
        } else if (state.run_length > 0) {
          close_run(state, std::fabs(x[i] - sample(at - 1)));
        }
      }
    }
    state.before_previous = n >= 2 ? x[n - 2] : state.previous;
    state.previous = x[n - 1];
  }
}

ClippingDetector::Result ClippingDetector::finish(const ChannelStats& stats) {
  Result result;
  std::uint64_t worst = 0;
  for (int c = 0; c < channels_; ++c) {
    ChannelState& state = state_[static_cast<std::size_t>(c)];
    if (state.run_length > 0) close_run(state, 0.0f);  // ends on a plateau: judge by its entry
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
