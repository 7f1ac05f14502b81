#pragma once
// Effective upper band edge: the highest frequency where the long-term
// spectrum of the loud (speech) frames still carries content within 50 dB of
// its strongest band. Full-rate spectra are taken from a sample of the
// frames (all of the first ones, then one in 32), which keeps the cost
// small on long recordings without losing the answer.
#include <cstdint>
#include <optional>
#include <vector>

#include "analysis/real_fft.hpp"
#include "analysis/speech_activity.hpp"

namespace micdoctor {

class BandwidthEstimator {
 public:
  BandwidthEstimator(int sample_rate, std::size_t frame_frames);

  // Counts every frame; `mono` (the full-rate mix) is read only for the
  // frames it samples.
  void add(const float* mono, std::size_t frames, FrameClass frame_class);
  std::optional<double> band_edge_hz() const;

 private:
  struct Accumulator {
    std::vector<double> power;
    std::uint64_t seen = 0, used = 0;
  };
  static bool sampled(std::uint64_t index);

  int sample_rate_;
  int size_;
  PowerSpectrumFft fft_;  // a power of two: the fast radix-2 transform
  std::vector<float> window_, windowed_, power_;
  Accumulator loud_, all_;
};

}  // namespace micdoctor
