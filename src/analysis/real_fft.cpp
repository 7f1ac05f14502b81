#include "analysis/real_fft.hpp"

#include <kissfft/kiss_fftr.h>

#include <cmath>
#include <numbers>
#include <stdexcept>

namespace micdoctor {

struct RealFft::Scratch {
  std::vector<kiss_fft_cpx> spectrum;
};

RealFft::RealFft(int size) : size_(size), scratch_(std::make_unique<Scratch>()) {
  // kissfft's real transform needs an even size.
  if (size < 2 || size % 2 != 0) throw std::invalid_argument("RealFft: size must be even and >= 2");
  plan_ = kiss_fftr_alloc(size, 0, nullptr, nullptr);
  if (plan_ == nullptr) throw std::runtime_error("RealFft: out of memory");
  scratch_->spectrum.resize(static_cast<size_t>(bins()));
}

RealFft::~RealFft() { kiss_fftr_free(plan_); }

RealFft::RealFft(RealFft&& other) noexcept
    : size_(other.size_), plan_(other.plan_), scratch_(std::move(other.scratch_)) {
  other.plan_ = nullptr;
}

RealFft& RealFft::operator=(RealFft&& other) noexcept {
  if (this != &other) {
    kiss_fftr_free(plan_);
    size_ = other.size_;
    plan_ = other.plan_;
    scratch_ = std::move(other.scratch_);
    other.plan_ = nullptr;
  }
  return *this;
}

void RealFft::power_spectrum(const float* input, float* power) {
  kiss_fftr(plan_, input, scratch_->spectrum.data());
  for (int k = 0; k < bins(); ++k) {
    const kiss_fft_cpx& c = scratch_->spectrum[static_cast<size_t>(k)];
    power[k] = c.r * c.r + c.i * c.i;
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

}  // namespace micdoctor
