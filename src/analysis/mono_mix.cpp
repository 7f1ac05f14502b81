#include "analysis/mono_mix.hpp"

#include <algorithm>

#include "analysis/cpu_features.hpp"
#if MICDOCTOR_X86
#include <immintrin.h>
#endif

namespace micdoctor {
namespace {

__attribute__((always_inline)) inline void mix_body(const PlanarBlock& block, const float* gain, std::size_t frames,
                                                    float* out) {
  const float* x0 = block.channel[0];
  const float g0 = gain[0];
#pragma omp simd
  for (std::size_t i = 0; i < frames; ++i) out[i] = g0 * x0[i];
  for (int c = 1; c < block.channels; ++c) {
    const float* x = block.channel[c];
    const float g = gain[c];
#pragma omp simd
    for (std::size_t i = 0; i < frames; ++i) out[i] += g * x[i];
  }
}

void boxcar_generic(const float* x, std::size_t count, int d, float scale, float* out) {
  for (std::size_t j = 0; j < count; ++j) {
    const float* from = x + j * static_cast<std::size_t>(d);
    float sum = 0;
    for (int k = 0; k < d; ++k) sum += from[k];
    out[j] = sum * scale;
  }
}

#if MICDOCTOR_X86
MICDOCTOR_TARGET_AVX2 void mix_avx2(const PlanarBlock& block, const float* gain, std::size_t frames, float* out) {
  mix_body(block, gain, frames, out);
}

// The d samples of one output, as a register whose lanes sum to their total.
// A partial last load is masked, and never reads past x + d.
MICDOCTOR_TARGET_AVX2 inline __m256 chunk_sum(const float* x, int d, __m256i tail_mask) {
  __m256 sum = _mm256_setzero_ps();
  int k = 0;
  for (; k + 8 <= d; k += 8) sum = _mm256_add_ps(sum, _mm256_loadu_ps(x + k));
  if (k < d) sum = _mm256_add_ps(sum, _mm256_maskload_ps(x + k, tail_mask));
  return sum;
}

// Eight outputs at a time: each output's lanes are summed across, and the
// eight horizontal sums land in one register (a tree of hadds).
MICDOCTOR_TARGET_AVX2 void boxcar_avx2(const float* x, std::size_t count, int d, float scale, float* out) {
  int mask_bits[8];  // unaligned access: MinGW does not align the stack to 32 bytes
  for (int i = 0; i < 8; ++i) mask_bits[i] = i < d % 8 ? -1 : 0;
  const __m256i tail_mask = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(mask_bits));
  const __m256 gain = _mm256_set1_ps(scale);
  const auto step = static_cast<std::size_t>(d);
  std::size_t j = 0;
  for (; j + 8 <= count; j += 8) {
    __m256 s[8];
    for (std::size_t r = 0; r < 8; ++r) s[r] = chunk_sum(x + (j + r) * step, d, tail_mask);
    const __m256 h01 = _mm256_hadd_ps(s[0], s[1]), h23 = _mm256_hadd_ps(s[2], s[3]);
    const __m256 h45 = _mm256_hadd_ps(s[4], s[5]), h67 = _mm256_hadd_ps(s[6], s[7]);
    const __m256 h0123 = _mm256_hadd_ps(h01, h23), h4567 = _mm256_hadd_ps(h45, h67);
    const __m256 sums = _mm256_add_ps(_mm256_permute2f128_ps(h0123, h4567, 0x20),
                                      _mm256_permute2f128_ps(h0123, h4567, 0x31));
    _mm256_storeu_ps(out + j, _mm256_mul_ps(sums, gain));
  }
  if (j < count) boxcar_generic(x + j * step, count - j, d, scale, out + j);
}
#endif

}  // namespace

void mix_to_mono(const PlanarBlock& block, const float* gain, std::size_t frames, float* out) {
#if MICDOCTOR_X86
  if (cpu::has_avx2()) return mix_avx2(block, gain, frames, out);
#endif
  mix_body(block, gain, frames, out);
}

void boxcar_decimate(const float* x, std::size_t count, int d, float scale, float* out) {
#if MICDOCTOR_X86
  if (cpu::has_avx2()) return boxcar_avx2(x, count, d, scale, out);
#endif
  boxcar_generic(x, count, d, scale, out);
}

}  // namespace micdoctor
