#include "analysis/hum_detector.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace micdoctor {
namespace {
constexpr double kHighestHarmonicHz = 1000.0;
// A segment closes once every position of the fold has been seen and at
// least this long has passed. With few pauses it stays open until then:
// mains drift over a few seconds still leaves the fundamental coherent.
constexpr double kSegmentSeconds = 1.0;
constexpr double kTonalMarginDb = 12.0;   // a hum line must stand this far above its neighbours
constexpr int kNeighbourBins = 12;
constexpr int kMaxFoldMultiple = 40;      // fold of up to 4 s at odd rates

bool in_family(int bin_index, double bin_hz, double f0) {
  const double f = bin_index * bin_hz;
  const double h = f / f0;
  return f > 0 && std::fabs(h - std::round(h)) < 1e-6;
}

// Amplitude response of a boxcar average of length n at frequency f.
double boxcar_gain(double f, double rate, int n) {
  if (n <= 1 || f <= 0) return 1.0;
  const double x = std::numbers::pi * f / rate;
  return std::fabs(std::sin(n * x) / (n * std::sin(x)));
}
}  // namespace

int mains_period_samples(int sample_rate, int decimation) {
  // period = rate * k / (10 * decimation) decimated samples must be whole.
  for (int k = 1; k <= kMaxFoldMultiple; ++k) {
    const long long numerator = static_cast<long long>(sample_rate) * k;
    if (numerator % (10LL * decimation) == 0) {
      const long long period = numerator / (10LL * decimation);
      return period <= (1 << 16) ? static_cast<int>(period) : 0;
    }
  }
  return 0;
}

HumDetector::HumDetector(int sample_rate, int decimation)
    : sample_rate_(sample_rate),
      decimation_(decimation),
      decimated_rate_(static_cast<double>(sample_rate) / decimation),
      period_(mains_period_samples(sample_rate, decimation)) {
  if (period_ == 0) return;
  bin_hz_ = decimated_rate_ / period_;
  fold_sum_.assign(static_cast<std::size_t>(period_), 0.0);
  fold_count_.assign(static_cast<std::size_t>(period_), 0);
  fft_ = std::make_unique<RealFft>(period_);
  folded_.resize(static_cast<std::size_t>(period_));
  power_.resize(static_cast<std::size_t>(fft_->bins()));
  spectrum_sum_.assign(static_cast<std::size_t>(fft_->bins()), 0.0);
}

void HumDetector::add(const float* decimated, int count, bool quiet) {
  if (!enabled()) return;
  if (quiet) {
    auto at = static_cast<std::size_t>(position_ % static_cast<std::uint64_t>(period_));
    for (int i = 0; i < count; ++i) {
      fold_sum_[at] += decimated[i];
      if (fold_count_[at]++ == 0) ++covered_;
      if (++at == fold_sum_.size()) at = 0;
    }
  }
  position_ += static_cast<std::uint64_t>(count);
  const double elapsed = static_cast<double>(position_ - segment_start_);
  if (covered_ == fold_sum_.size() && elapsed >= kSegmentSeconds * decimated_rate_) close_segment();
}

void HumDetector::close_segment() {
  segment_start_ = position_;
  if (covered_ == fold_sum_.size()) {
    for (std::size_t i = 0; i < folded_.size(); ++i) folded_[i] = static_cast<float>(fold_sum_[i] / fold_count_[i]);
    fft_->power_spectrum(folded_.data(), power_.data());
    for (std::size_t k = 0; k < power_.size(); ++k) spectrum_sum_[k] += power_[k];
    ++segments_;
  }
  std::fill(fold_sum_.begin(), fold_sum_.end(), 0.0);
  std::fill(fold_count_.begin(), fold_count_.end(), 0u);
  covered_ = 0;
}

std::optional<HumResult> HumDetector::finish() {
  if (!enabled()) return std::nullopt;
  close_segment();
  if (segments_ == 0) return std::nullopt;

  const int bins = static_cast<int>(spectrum_sum_.size());
  // Mean square of a line in bin k: 2 |X_k|^2 / N^2, averaged over segments.
  const double scale = 2.0 / (static_cast<double>(period_) * period_ * segments_);
  auto line_power = [&](int k) { return spectrum_sum_[static_cast<std::size_t>(k)] * scale; };
  auto neighbour_floor = [&](int k) {
    std::vector<double> around;
    for (int j = std::max(1, k - kNeighbourBins); j <= std::min(bins - 1, k + kNeighbourBins); ++j) {
      if (!in_family(j, bin_hz_, 50.0) && !in_family(j, bin_hz_, 60.0)) around.push_back(line_power(j));
    }
    if (around.empty()) return 0.0;
    std::nth_element(around.begin(), around.begin() + static_cast<std::ptrdiff_t>(around.size() / 2), around.end());
    return around[around.size() / 2];
  };
  auto is_line = [&](int k) {
    const double line = line_power(k);
    return line > 0 && line >= neighbour_floor(k) * std::pow(10.0, kTonalMarginDb / 10.0);
  };
  // Random noise can push one bin over the margin, and a steady voice
  // (synthetic speech holds its pitch exactly) folds into lines at its own
  // harmonics, 100 or 120 Hz among them. Mains hum always carries its
  // fundamental; a voice has next to nothing at 50 or 60 Hz.
  auto anchored = [&](double f0) {
    const int k = static_cast<int>(std::lround(f0 / bin_hz_));
    return k < bins && is_line(k);
  };
  auto family_power = [&](double f0, bool include_shared) {
    if (!anchored(f0)) return 0.0;
    double total = 0;
    for (int h = 1; h * f0 <= kHighestHarmonicHz && h * f0 < decimated_rate_ * 0.45; ++h) {
      const int k = static_cast<int>(std::lround(h * f0 / bin_hz_));
      if (k >= bins) break;
      const double other = f0 == 50.0 ? 60.0 : 50.0;
      if (!include_shared && in_family(k, bin_hz_, other)) continue;
      if (!is_line(k)) continue;
      const double floor = neighbour_floor(k);
      const double line = line_power(k);
      const double gain = boxcar_gain(k * bin_hz_, sample_rate_, decimation_);
      total += (line - floor) / (gain * gain);
    }
    return total;
  };
  const double fifty = family_power(50.0, false);
  const double sixty = family_power(60.0, false);
  if (fifty <= 0 && sixty <= 0) return std::nullopt;
  HumResult result;
  result.frequency_hz = fifty >= sixty ? 50.0 : 60.0;
  result.power = family_power(result.frequency_hz, true);
  return result;
}

}  // namespace micdoctor
