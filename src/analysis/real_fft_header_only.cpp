// RealFft on KissFFT's header-only C++ form (kissfft/kissfft.hh, from the same
// Debian package as the C library). The Windows build uses it: Debian ships
// the compiled C library for Linux only, and the header needs no library at
// all. Same algorithm, same results to float rounding; a plain complex
// transform of the real input (simpler, about half the speed of the packed
// real transform, which is a small share of the analysis).
#include <kissfft/kissfft.hh>

#include <complex>
#include <stdexcept>

#include "analysis/real_fft.hpp"

namespace micdoctor {

struct RealFft::Scratch {
  explicit Scratch(int size) : fft(static_cast<std::size_t>(size), false), input(static_cast<std::size_t>(size)),
                               spectrum(static_cast<std::size_t>(size)) {}
  kissfft<float> fft;
  std::vector<std::complex<float>> input;
  std::vector<std::complex<float>> spectrum;
};

RealFft::RealFft(int size) : size_(size) {
  if (size < 2) throw std::invalid_argument("RealFft: size must be >= 2");
  scratch_ = std::make_unique<Scratch>(size);
}

RealFft::~RealFft() = default;
RealFft::RealFft(RealFft&& other) noexcept : size_(other.size_), scratch_(std::move(other.scratch_)) {}
RealFft& RealFft::operator=(RealFft&& other) noexcept {
  size_ = other.size_;
  scratch_ = std::move(other.scratch_);
  return *this;
}

void RealFft::power_spectrum(const float* input, float* power) {
  for (int i = 0; i < size_; ++i) scratch_->input[static_cast<std::size_t>(i)] = {input[i], 0.0f};
  scratch_->fft.transform(scratch_->input.data(), scratch_->spectrum.data());
  for (int k = 0; k < bins(); ++k) power[k] = std::norm(scratch_->spectrum[static_cast<std::size_t>(k)]);
}

}  // namespace micdoctor
