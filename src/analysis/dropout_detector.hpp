#pragma once
// Counts dropouts: gaps of exact digital zeros (all channels) of 20 ms or
// more that cut into active signal. A gap counts only when the audio right
// before it is loud: a signal that fades out into digital silence (a noise
// gate closing, the end of a phrase) is a pause, not a dropout.
#include <array>
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
  // Mean square over all channels of the edge before a gap that started at
  // `gap_start` (may be negative: it reaches into the kept tail).
  double power_before(const PlanarBlock& block, std::ptrdiff_t gap_start) const;
  void keep_tail(const PlanarBlock& block);
  void end_gap();
  // The first frame at or after `from` that is (or is not) silent; n if none.
  std::size_t next_frame(std::size_t from, std::size_t n, bool silent) const;

  int channels_;
  std::uint64_t min_gap_frames_;
  std::size_t edge_frames_;          // how much audio before a gap is judged
  std::uint64_t dropouts_ = 0;
  bool seen_signal_ = false;
  std::uint64_t gap_frames_ = 0;     // length of the zero run in progress
  bool gap_cut_signal_ = false;      // the run in progress is long and cut active sound
  bool edge_known_ = false;          // edge_power_ holds the power before the open run
  double edge_power_ = 0;
  std::vector<std::uint64_t> silent_;  // one bit per frame of the block: all channels zero
  // The last edge_frames_ of the previous block, per channel, oldest first:
  // a run starting early in a block is judged on audio from the one before.
  std::array<std::vector<float>, kMaxChannels> tail_;
};

}  // namespace micdoctor
