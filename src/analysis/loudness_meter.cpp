#include "analysis/dsp_util.hpp"
#include "analysis/loudness_meter.hpp"

#include <algorithm>
#include <cmath>

namespace micdoctor {
namespace {
constexpr double kAbsoluteGateLufs = -70.0;
constexpr double kRelativeGateLu = -10.0;
constexpr double kHistogramTopLufs = 20.0;
constexpr double kBinLu = 0.01;
constexpr int kBins = static_cast<int>((kHistogramTopLufs - kAbsoluteGateLufs) / kBinLu);

double to_lufs(double mean_square) { return -0.691 + 10.0 * std::log10(mean_square); }
}  // namespace

LoudnessMeter::LoudnessMeter(int channels, int sample_rate)
    : channels_(channels),
      subblock_frames_(static_cast<std::size_t>(std::lround(sample_rate / 10.0))),
      filter_(sample_rate, subblock_frames_),
      bin_energy_(kBins, 0.0),
      bin_count_(kBins, 0) {
  // Channel weights: the BS.1770 5.1 layout for six channels (LFE ignored,
  // surrounds +1.5 dB); otherwise every channel is a microphone and counts once.
  for (int c = 0; c < kMaxChannels; ++c) weight_[c] = 1.0;
  if (channels == 6) {
    weight_[3] = 0.0;
    weight_[4] = weight_[5] = 1.41;
  }
  for (int c = 0; c < channels; ++c) subblock_[c].resize(subblock_frames_);
}

void LoudnessMeter::close_subblock() {
  double energy = 0;
  for (int c = 0; c < channels_; ++c) {
    if (weight_[c] > 0) energy += weight_[c] * filter_.energy(subblock_[c].data(), state_[c]);
  }
  subblock_filled_ = 0;
  recent_[subblocks_done_ % 4] = energy;
  ++subblocks_done_;
  if (subblocks_done_ < 4) return;
  const double block_mean_square =
      (recent_[0] + recent_[1] + recent_[2] + recent_[3]) / (4.0 * static_cast<double>(subblock_frames_));
  if (!(block_mean_square > 0)) return;
  const double lufs = to_lufs(block_mean_square);
  if (lufs <= kAbsoluteGateLufs) return;
  const int bin = dsp::histogram_bin((lufs - kAbsoluteGateLufs) / kBinLu, kBins);
  bin_energy_[static_cast<std::size_t>(bin)] += block_mean_square;
  ++bin_count_[static_cast<std::size_t>(bin)];
}

void LoudnessMeter::add(const PlanarBlock& block) {
  std::size_t done = 0;
  while (done < block.frames) {
    const std::size_t take = std::min(block.frames - done, subblock_frames_ - subblock_filled_);
    for (int c = 0; c < channels_; ++c) {
      std::copy_n(block.channel[c] + done, take, subblock_[c].begin() + static_cast<std::ptrdiff_t>(subblock_filled_));
    }
    subblock_filled_ += take;
    done += take;
    if (subblock_filled_ == subblock_frames_) close_subblock();
  }
}

std::optional<double> LoudnessMeter::integrated_lufs() const {
  double energy = 0;
  std::uint64_t count = 0;
  for (int b = 0; b < kBins; ++b) {
    energy += bin_energy_[static_cast<std::size_t>(b)];
    count += bin_count_[static_cast<std::size_t>(b)];
  }
  if (count == 0) return std::nullopt;
  const double relative_gate = to_lufs(energy / static_cast<double>(count)) + kRelativeGateLu;
  // Blocks strictly above the gate; the bin holding the gate itself counts
  // when its centre is above it (an error of at most half a bin, 0.005 LU).
  energy = 0;
  count = 0;
  for (int b = 0; b < kBins; ++b) {
    const double centre = kAbsoluteGateLufs + (b + 0.5) * kBinLu;
    if (centre <= relative_gate) continue;
    energy += bin_energy_[static_cast<std::size_t>(b)];
    count += bin_count_[static_cast<std::size_t>(b)];
  }
  if (count == 0) return std::nullopt;
  return to_lufs(energy / static_cast<double>(count));
}

}  // namespace micdoctor
