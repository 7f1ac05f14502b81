// The analysis windows, shared by both RealFft implementations.
#include <cmath>
#include <numbers>
#include <vector>

#include "analysis/real_fft.hpp"

namespace micdoctor {

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
