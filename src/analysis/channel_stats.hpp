#pragma once
// Exact whole-recording statistics per channel: DC, power, peak, exact zeros,
// and the cross products needed for channel correlation.
#include <array>
#include <cstdint>

#include "analysis/planar_block.hpp"

namespace micdoctor {

struct BlockSums {  // one block's per-channel sums, reused by speech activity
  std::array<double, kMaxChannels> sum{};
  std::array<double, kMaxChannels> sum_squares{};
  std::array<std::uint32_t, kMaxChannels> zeros{};
  std::array<float, kMaxChannels> max{}, min{};  // the block's own extremes
};

class ChannelStats {
 public:
  explicit ChannelStats(int channels) : channels_(channels) {}

  // Adds the block and returns its own sums.
  BlockSums add(const PlanarBlock& block);

  int channels() const { return channels_; }
  std::uint64_t frames() const { return frames_; }
  double mean(int c) const;
  double mean_square(int c) const;       // includes DC, like sox's RMS
  double ac_power(int c) const;          // variance: DC removed
  double peak(int c) const { return peak_[c]; }
  double max_value(int c) const { return max_[c]; }
  double min_value(int c) const { return min_[c]; }
  std::uint64_t zeros(int c) const { return zeros_[c]; }
  // Pearson correlation of channels a and b; nullopt-like NaN when either is constant.
  double correlation(int a, int b) const;

 private:
  int channels_;
  std::uint64_t frames_ = 0;
  std::array<double, kMaxChannels> sum_{};
  std::array<double, kMaxChannels> sum_squares_{};
  std::array<double, kMaxChannels> peak_{};
  std::array<double, kMaxChannels> max_{};
  std::array<double, kMaxChannels> min_{};
  std::array<std::uint64_t, kMaxChannels> zeros_{};
  std::array<std::array<double, kMaxChannels>, kMaxChannels> cross_{};  // sum of x_a * x_b, a < b
};

}  // namespace micdoctor
