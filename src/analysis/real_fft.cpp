#include "analysis/real_fft.hpp"

#include <kissfft/kiss_fft.h>
#include <kissfft/kiss_fftr.h>

#include <stdexcept>

namespace micdoctor {

struct RealFft::Scratch {
  std::vector<kiss_fft_cpx> input;  // odd sizes only
  std::vector<kiss_fft_cpx> spectrum;
};

RealFft::RealFft(int size) : size_(size), scratch_(std::make_unique<Scratch>()) {
  if (size < 2) throw std::invalid_argument("RealFft: size must be >= 2");
  // kissfft's real transform needs an even size; odd ones go through the complex one.
  if (size % 2 == 0) {
    plan_ = kiss_fftr_alloc(size, 0, nullptr, nullptr);
    scratch_->spectrum.resize(static_cast<size_t>(bins()));
  } else {
    odd_plan_ = kiss_fft_alloc(size, 0, nullptr, nullptr);
    scratch_->input.resize(static_cast<size_t>(size));
    scratch_->spectrum.resize(static_cast<size_t>(size));
  }
  if (plan_ == nullptr && odd_plan_ == nullptr) throw std::runtime_error("RealFft: out of memory");
}

RealFft::~RealFft() {
  kiss_fftr_free(plan_);
  kiss_fft_free(odd_plan_);
}

RealFft::RealFft(RealFft&& other) noexcept
    : size_(other.size_), plan_(other.plan_), odd_plan_(other.odd_plan_), scratch_(std::move(other.scratch_)) {
  other.plan_ = nullptr;
  other.odd_plan_ = nullptr;
}

RealFft& RealFft::operator=(RealFft&& other) noexcept {
  if (this != &other) {
    kiss_fftr_free(plan_);
    kiss_fft_free(odd_plan_);
    size_ = other.size_;
    plan_ = other.plan_;
    odd_plan_ = other.odd_plan_;
    scratch_ = std::move(other.scratch_);
    other.plan_ = nullptr;
    other.odd_plan_ = nullptr;
  }
  return *this;
}

void RealFft::power_spectrum(const float* input, float* power) {
  if (odd_plan_ != nullptr) {
    for (int i = 0; i < size_; ++i) scratch_->input[static_cast<size_t>(i)] = {input[i], 0.0f};
    kiss_fft(odd_plan_, scratch_->input.data(), scratch_->spectrum.data());
  } else {
    kiss_fftr(plan_, input, scratch_->spectrum.data());
  }
  for (int k = 0; k < bins(); ++k) {
    const kiss_fft_cpx& c = scratch_->spectrum[static_cast<size_t>(k)];
    power[k] = c.r * c.r + c.i * c.i;
  }
}

}  // namespace micdoctor
