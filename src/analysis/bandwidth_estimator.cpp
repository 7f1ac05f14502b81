#include "analysis/bandwidth_estimator.hpp"

#include <algorithm>
#include <cmath>

namespace micdoctor {
namespace {
// The first 2000 frames (about a minute) all count; after that a long-term
// average is long settled, so one frame in 32 keeps it current: on an hour
// of speech that is some 7,000 transforms instead of 24,000 (a fifth of the
// whole analysis's instructions, measured with callgrind).
constexpr std::uint64_t kEveryFrameAtFirst = 2000;
constexpr std::uint64_t kThenOneIn = 32;
constexpr double kBandHz = 125.0;
constexpr double kReferenceLowHz = 100.0, kReferenceHighHz = 4000.0;
constexpr double kContentRangeDb = 50.0;

int largest_power_of_two_at_most(std::size_t n) {
  int size = 2;
  while (static_cast<std::size_t>(size) * 2 <= n && size < 8192) size *= 2;
  return size;
}
}  // namespace

BandwidthEstimator::BandwidthEstimator(int sample_rate, std::size_t frame_frames)
    : sample_rate_(sample_rate),
      size_(largest_power_of_two_at_most(frame_frames)),
      fft_(size_),
      window_(hann_window(size_)),
      windowed_(static_cast<std::size_t>(size_)),
      power_(static_cast<std::size_t>(size_ / 2 + 1)) {
  loud_.power.assign(power_.size(), 0.0);
  all_.power.assign(power_.size(), 0.0);
}

bool BandwidthEstimator::sampled(std::uint64_t index) {
  return index < kEveryFrameAtFirst || index % kThenOneIn == 0;
}

void BandwidthEstimator::add(const float* mono, std::size_t frames, FrameClass frame_class) {
  if (frames < static_cast<std::size_t>(size_)) return;
  const bool for_all = sampled(all_.seen++);
  const bool for_loud = frame_class == FrameClass::loud && sampled(loud_.seen++);
  if (!for_all && !for_loud) return;
  // One transform serves both accumulators.
  for (int i = 0; i < size_; ++i) windowed_[static_cast<std::size_t>(i)] = mono[i] * window_[static_cast<std::size_t>(i)];
  fft_.power_spectrum(windowed_.data(), power_.data());
  for (Accumulator* into : {for_all ? &all_ : nullptr, for_loud ? &loud_ : nullptr}) {
    if (into == nullptr) continue;
    for (std::size_t k = 0; k < power_.size(); ++k) into->power[k] += power_[k];
    ++into->used;
  }
}

std::optional<double> BandwidthEstimator::band_edge_hz() const {
  const Accumulator& source = loud_.used > 0 ? loud_ : all_;
  if (source.used == 0) return std::nullopt;
  const double bin_hz = static_cast<double>(sample_rate_) / size_;
  const int bins_per_band = std::max(1, static_cast<int>(std::lround(kBandHz / bin_hz)));
  const int bins = static_cast<int>(source.power.size());
  std::vector<double> bands;
  for (int first = 1; first < bins; first += bins_per_band) {
    double sum = 0;
    for (int k = first; k < std::min(bins, first + bins_per_band); ++k) sum += source.power[static_cast<std::size_t>(k)];
    bands.push_back(sum);
  }
  auto band_low_hz = [&](std::size_t b) { return (1 + static_cast<double>(b) * bins_per_band) * bin_hz; };
  double reference = 0;
  for (std::size_t b = 0; b < bands.size(); ++b) {
    if (band_low_hz(b) >= kReferenceLowHz && band_low_hz(b) < kReferenceHighHz) reference = std::max(reference, bands[b]);
  }
  if (!(reference > 0)) return std::nullopt;
  const double threshold = reference * std::pow(10.0, -kContentRangeDb / 10.0);
  for (std::size_t b = bands.size(); b-- > 0;) {
    if (bands[b] >= threshold) return std::min(band_low_hz(b + 1), sample_rate_ / 2.0);
  }
  return std::nullopt;
}

}  // namespace micdoctor
