#include "analysis/loudness_meter.hpp"

#include <cmath>
#include <numbers>

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
      bin_energy_(kBins, 0.0),
      bin_count_(kBins, 0) {
  // K-weighting from its analogue prototype (BS.1770), valid at any rate,
  // via the bilinear transform: a high shelf, then the RLB high-pass.
  const double rate = sample_rate;
  {
    const double f0 = 1681.974450955533, gain_db = 3.999843853973347, q = 0.7071752369554196;
    const double k = std::tan(std::numbers::pi * f0 / rate);
    const double vh = std::pow(10.0, gain_db / 20.0);
    const double vb = std::pow(vh, 0.4996667741545416);
    const double a0 = 1.0 + k / q + k * k;
    shelf_ = {(vh + vb * k / q + k * k) / a0, 2.0 * (k * k - vh) / a0, (vh - vb * k / q + k * k) / a0,
              2.0 * (k * k - 1.0) / a0, (1.0 - k / q + k * k) / a0};
  }
  {
    const double f0 = 38.13547087602444, q = 0.5003270373238773;
    const double k = std::tan(std::numbers::pi * f0 / rate);
    const double a0 = 1.0 + k / q + k * k;
    highpass_ = {1.0, -2.0, 1.0, 2.0 * (k * k - 1.0) / a0, (1.0 - k / q + k * k) / a0};
  }
  // Channel weights: the BS.1770 5.1 layout for six channels (LFE ignored,
  // surrounds +1.5 dB); otherwise every channel is a microphone and counts once.
  for (int c = 0; c < kMaxChannels; ++c) weight_[c] = 1.0;
  if (channels == 6) {
    weight_[3] = 0.0;
    weight_[4] = weight_[5] = 1.41;
  }
}

double LoudnessMeter::filter_energy(int channel, const float* x, std::size_t n) {
  FilterState s = state_[channel];
  const Biquad a = shelf_, b = highpass_;
  double energy = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double in = x[i];
    const double y = a.b0 * in + s.s1;
    s.s1 = a.b1 * in - a.a1 * y + s.s2;
    s.s2 = a.b2 * in - a.a2 * y;
    const double z = b.b0 * y + s.t1;
    s.t1 = b.b1 * y - b.a1 * z + s.t2;
    s.t2 = b.b2 * y - b.a2 * z;
    energy += z * z;
  }
  state_[channel] = s;
  return energy;
}

void LoudnessMeter::close_subblock() {
  recent_[subblocks_done_ % 4] = subblock_energy_;
  ++subblocks_done_;
  subblock_energy_ = 0;
  subblock_filled_ = 0;
  if (subblocks_done_ < 4) return;
  const double block_mean_square =
      (recent_[0] + recent_[1] + recent_[2] + recent_[3]) / (4.0 * static_cast<double>(subblock_frames_));
  if (!(block_mean_square > 0)) return;
  const double lufs = to_lufs(block_mean_square);
  if (lufs <= kAbsoluteGateLufs) return;
  const int bin = std::min(kBins - 1, static_cast<int>((lufs - kAbsoluteGateLufs) / kBinLu));
  bin_energy_[static_cast<std::size_t>(bin)] += block_mean_square;
  ++bin_count_[static_cast<std::size_t>(bin)];
}

void LoudnessMeter::add(const PlanarBlock& block) {
  std::size_t done = 0;
  while (done < block.frames) {
    const std::size_t take = std::min(block.frames - done, subblock_frames_ - subblock_filled_);
    for (int c = 0; c < channels_; ++c) {
      const double energy = filter_energy(c, block.channel[c] + done, take);
      subblock_energy_ += weight_[c] * energy;
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
