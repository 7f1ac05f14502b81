#include "analysis/k_weighting.hpp"

#include <cmath>
#include <cstring>
#include "analysis/cpu_features.hpp"
#if MICDOCTOR_X86
#include <immintrin.h>
#endif
#include <numbers>
#include <stdexcept>

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

struct LaneSums {
  double energy[kLanes];
  double correlation[kLanes][4];  // [lane][state component]: sum zs[n] * (C A^n)[component]
  KState end[kLanes];             // each lane's zero-state end state
};

using V4 = double __attribute__((vector_size(32)));

// One group of four lanes: the filter state and the running sums.
struct LaneGroup {
  V4 s0{}, s1{}, t0{}, t1{}, energy{}, c0{}, c1{}, c2{}, c3{};
};

__attribute__((always_inline)) inline void lane_step(const Biquad& a, const Biquad& b, LaneGroup& g, const V4& x,
                                                     const std::array<double, 4>& h) {
  const V4 y = a.b0 * x + g.s0;
  g.s0 = a.b1 * x - a.a1 * y + g.s1;
  g.s1 = a.b2 * x - a.a2 * y;
  const V4 z = b.b0 * y + g.t0;
  g.t0 = b.b1 * y - b.a1 * z + g.t1;
  g.t1 = b.b2 * y - b.a2 * z;
  g.energy += z * z;
  g.c0 += z * h[0];
  g.c1 += z * h[1];
  g.c2 += z * h[2];
  g.c3 += z * h[3];
}

// The lanes' zero-state pass. Two groups of four lanes run interleaved so
// that each group's dependency chain overlaps the other's. Inlined as the
// portable path and into an AVX2 copy.
__attribute__((always_inline)) inline void lane_pass(const std::array<Biquad, 2>& k, const double* xt,
                                                     std::size_t length, const std::array<double, 4>* c_a_n,
                                                     LaneSums& out) {
  const Biquad a = k[0], b = k[1];
  LaneGroup first, second;
  for (std::size_t n = 0; n < length; ++n) {
    V4 x0, x1;
    std::memcpy(&x0, xt + kLanes * n, sizeof x0);
    std::memcpy(&x1, xt + kLanes * n + 4, sizeof x1);
    lane_step(a, b, first, x0, c_a_n[n]);
    lane_step(a, b, second, x1, c_a_n[n]);
  }
  for (int lane = 0; lane < kLanes; ++lane) {
    const LaneGroup& g = lane < 4 ? first : second;
    const int i = lane % 4;
    out.energy[lane] = g.energy[i];
    out.correlation[lane][0] = g.c0[i];
    out.correlation[lane][1] = g.c1[i];
    out.correlation[lane][2] = g.c2[i];
    out.correlation[lane][3] = g.c3[i];
    out.end[lane] = {g.s0[i], g.s1[i], g.t0[i], g.t1[i]};
  }
}

#if MICDOCTOR_X86
MICDOCTOR_TARGET_AVX2 void lane_pass_avx2(const std::array<Biquad, 2>& k, const double* xt,
                                                        std::size_t length, const std::array<double, 4>* c_a_n,
                                                        LaneSums& out) {
  lane_pass(k, xt, length, c_a_n, out);
}
#endif

// Lane-interleave a span: out[8 n + lane] = x[lane * length + n], n < length.
void transpose_generic(const float* x, std::size_t length, double* out) {
  for (std::size_t n = 0; n < length; ++n, out += kLanes)
    for (std::size_t lane = 0; lane < kLanes; ++lane) out[lane] = x[lane * length + n];
}

#if MICDOCTOR_X86
// The same, eight samples of eight lanes at a time: an 8x8 transpose in registers.
static_assert(kLanes == 8, "transpose_avx2 moves blocks of 8 lanes");
MICDOCTOR_TARGET_AVX2 void transpose_avx2(const float* x, std::size_t length, double* out) {
  std::size_t n = 0;
  for (; n + 8 <= length; n += 8) {
    __m256 r[8];
    for (std::size_t lane = 0; lane < 8; ++lane) r[lane] = _mm256_loadu_ps(x + lane * length + n);
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
    for (std::size_t i = 0; i < 8; ++i) {
      double* to = out + kLanes * (n + i);
      _mm256_storeu_pd(to, _mm256_cvtps_pd(_mm256_castps256_ps128(rows[i])));
      _mm256_storeu_pd(to + 4, _mm256_cvtps_pd(_mm256_extractf128_ps(rows[i], 1)));
    }
  }
  for (; n < length; ++n)
    for (std::size_t lane = 0; lane < kLanes; ++lane) out[kLanes * n + lane] = x[lane * length + n];
}
#endif

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

double k_weighted_energy_reference(const std::array<Biquad, 2>& sections, KState& state, const float* x,
                                   std::size_t n) {
  double energy = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double z = step(sections, state, x[i]);
    energy += z * z;
  }
  return energy;
}

KWeightingEnergy::KWeightingEnergy(double sample_rate, std::size_t span, bool allow_simd)
    : sections_(k_weighting_sections(sample_rate)), span_(span), lane_(span / kLanes) {
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
  std::array<double, 4> row = c;
  for (std::size_t n = 0; n < last; ++n) {
    c_a_n_[n] = row;
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
  transposed_.resize(kLanes * lane_);
  use_avx2_ = allow_simd && cpu::has_avx2();
}

double KWeightingEnergy::energy(const float* x, KState& state) {
  LaneSums sums{};
#if MICDOCTOR_X86
  if (use_avx2_) {
    transpose_avx2(x, lane_, transposed_.data());
    lane_pass_avx2(sections_, transposed_.data(), lane_, c_a_n_.data(), sums);
  }
#endif
  if (!use_avx2_) {
    transpose_generic(x, lane_, transposed_.data());
    lane_pass(sections_, transposed_.data(), lane_, c_a_n_.data(), sums);
  }
  // The last lane also takes the samples left over by an uneven split.
  KState& tail = sums.end[kLanes - 1];
  for (std::size_t n = lane_; n < c_a_n_.size(); ++n) {
    const double z = step(sections_, tail, x[(kLanes - 1) * lane_ + n]);
    sums.energy[kLanes - 1] += z * z;
    for (int j = 0; j < 4; ++j) sums.correlation[kLanes - 1][j] += z * c_a_n_[n][static_cast<std::size_t>(j)];
  }
  // Put each lane's true starting state back in, in order.
  double total = 0;
  KState start = state;
  for (int lane = 0; lane < kLanes; ++lane) {
    const bool last = lane == kLanes - 1;
    double cross = 0;
    for (int j = 0; j < 4; ++j) cross += start[static_cast<std::size_t>(j)] * sums.correlation[lane][j];
    total += sums.energy[lane] + 2.0 * cross + quadratic(last ? gram_last_ : gram_lane_, start);
    const KState carried = apply(last ? a_last_ : a_lane_, start);
    for (int j = 0; j < 4; ++j) start[static_cast<std::size_t>(j)] = carried[static_cast<std::size_t>(j)] + sums.end[lane][j];
  }
  state = start;
  return total;
}

}  // namespace micdoctor
