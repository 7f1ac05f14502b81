#include "analysis/channel_stats.hpp"

#include "analysis/cpu_features.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace micdoctor {
namespace {

struct ChannelBlockStats {
  float sum = 0, sum_squares = 0, max = -std::numeric_limits<float>::infinity(),
        min = std::numeric_limits<float>::infinity();
  std::uint32_t zeros = 0;
};

// The hot loop: float partial sums over one block (a few thousand samples)
// are exact enough and let the compiler vectorise; totals are kept in double.
// Inlined into a generic and an AVX2 copy, picked once at run time.
__attribute__((always_inline)) inline ChannelBlockStats block_stats_body(const float* x, std::size_t n) {
  float sum = 0, sum_squares = 0;
  float max = -std::numeric_limits<float>::infinity(), min = std::numeric_limits<float>::infinity();
  std::uint32_t zeros = 0;
#pragma omp simd reduction(+ : sum, sum_squares, zeros) reduction(max : max) reduction(min : min)
  for (std::size_t i = 0; i < n; ++i) {
    const float v = x[i];
    sum += v;
    sum_squares += v * v;
    max = v > max ? v : max;
    min = v < min ? v : min;
    zeros += v == 0.0f ? 1u : 0u;
  }
  return {sum, sum_squares, max, min, zeros};
}

__attribute__((always_inline)) inline float block_dot_body(const float* a, const float* b, std::size_t n) {
  float dot = 0;
#pragma omp simd reduction(+ : dot)
  for (std::size_t i = 0; i < n; ++i) dot += a[i] * b[i];
  return dot;
}

#if MICDOCTOR_X86
MICDOCTOR_TARGET_AVX2 ChannelBlockStats block_stats_avx2(const float* x, std::size_t n) { return block_stats_body(x, n); }
MICDOCTOR_TARGET_AVX2 float block_dot_avx2(const float* a, const float* b, std::size_t n) {
  return block_dot_body(a, b, n);
}
#endif

ChannelBlockStats block_stats(const float* x, std::size_t n) {
#if MICDOCTOR_X86
  if (cpu::has_avx2()) return block_stats_avx2(x, n);
#endif
  return block_stats_body(x, n);
}

float block_dot(const float* a, const float* b, std::size_t n) {
#if MICDOCTOR_X86
  if (cpu::has_avx2()) return block_dot_avx2(a, b, n);
#endif
  return block_dot_body(a, b, n);
}

}  // namespace

BlockSums ChannelStats::add(const PlanarBlock& block) {
  BlockSums sums;
  if (block.frames == 0) return sums;
  for (int c = 0; c < channels_; ++c) {
    const ChannelBlockStats s = block_stats(block.channel[c], block.frames);
    if (frames_ == 0) {
      max_[c] = s.max;
      min_[c] = s.min;
    } else {
      max_[c] = std::max<double>(max_[c], s.max);
      min_[c] = std::min<double>(min_[c], s.min);
    }
    peak_[c] = std::max(std::abs(max_[c]), std::abs(min_[c]));
    sum_[c] += s.sum;
    sum_squares_[c] += s.sum_squares;
    zeros_[c] += s.zeros;
    sums.sum[c] = s.sum;
    sums.sum_squares[c] = s.sum_squares;
    sums.zeros[c] = s.zeros;
    sums.max[c] = s.max;
    sums.min[c] = s.min;
  }
  for (int a = 0; a < channels_; ++a) {
    for (int b = a + 1; b < channels_; ++b) {
      cross_[a][b] += block_dot(block.channel[a], block.channel[b], block.frames);
    }
  }
  frames_ += block.frames;
  return sums;
}

double ChannelStats::mean(int c) const { return frames_ ? sum_[c] / static_cast<double>(frames_) : 0.0; }

double ChannelStats::mean_square(int c) const {
  return frames_ ? sum_squares_[c] / static_cast<double>(frames_) : 0.0;
}

double ChannelStats::ac_power(int c) const {
  const double m = mean(c);
  return std::max(0.0, mean_square(c) - m * m);
}

double ChannelStats::correlation(int a, int b) const {
  if (a > b) std::swap(a, b);
  const double n = static_cast<double>(frames_);
  if (n == 0) return std::numeric_limits<double>::quiet_NaN();
  const double covariance = cross_[a][b] / n - mean(a) * mean(b);
  const double denominator = std::sqrt(ac_power(a) * ac_power(b));
  if (!(denominator > 1e-20)) return std::numeric_limits<double>::quiet_NaN();
  return std::clamp(covariance / denominator, -1.0, 1.0);
}

}  // namespace micdoctor
