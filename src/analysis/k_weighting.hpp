#pragma once
// The K-weighting filter of ITU-R BS.1770 (a high shelf, then the RLB
// high-pass), and the energy of its output over a span, fast.
//
// An IIR filter is a chain: each output waits for the one before, so a
// plain loop runs at the latency of two multiply-adds per sample. Here a
// span is cut into sixteen lanes that are filtered side by side from a zero
// state (two SIMD registers hold one sample of each lane). The filter is
// linear, so each lane's true output is its zero-state output plus the
// response to the state it really starts in, z[n] = zs[n] + C A^n S. Its
// energy is then exact from three sums collected on the way:
//   sum z^2 = sum zs^2 + 2 S . sum(zs[n] (C A^n)) + S' G S,  G = sum (C A^n)'(C A^n)
// and the lanes' starting states follow one another: S' = A^L S + S_zs.
//
// The lanes run in single precision (eight per register, twice the work of
// double per instruction) and are joined in double; against the textbook
// loop in double the energy differs by a few parts per million at 48 kHz, at
// most 1e-4 (0.0004 dB) at 192 kHz. What float could not carry is a large
// offset: a lane starting from zero would see it as a step whose big
// response then cancels against the big free response. The filter passes no
// DC (the high-pass has a double zero at 1), so each lane's rough mean c is
// taken out of its input and the matching steady state c * S_dc out of its
// state, and put back after: the output, and so the energy, is the same.
// What is left is a slow swell far below the high-pass: a 0 dBFS 5 Hz
// rumble under -60 dBFS noise still reads within 0.01 dB.
#include <array>
#include <cstddef>
#include <vector>

namespace micdoctor {

struct Biquad {
  double b0, b1, b2, a1, a2;
};

// The two sections for a sample rate, from the analogue prototype (valid at any rate).
std::array<Biquad, 2> k_weighting_sections(double sample_rate);

// The band a call carries, 80 Hz to 8 kHz: a second-order Butterworth
// low-pass at 8 kHz (none when the rate is too low for it) and a
// second-order Butterworth high-pass at 80 Hz, in the same form as the
// K-weighting's (the second section's numerator is 1, -2, 1), so that
// KWeightingEnergy measures its energy as fast.
inline constexpr double kCallBandLowHz = 80.0;
inline constexpr double kCallBandHighHz = 8000.0;
std::array<Biquad, 2> call_band_sections(double sample_rate);

using KState = std::array<double, 4>;

// The filter state: shelf s1 s2, high-pass t1 t2 (transposed direct form II).
inline constexpr int kKWeightingLanes = 16;

// The textbook loop: the reference the fast path is tested against.
double k_weighted_energy_reference(const std::array<Biquad, 2>& sections, KState& state, const float* x,
                                   std::size_t n);

// The filter's coefficients as the single-precision lanes hold them (see
// k_weighting.cpp): the shelf's as they are, the high-pass's denominator as
// its distances d1, d2 from the values at z = 1.
struct KWeightingFloat {
  float b0, b1, b2, a1, a2, d1, d2;
};

class KWeightingEnergy {
 public:
  // `span` is the number of samples every call to energy() gets. With
  // `allow_simd` false the portable path runs even where AVX2 is available
  // (the tests check both).
  KWeightingEnergy(double sample_rate, std::size_t span, bool allow_simd = true);
  // Any pair of sections whose second is a high-pass with numerator 1, -2, 1
  // (for example call_band_sections()).
  KWeightingEnergy(const std::array<Biquad, 2>& sections, std::size_t span, bool allow_simd = true);

  // Sum of squares of the K-weighted `x` (span() samples), continuing from
  // `state` and leaving the filter's state after the span in it.
  double energy(const float* x, KState& state);

  std::size_t span() const { return span_; }

 private:
  using Matrix = std::array<std::array<double, 4>, 4>;

  KWeightingFloat filter_;                 // the lanes' coefficients
  std::array<Biquad, 2> sections_;         // the same filter in double
  std::size_t span_, lane_;                // lane length; the last lane also takes span % 16
  Matrix a_{};                             // state transition
  std::vector<std::array<double, 4>> c_a_n_;  // C A^n for n < lane + 15
  std::vector<std::array<float, 4>> c_a_n_float_;
  Matrix gram_lane_{}, gram_last_{};       // sum (C A^n)'(C A^n) over a lane, over the last lane
  Matrix a_lane_{}, a_last_{};             // A^lane, A^(last lane)
  KState dc_state_{};                      // the steady state under a constant input of 1
  std::vector<float> transposed_;          // lane-interleaved input, offset removed
  bool use_avx2_ = false;
};

}  // namespace micdoctor
