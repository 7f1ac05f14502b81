#include "analysis/k_weighting.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numbers>
#include <stdexcept>

#include "analysis/cpu_features.hpp"
#if MICDOCTOR_X86
#include <immintrin.h>
#endif

namespace micdoctor {
namespace {

// One sample through both sections; returns the output, updates the state.
inline double step(const std::array<Biquad, 2>& k, KState& s, double x) {
  const Biquad& a = k[0];
  const Biquad& b = k[1];
  const double y = a.b0 * x + s[0];
  s[0] = a.b1 * x - a.a1 * y + s[1];
  s[1] = a.b2 * x - a.a2 * y;
  const double z = b.b0 * y + s[2];
  s[2] = b.b1 * y - b.a1 * z + s[3];
  s[3] = b.b2 * y - b.a2 * z;
  return z;
}

constexpr int kLanes = kKWeightingLanes;
constexpr int kPerRegister = 8;  // floats in one AVX register

struct LaneSums {
  float energy[kLanes];
  float correlation[kLanes][4];  // [lane][state component]: sum zs[n] * (C A^n)[component]
  float end[kLanes][4];          // each lane's zero-state end state
};

using V8 = float __attribute__((vector_size(32)));

// The filter in single precision. The high-pass has its poles close to
// z = 1, where a1 and a2 rounded to float (near -2 and 1) would move its
// response at low frequencies by up to a few tenths of a percent. So it is
// kept as the poles' small distances from there, which float holds to 1e-7
// of themselves: a1 = -2 + d1, a2 = 1 - d2. With its numerator exactly
// 1 - 2z^-1 + z^-2 and z = y + t0, transposed direct form II becomes
//   t0' = (2 t0 + t1) - d1 z,   t1' = d2 z - t0.
// The shelf's poles sit farther in; rounding its coefficients moves the
// energy of white noise by 7e-5 at 192 kHz, 2e-6 at 48 kHz, so it keeps the
// plain form (the same trick there would put a third operation on its chain).
using FloatFilter = KWeightingFloat;

// One group of eight lanes' filter state.
struct LaneState {
  V8 s0{}, s1{}, t0{}, t1{};
};

__attribute__((always_inline)) inline void lane_step(const FloatFilter& f, LaneState& g, const V8& x, V8& z) {
  // The terms without y (or z) are added first: only two operations per
  // section stand on the chain from one sample to the next.
  const V8 y = f.b0 * x + g.s0;
  g.s0 = (f.b1 * x + g.s1) - f.a1 * y;
  g.s1 = f.b2 * x - f.a2 * y;
  z = y + g.t0;
  const V8 t0 = (2.0f * g.t0 + g.t1) - f.d1 * z;
  g.t1 = f.d2 * z - g.t0;
  g.t0 = t0;
}

// The lanes' zero-state pass, in two loops so that each keeps its values in
// registers: the filter (two groups of eight lanes interleaved, so that each
// group's chain overlaps the other's) writes its output over its input, then
// the sums are taken from it. Inlined as the portable path and into an AVX2 copy.
__attribute__((always_inline)) inline void lane_pass(const FloatFilter& filter, float* xt, std::size_t length,
                                                     const std::array<float, 4>* c_a_n, LaneSums& out) {
  // A local copy: the stores into xt (floats too) could otherwise alias the
  // coefficients, and the loop would load all seven again for every sample.
  const FloatFilter f = filter;
  LaneState first, second;
  for (std::size_t n = 0; n < length; ++n) {
    float* at = xt + kLanes * n;
    V8 x0, x1;
    std::memcpy(&x0, at, sizeof x0);
    std::memcpy(&x1, at + kPerRegister, sizeof x1);
    V8 z0, z1;
    lane_step(f, first, x0, z0);
    lane_step(f, second, x1, z1);
    std::memcpy(at, &z0, sizeof z0);
    std::memcpy(at + kPerRegister, &z1, sizeof z1);
  }
  V8 energy[2]{}, correlation[2][4]{};
  for (std::size_t n = 0; n < length; ++n) {
    const std::array<float, 4>& h = c_a_n[n];
    for (std::size_t k = 0; k < 2; ++k) {
      V8 z;
      std::memcpy(&z, xt + kLanes * n + kPerRegister * k, sizeof z);
      energy[k] += z * z;
      for (std::size_t j = 0; j < 4; ++j) correlation[k][j] += z * h[j];
    }
  }
  for (int lane = 0; lane < kLanes; ++lane) {
    const auto k = static_cast<std::size_t>(lane / kPerRegister);
    const LaneState& g = k == 0 ? first : second;
    const int i = lane % kPerRegister;
    out.energy[lane] = energy[k][i];
    for (std::size_t j = 0; j < 4; ++j) out.correlation[lane][j] = correlation[k][j][i];
    out.end[lane][0] = g.s0[i];
    out.end[lane][1] = g.s1[i];
    out.end[lane][2] = g.t0[i];
    out.end[lane][3] = g.t1[i];
  }
}

#if MICDOCTOR_X86
MICDOCTOR_TARGET_AVX2 void lane_pass_avx2(const FloatFilter& f, float* xt, std::size_t length,
                                          const std::array<float, 4>* c_a_n, LaneSums& out) {
  lane_pass(f, xt, length, c_a_n, out);
}
#endif

using LaneOffsets = std::array<float, kLanes>;

// Lane-interleave a span, less each lane's offset: out[16 n + lane] = x[lane * length + n] - offset[lane].
void transpose_generic(const float* x, std::size_t length, const LaneOffsets& offset, float* out) {
  for (std::size_t n = 0; n < length; ++n, out += kLanes)
    for (std::size_t lane = 0; lane < kLanes; ++lane) out[lane] = x[lane * length + n] - offset[lane];
}

#if MICDOCTOR_X86
// The same, eight samples of eight lanes at a time: 8x8 transposes in registers.
static_assert(kLanes == 2 * kPerRegister, "transpose_avx2 moves two blocks of 8 lanes");
MICDOCTOR_TARGET_AVX2 void transpose_avx2(const float* x, std::size_t length, const LaneOffsets& offset,
                                          float* out) {
  std::size_t n = 0;
  for (; n + 8 <= length; n += 8) {
    for (std::size_t half = 0; half < 2; ++half) {
      const float* from = x + half * 8 * length + n;
      __m256 r[8];
      for (std::size_t lane = 0; lane < 8; ++lane)
        r[lane] = _mm256_sub_ps(_mm256_loadu_ps(from + lane * length), _mm256_set1_ps(offset[half * 8 + lane]));
      const __m256 t0 = _mm256_unpacklo_ps(r[0], r[1]), t1 = _mm256_unpackhi_ps(r[0], r[1]);
      const __m256 t2 = _mm256_unpacklo_ps(r[2], r[3]), t3 = _mm256_unpackhi_ps(r[2], r[3]);
      const __m256 t4 = _mm256_unpacklo_ps(r[4], r[5]), t5 = _mm256_unpackhi_ps(r[4], r[5]);
      const __m256 t6 = _mm256_unpacklo_ps(r[6], r[7]), t7 = _mm256_unpackhi_ps(r[6], r[7]);
      const __m256 u0 = _mm256_shuffle_ps(t0, t2, 0x44), u1 = _mm256_shuffle_ps(t0, t2, 0xEE);
      const __m256 u2 = _mm256_shuffle_ps(t1, t3, 0x44), u3 = _mm256_shuffle_ps(t1, t3, 0xEE);
      const __m256 u4 = _mm256_shuffle_ps(t4, t6, 0x44), u5 = _mm256_shuffle_ps(t4, t6, 0xEE);
      const __m256 u6 = _mm256_shuffle_ps(t5, t7, 0x44), u7 = _mm256_shuffle_ps(t5, t7, 0xEE);
      const __m256 rows[8] = {_mm256_permute2f128_ps(u0, u4, 0x20), _mm256_permute2f128_ps(u1, u5, 0x20),
                              _mm256_permute2f128_ps(u2, u6, 0x20), _mm256_permute2f128_ps(u3, u7, 0x20),
                              _mm256_permute2f128_ps(u0, u4, 0x31), _mm256_permute2f128_ps(u1, u5, 0x31),
                              _mm256_permute2f128_ps(u2, u6, 0x31), _mm256_permute2f128_ps(u3, u7, 0x31)};
      for (std::size_t i = 0; i < 8; ++i) _mm256_storeu_ps(out + kLanes * (n + i) + half * 8, rows[i]);
    }
  }
  for (; n < length; ++n)
    for (std::size_t lane = 0; lane < kLanes; ++lane) out[kLanes * n + lane] = x[lane * length + n] - offset[lane];
}
#endif

// The offset to take out of each lane: the mean of a few samples spread over
// it. It need not be exact, only close to what dominates the lane when that
// is DC or a slow swell far below the high-pass (wind, handling noise).
LaneOffsets lane_offsets(const float* x, std::size_t lane_length) {
  constexpr std::size_t kProbes = 8;
  const std::size_t stride = std::max<std::size_t>(1, lane_length / kProbes);
  LaneOffsets offsets{};
  for (std::size_t lane = 0; lane < kLanes; ++lane) {
    float sum = 0;
    std::size_t count = 0;
    for (std::size_t i = 0; i < lane_length; i += stride, ++count) sum += x[lane * lane_length + i];
    offsets[lane] = sum / static_cast<float>(count);
  }
  return offsets;
}

using Matrix = std::array<std::array<double, 4>, 4>;

Matrix multiply(const Matrix& p, const Matrix& q) {
  Matrix r{};
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 4; ++j)
      for (int m = 0; m < 4; ++m) r[i][j] += p[i][m] * q[m][j];
  return r;
}

Matrix power(Matrix base, std::size_t exponent) {
  Matrix result{};
  for (int i = 0; i < 4; ++i) result[i][i] = 1.0;
  while (exponent) {
    if (exponent & 1) result = multiply(result, base);
    base = multiply(base, base);
    exponent >>= 1;
  }
  return result;
}

KState apply(const Matrix& m, const KState& s) {
  KState r{};
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 4; ++j) r[i] += m[i][j] * s[j];
  return r;
}

double quadratic(const Matrix& g, const KState& s) {
  double sum = 0;
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 4; ++j) sum += s[i] * g[i][j] * s[j];
  return sum;
}

}  // namespace

std::array<Biquad, 2> k_weighting_sections(double rate) {
  std::array<Biquad, 2> k{};
  {
    const double f0 = 1681.974450955533, gain_db = 3.999843853973347, q = 0.7071752369554196;
    const double w = std::tan(std::numbers::pi * f0 / rate);
    const double vh = std::pow(10.0, gain_db / 20.0);
    const double vb = std::pow(vh, 0.4996667741545416);
    const double a0 = 1.0 + w / q + w * w;
    k[0] = {(vh + vb * w / q + w * w) / a0, 2.0 * (w * w - vh) / a0, (vh - vb * w / q + w * w) / a0,
            2.0 * (w * w - 1.0) / a0, (1.0 - w / q + w * w) / a0};
  }
  {
    const double f0 = 38.13547087602444, q = 0.5003270373238773;
    const double w = std::tan(std::numbers::pi * f0 / rate);
    const double a0 = 1.0 + w / q + w * w;
    k[1] = {1.0, -2.0, 1.0, 2.0 * (w * w - 1.0) / a0, (1.0 - w / q + w * w) / a0};
  }
  return k;
}

std::array<Biquad, 2> call_band_sections(double rate) {
  constexpr double kSqrt2 = std::numbers::sqrt2;
  const double wh = std::tan(std::numbers::pi * kCallBandLowHz / rate);
  const double ah = 1.0 + kSqrt2 * wh + wh * wh;
  std::array<Biquad, 2> band{};
  // The high-pass's gain 1/ah goes into the first section, its numerator stays 1, -2, 1.
  band[1] = {1.0, -2.0, 1.0, 2.0 * (wh * wh - 1.0) / ah, (1.0 - kSqrt2 * wh + wh * wh) / ah};
  if (rate > 2.2 * kCallBandHighHz) {
    const double wl = std::tan(std::numbers::pi * kCallBandHighHz / rate);
    const double al = 1.0 + kSqrt2 * wl + wl * wl;
    const double g = wl * wl / al / ah;
    band[0] = {g, 2.0 * g, g, 2.0 * (wl * wl - 1.0) / al, (1.0 - kSqrt2 * wl + wl * wl) / al};
  } else {
    band[0] = {1.0 / ah, 0.0, 0.0, 0.0, 0.0};
  }
  return band;
}

double k_weighted_energy_reference(const std::array<Biquad, 2>& sections, KState& state, const float* x,
                                   std::size_t n) {
  double energy = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double z = step(sections, state, x[i]);
    energy += z * z;
  }
  return energy;
}

namespace {

FloatFilter float_filter(const std::array<Biquad, 2>& k) {
  if (k[1].b0 != 1.0 || k[1].b1 != -2.0 || k[1].b2 != 1.0) throw std::logic_error("K-weighting: unexpected high-pass");
  const Biquad& shelf = k[0];
  auto f = [](double v) { return static_cast<float>(v); };
  return {f(shelf.b0), f(shelf.b1), f(shelf.b2), f(shelf.a1), f(shelf.a2), f(k[1].a1 + 2.0), f(1.0 - k[1].a2)};
}

// The sections exactly as the float lanes compute them (every sum here is
// exact in double), so that the double-precision bookkeeping describes the
// same filter.
std::array<Biquad, 2> as_computed(const FloatFilter& f) {
  return {Biquad{f.b0, f.b1, f.b2, f.a1, f.a2}, Biquad{1.0, -2.0, 1.0, f.d1 - 2.0, 1.0 - f.d2}};
}

// The state both sections settle in under a constant input of 1: the shelf
// passes DC with gain g, the high-pass none.
KState steady_state_for_dc(const std::array<Biquad, 2>& k) {
  const Biquad& shelf = k[0];
  const double g = (shelf.b0 + shelf.b1 + shelf.b2) / (1.0 + shelf.a1 + shelf.a2);
  const double s1 = shelf.b2 - shelf.a2 * g;
  const double s0 = shelf.b1 - shelf.a1 * g + s1;
  const double t1 = k[1].b2 * g;
  const double t0 = k[1].b1 * g + t1;
  return {s0, s1, t0, t1};
}

}  // namespace

KWeightingEnergy::KWeightingEnergy(double sample_rate, std::size_t span, bool allow_simd)
    : KWeightingEnergy(k_weighting_sections(sample_rate), span, allow_simd) {}

KWeightingEnergy::KWeightingEnergy(const std::array<Biquad, 2>& sections, std::size_t span, bool allow_simd)
    : filter_(float_filter(sections)),
      sections_(as_computed(filter_)),
      span_(span),
      lane_(span / kLanes) {
  if (lane_ == 0) throw std::invalid_argument("KWeightingEnergy: span too short");
  // The state-space form, read off the filter itself: A's columns are the
  // next state from each unit state with no input; C the outputs.
  std::array<double, 4> c{};
  for (int j = 0; j < 4; ++j) {
    KState s{};
    s[static_cast<std::size_t>(j)] = 1.0;
    c[static_cast<std::size_t>(j)] = step(sections_, s, 0.0);
    for (int i = 0; i < 4; ++i) a_[i][j] = s[static_cast<std::size_t>(i)];
  }
  const std::size_t last = span_ - lane_ * (kLanes - 1);
  c_a_n_.resize(last);
  c_a_n_float_.resize(last);
  std::array<double, 4> row = c;
  for (std::size_t n = 0; n < last; ++n) {
    c_a_n_[n] = row;
    for (std::size_t j = 0; j < 4; ++j) c_a_n_float_[n][j] = static_cast<float>(row[j]);
    std::array<double, 4> next{};
    for (int j = 0; j < 4; ++j)
      for (int m = 0; m < 4; ++m) next[j] += row[m] * a_[m][j];
    row = next;
  }
  for (std::size_t n = 0; n < last; ++n) {
    for (int i = 0; i < 4; ++i)
      for (int j = 0; j < 4; ++j) {
        const double term = c_a_n_[n][i] * c_a_n_[n][j];
        if (n < lane_) gram_lane_[i][j] += term;
        gram_last_[i][j] += term;
      }
  }
  a_lane_ = power(a_, lane_);
  a_last_ = power(a_, last);
  dc_state_ = steady_state_for_dc(sections_);
  transposed_.resize(kLanes * lane_);
  use_avx2_ = allow_simd && cpu::has_avx2();
}

double KWeightingEnergy::energy(const float* x, KState& state) {
  const LaneOffsets offset = lane_offsets(x, lane_);
  LaneSums sums{};
#if MICDOCTOR_X86
  if (use_avx2_) {
    transpose_avx2(x, lane_, offset, transposed_.data());
    lane_pass_avx2(filter_, transposed_.data(), lane_, c_a_n_float_.data(), sums);
  }
#endif
  if (!use_avx2_) {
    transpose_generic(x, lane_, offset, transposed_.data());
    lane_pass(filter_, transposed_.data(), lane_, c_a_n_float_.data(), sums);
  }
  // The last lane also takes the samples left over by an uneven split, in double.
  KState tail{};
  for (std::size_t j = 0; j < 4; ++j) tail[j] = sums.end[kLanes - 1][j];
  double tail_energy = sums.energy[kLanes - 1];
  std::array<double, 4> tail_correlation{};
  for (std::size_t j = 0; j < 4; ++j) tail_correlation[j] = sums.correlation[kLanes - 1][j];
  for (std::size_t n = lane_; n < c_a_n_.size(); ++n) {
    const double z = step(sections_, tail, static_cast<double>(x[(kLanes - 1) * lane_ + n] - offset[kLanes - 1]));
    tail_energy += z * z;
    for (std::size_t j = 0; j < 4; ++j) tail_correlation[j] += z * c_a_n_[n][j];
  }
  // Put each lane's true starting state back in, in order. A lane's input
  // had its offset taken out, so its start state loses the offset's steady
  // state, which its end state gets back.
  double total = 0;
  KState start = state;
  for (int lane = 0; lane < kLanes; ++lane) {
    const bool last = lane == kLanes - 1;
    const double c = offset[static_cast<std::size_t>(lane)];
    for (std::size_t j = 0; j < 4; ++j) start[j] -= c * dc_state_[j];
    double cross = 0;
    for (std::size_t j = 0; j < 4; ++j) cross += start[j] * (last ? tail_correlation[j] : sums.correlation[lane][j]);
    const double zero_state_energy = last ? tail_energy : sums.energy[lane];
    total += zero_state_energy + 2.0 * cross + quadratic(last ? gram_last_ : gram_lane_, start);
    const KState carried = apply(last ? a_last_ : a_lane_, start);
    for (std::size_t j = 0; j < 4; ++j) start[j] = carried[j] + (last ? tail[j] : sums.end[lane][j]) + c * dc_state_[j];
  }
  state = start;
  return std::max(0.0, total);
}

}  // namespace micdoctor
