#pragma once
// EBU R128 / ITU-R BS.1770-4 integrated loudness, streaming, in constant
// memory: K-weighting, 400 ms blocks every 100 ms, absolute gate at -70 LUFS
// and relative gate 10 LU below, with gated block energies kept in a fine
// histogram (0.01 LU) instead of a list that would grow with the recording.
#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "analysis/k_weighting.hpp"
#include "analysis/planar_block.hpp"

namespace micdoctor {

class LoudnessMeter {
 public:
  LoudnessMeter(int channels, int sample_rate);

  void add(const PlanarBlock& block);
  std::optional<double> integrated_lufs() const;

 private:
  void close_subblock();

  int channels_;
  std::size_t subblock_frames_;          // 100 ms
  KWeightingEnergy filter_;
  std::array<KState, kMaxChannels> state_{};
  std::array<double, kMaxChannels> weight_{};
  std::array<std::vector<float>, kMaxChannels> subblock_;  // the 100 ms being collected
  std::size_t subblock_filled_ = 0;
  std::array<double, 4> recent_{};       // the last four 100 ms energies
  std::size_t subblocks_done_ = 0;
  std::vector<double> bin_energy_;       // sum of block mean squares per 0.01 LU bin
  std::vector<std::uint64_t> bin_count_;
};

}  // namespace micdoctor
