#include "analysis/channel_stats.hpp"

#include "analysis/cpu_features.hpp"
#if MICDOCTOR_X86
#include <immintrin.h>
#endif

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
MICDOCTOR_TARGET_AVX2 inline float sum_lanes(__m256 v) {
  float lanes[8];  // unaligned access: MinGW does not align the stack to 32 bytes
  _mm256_storeu_ps(lanes, v);
  return ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) + ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7]));
}

// Two independent sets of accumulators, sixteen samples a step: one set
// would make every step wait for the previous step's additions.
MICDOCTOR_TARGET_AVX2 ChannelBlockStats block_stats_avx2(const float* x, std::size_t n) {
  const std::size_t whole = n - n % 16;
  if (whole == 0) return block_stats_body(x, n);
  __m256 sum[2] = {_mm256_setzero_ps(), _mm256_setzero_ps()};
  __m256 squares[2] = {_mm256_setzero_ps(), _mm256_setzero_ps()};
  __m256 max[2] = {_mm256_loadu_ps(x), _mm256_loadu_ps(x)};
  __m256 min[2] = {max[0], max[0]};
  __m256i zeros[2] = {_mm256_setzero_si256(), _mm256_setzero_si256()};
  const __m256 zero = _mm256_setzero_ps();
  for (std::size_t i = 0; i < whole; i += 16) {
    for (std::size_t k = 0; k < 2; ++k) {
      const __m256 v = _mm256_loadu_ps(x + i + 8 * k);
      sum[k] = _mm256_add_ps(sum[k], v);
      squares[k] = _mm256_fmadd_ps(v, v, squares[k]);
      max[k] = _mm256_max_ps(max[k], v);
      min[k] = _mm256_min_ps(min[k], v);
      // A lane that compares equal is all ones, -1 as an integer.
      zeros[k] = _mm256_sub_epi32(zeros[k], _mm256_castps_si256(_mm256_cmp_ps(v, zero, _CMP_EQ_OQ)));
    }
  }
  ChannelBlockStats total = block_stats_body(x + whole, n - whole);
  total.sum += sum_lanes(_mm256_add_ps(sum[0], sum[1]));
  total.sum_squares += sum_lanes(_mm256_add_ps(squares[0], squares[1]));
  float highest[8], lowest[8];
  _mm256_storeu_ps(highest, _mm256_max_ps(max[0], max[1]));
  _mm256_storeu_ps(lowest, _mm256_min_ps(min[0], min[1]));
  std::uint32_t zero_counts[8];
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(zero_counts), _mm256_add_epi32(zeros[0], zeros[1]));
  for (int lane = 0; lane < 8; ++lane) {
    total.max = std::max(total.max, highest[lane]);
    total.min = std::min(total.min, lowest[lane]);
    total.zeros += zero_counts[lane];
  }
  return total;
}

MICDOCTOR_TARGET_AVX2 float block_dot_avx2(const float* a, const float* b, std::size_t n) {
  const std::size_t whole = n - n % 32;
  __m256 dot[4] = {_mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps()};
  for (std::size_t i = 0; i < whole; i += 32) {
    for (std::size_t k = 0; k < 4; ++k) {
      dot[k] = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 8 * k), _mm256_loadu_ps(b + i + 8 * k), dot[k]);
    }
  }
  return sum_lanes(_mm256_add_ps(_mm256_add_ps(dot[0], dot[1]), _mm256_add_ps(dot[2], dot[3]))) +
         block_dot_body(a + whole, b + whole, n - whole);
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
