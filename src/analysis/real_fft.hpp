#pragma once
// A real-input FFT of fixed size that returns the one-sided power spectrum.
// Owns its kissfft plan (RAII); not copyable, movable.
#include <memory>
#include <vector>

struct kiss_fftr_state;
struct kiss_fft_state;

namespace micdoctor {

class RealFft {
 public:
  explicit RealFft(int size);  // any size >= 2; even sizes are faster
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
  kiss_fftr_state* plan_ = nullptr;      // even sizes: the real transform
  kiss_fft_state* odd_plan_ = nullptr;   // odd sizes: a complex transform
  struct Scratch;
  std::unique_ptr<Scratch> scratch_;
};

// Periodic Hann window.
std::vector<float> hann_window(int size);
// Periodic 4-term Blackman-Harris window: sidelobes under -92 dB, so a loud
// low tone (mains hum) cannot leak into the bins of the speech band.
std::vector<float> blackman_harris_window(int size);

}  // namespace micdoctor
