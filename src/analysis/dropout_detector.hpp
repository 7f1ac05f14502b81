#pragma once
// Counts dropouts: gaps of exact digital zeros (all channels) of 20 ms or
// more that cut into active signal. A gap counts only when the audio right
// before it is loud: a signal that fades out into digital silence (a noise
// gate closing, the end of a phrase) is a pause, not a dropout.
#include <cstdint>
#include <vector>

#include "analysis/channel_stats.hpp"
#include "analysis/planar_block.hpp"

namespace micdoctor {

class DropoutDetector {
 public:
  DropoutDetector(int channels, int sample_rate);

  void add(const PlanarBlock& block, const BlockSums& sums);
  std::uint64_t dropouts() const { return dropouts_; }

 private:
  double frame_power(const PlanarBlock& block, std::size_t i) const;
  double power_before_gap(const PlanarBlock& block, std::size_t gap_start) const;
  void remember_tail(const PlanarBlock& block);
  void judge_after_frame(double power);

  int channels_;
  std::uint64_t min_gap_frames_;
  std::size_t edge_frames_;        // how much audio either side of a gap is judged
  std::uint64_t dropouts_ = 0;
  bool seen_signal_ = false;
  std::uint64_t gap_frames_ = 0;   // length of the zero run in progress
  double power_before_ = 0;
  bool judging_after_ = false;     // collecting the audio after a long gap
  std::size_t after_frames_ = 0;
  double after_power_sum_ = 0;
  std::vector<double> tail_power_;  // per-frame power of the previous block's end
};

}  // namespace micdoctor
