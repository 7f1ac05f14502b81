#pragma once
// A real-input FFT of fixed size that returns the one-sided power spectrum.
// Owns its kissfft plan (RAII); not copyable, movable.
#include <memory>
#include <vector>

struct kiss_fftr_state;

namespace micdoctor {

class RealFft {
 public:
  explicit RealFft(int size);
  ~RealFft();
  RealFft(RealFft&&) noexcept;
  RealFft& operator=(RealFft&&) noexcept;
  RealFft(const RealFft&) = delete;
  RealFft& operator=(const RealFft&) = delete;

  int size() const { return size_; }
  int bins() const { return size_ / 2 + 1; }

  // |X_k|^2 for k = 0..size/2 of `input` (size() samples), written to `power`.
  void power_spectrum(const float* input, float* power);

 private:
  int size_;
  kiss_fftr_state* plan_ = nullptr;
  struct Scratch;
  std::unique_ptr<Scratch> scratch_;
};

// Periodic Hann window and the sum of its squares (for power normalisation).
std::vector<float> hann_window(int size);

}  // namespace micdoctor
