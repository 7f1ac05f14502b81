#pragma once
// Finds clipping plateaus: runs of (nearly) identical samples that sit at the
// channel's own extreme. Works for full-scale clipping and for a lower ceiling
// (clipped before a gain stage), where the waveform is flat-topped below 0 dBFS.
// A plateau must mostly sit on one sample value: a rounded or flat-topped
// waveform (hum with its third harmonic, dithered) that only stays within a
// step of itself, never on the same value twice, is not clipped.
#include <array>
#include <cstdint>
#include <vector>

#include "analysis/channel_stats.hpp"
#include "analysis/planar_block.hpp"

namespace micdoctor {

class ClippingDetector {
 public:
  ClippingDetector(int channels, int sample_rate);

  // `stats` must already include this block: its running extremes, and the
  // block's own in `sums`, let the detector skip every block with no flat
  // run near the top.
  void add(const PlanarBlock& block, const ChannelStats& stats, const BlockSums& sums);

  struct Result {
    std::uint64_t clipped_samples = 0;
    double ceiling_dbfs = 0;  // plateau level of the most clipped channel
  };
  // Needs the final per-channel extremes to know where each ceiling is.
  Result finish(const ChannelStats& stats);

 private:
  struct ChannelState {
    float previous = 0, before_previous = 0;  // the last two samples of the previous block
    float run_value = 0;
    float step_in = 0;  // how far the waveform jumped onto the current run
    std::uint32_t run_length = 0;  // 0: no run open
    std::uint32_t equal_pairs = 0;  // pairs in the run with exactly the same value
    // Samples in plateaus by plateau level, per polarity.
    std::vector<std::uint64_t> positive, negative;
  };
  void close_run(ChannelState& state, float step_out);
  int level_bin(float magnitude) const;

  int channels_;
  std::uint32_t max_run_;  // longer "plateaus" are a constant signal, not clipping
  std::array<ChannelState, kMaxChannels> state_;
};

}  // namespace micdoctor
