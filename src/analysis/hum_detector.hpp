#pragma once
// Mains hum (50 or 60 Hz and harmonics) by synchronous averaging.
//
// The decimated mono mix of the quiet frames (pauses, where hum is easiest to
// hear) is folded onto a period that both 50 Hz and 60 Hz divide (100 ms, or a
// multiple of it at odd rates). Anything periodic at the mains frequency adds
// up coherently; speech and noise average out. Once a segment (1 s or more) has
// covered every position, the folded waveform is transformed; its bins sit at multiples of 10 Hz, so the hum
// family bins can be compared with the neighbouring non-hum bins. Spectra
// are averaged incoherently across seconds, which tolerates the slow drift of
// real mains frequency. Memory is one period plus one spectrum.
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "analysis/real_fft.hpp"

namespace micdoctor {

struct HumResult {
  double frequency_hz = 0;  // 50 or 60
  double power = 0;         // mean square of the hum alone
};

// The fold period in decimated samples: the shortest whole number of samples
// spanning a whole number of both 50 Hz and 60 Hz periods (100 ms, or a
// multiple at odd rates). 0 when there is none under 4 s.
int mains_period_samples(int sample_rate, int decimation);

class HumDetector {
 public:
  // `decimation` is the boxcar length that produced the decimated stream.
  HumDetector(int sample_rate, int decimation);

  bool enabled() const { return period_ > 0; }
  void add(const float* decimated, int count, bool quiet);
  std::optional<HumResult> finish();

 private:
  void close_segment();

  int sample_rate_;
  int decimation_;
  double decimated_rate_;
  int period_ = 0;           // fold length in decimated samples (0: disabled)
  double bin_hz_ = 0;
  std::uint64_t position_ = 0;  // absolute decimated sample index
  std::uint64_t segment_start_ = 0;
  std::vector<double> fold_sum_;
  std::vector<std::uint32_t> fold_count_;
  std::size_t covered_ = 0;  // fold positions with at least one sample
  std::unique_ptr<RealFft> fft_;
  std::vector<float> folded_, power_;
  std::vector<double> spectrum_sum_;
  int segments_ = 0;
};

}  // namespace micdoctor
