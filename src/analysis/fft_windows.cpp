// The analysis windows and the radix-2 power spectrum, shared by both RealFft implementations.
#include <cmath>
#include <numbers>
#include <stdexcept>
#include <vector>

#include "analysis/real_fft.hpp"

namespace micdoctor {

namespace {
// One stage's butterflies over a group: u, v = u + w v, u - w v. Nothing
// here overlaps, which the compiler must be told to vectorise the loop.
inline void butterflies(float* __restrict ur, float* __restrict ui, float* __restrict vr, float* __restrict vi,
                        const float* __restrict wr, const float* __restrict wi, std::size_t count) {
  for (std::size_t j = 0; j < count; ++j) {
    const float tr = vr[j] * wr[j] - vi[j] * wi[j];
    const float ti = vr[j] * wi[j] + vi[j] * wr[j];
    vr[j] = ur[j] - tr;
    vi[j] = ui[j] - ti;
    ur[j] += tr;
    ui[j] += ti;
  }
}
}  // namespace

PowerSpectrumFft::PowerSpectrumFft(int size) : half_(size / 2) {
  if (size < 8 || (size & (size - 1)) != 0) throw std::invalid_argument("PowerSpectrumFft: size must be a power of two >= 8");
  const auto m = static_cast<std::size_t>(half_);
  int bits = 0;
  while ((1 << bits) < half_) ++bits;
  bit_reversed_.resize(m);
  for (int i = 0; i < half_; ++i) {
    int r = 0;
    for (int b = 0; b < bits; ++b) r |= ((i >> b) & 1) << (bits - 1 - b);
    bit_reversed_[static_cast<std::size_t>(i)] = r;
  }
  for (std::size_t span = 1; span < m; span *= 2) {  // the stage that joins halves of 2 * span
    for (std::size_t j = 0; j < span; ++j) {
      const double phase = -std::numbers::pi * static_cast<double>(j) / static_cast<double>(span);
      twiddle_re_.push_back(static_cast<float>(std::cos(phase)));
      twiddle_im_.push_back(static_cast<float>(std::sin(phase)));
    }
  }
  for (std::size_t k = 0; k < m; ++k) {
    const double phase = -2.0 * std::numbers::pi * static_cast<double>(k) / static_cast<double>(size);
    split_re_.push_back(static_cast<float>(std::cos(phase)));
    split_im_.push_back(static_cast<float>(std::sin(phase)));
  }
  re_.resize(m);
  im_.resize(m);
  mirror_re_.resize(m);
  mirror_im_.resize(m);
}

void PowerSpectrumFft::power_spectrum(const float* input, float* power) {
  const auto m = static_cast<std::size_t>(half_);
  float* re = re_.data();
  float* im = im_.data();
  // z[n] = x[2n] + i x[2n+1], in bit-reversed order.
  for (std::size_t n = 0; n < m; ++n) {
    const auto from = static_cast<std::size_t>(bit_reversed_[n]);
    re[n] = input[2 * from];
    im[n] = input[2 * from + 1];
  }
  // The first two stages need no multiplications (twiddles 1 and -i).
  for (std::size_t g = 0; g < m; g += 4) {
    const float ar = re[g] + re[g + 1], ai = im[g] + im[g + 1];
    const float br = re[g] - re[g + 1], bi = im[g] - im[g + 1];
    const float cr = re[g + 2] + re[g + 3], ci = im[g + 2] + im[g + 3];
    const float dr = re[g + 2] - re[g + 3], di = im[g + 2] - im[g + 3];
    re[g] = ar + cr;
    im[g] = ai + ci;
    re[g + 2] = ar - cr;
    im[g + 2] = ai - ci;
    re[g + 1] = br + di;  // b + (-i) d
    im[g + 1] = bi - dr;
    re[g + 3] = br - di;
    im[g + 3] = bi + dr;
  }
  std::size_t twiddle_at = 3;  // past the stages of span 1 and 2
  for (std::size_t span = 4; span < m; twiddle_at += span, span *= 2) {
    for (std::size_t g = 0; g < m; g += 2 * span) {
      butterflies(re + g, im + g, re + g + span, im + g + span, twiddle_re_.data() + twiddle_at,
                  twiddle_im_.data() + twiddle_at, span);
    }
  }
  // The real input's spectrum from the half-size complex one:
  // X[k] = (Z[k] + conj Z[m-k]) / 2 - i e^(-2 pi i k / size) (Z[k] - conj Z[m-k]) / 2.
  // Z[m-k] first copied in reverse, so that the loop below runs forwards and vectorises.
  float* __restrict mirror_re = mirror_re_.data();
  float* __restrict mirror_im = mirror_im_.data();
  for (std::size_t k = 1; k < m; ++k) {
    mirror_re[k] = re[m - k];
    mirror_im[k] = im[m - k];
  }
  power[0] = (re[0] + im[0]) * (re[0] + im[0]);
  power[m] = (re[0] - im[0]) * (re[0] - im[0]);
  for (std::size_t k = 1; k < m; ++k) {
    const float er = 0.5f * (re[k] + mirror_re[k]), ei = 0.5f * (im[k] - mirror_im[k]);
    const float or_ = 0.5f * (im[k] + mirror_im[k]), oi = -0.5f * (re[k] - mirror_re[k]);  // (Z[k] - conj Z[m-k]) / 2i
    const float tr = or_ * split_re_[k] - oi * split_im_[k];
    const float ti = or_ * split_im_[k] + oi * split_re_[k];
    const float xr = er + tr, xi = ei + ti;
    power[k] = xr * xr + xi * xi;
  }
}

std::vector<float> hann_window(int size) {
  std::vector<float> window(static_cast<size_t>(size));
  for (int i = 0; i < size; ++i) {
    window[static_cast<size_t>(i)] =
        static_cast<float>(0.5 - 0.5 * std::cos(2.0 * std::numbers::pi * i / size));
  }
  return window;
}

std::vector<float> blackman_harris_window(int size) {
  std::vector<float> window(static_cast<std::size_t>(size));
  for (int i = 0; i < size; ++i) {
    const double x = 2.0 * std::numbers::pi * i / size;
    window[static_cast<std::size_t>(i)] = static_cast<float>(0.35875 - 0.48829 * std::cos(x) +
                                                              0.14128 * std::cos(2 * x) - 0.01168 * std::cos(3 * x));
  }
  return window;
}

}  // namespace micdoctor
