#include "analysis/signal_overview.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace micdoctor {
namespace {

constexpr double kGapSeconds = 0.020;   // as the dropout rule counts them
constexpr std::size_t kMaxGaps = 200;
constexpr double kColumnSeconds = 0.010;  // the finest column; doubles as the recording grows

}  // namespace

SignalOverview::SignalOverview(int sample_rate, int channels)
    : sample_rate_(sample_rate),
      channels_(channels),
      frames_per_column_(std::max<std::uint64_t>(1, static_cast<std::uint64_t>(sample_rate * kColumnSeconds))),
      fft_(kSpectrumSize),
      window_(hann_window(kSpectrumSize)),
      frame_(static_cast<std::size_t>(kSpectrumSize)),
      power_(static_cast<std::size_t>(kSpectrumSize / 2 + 1)),
      power_sum_(static_cast<std::size_t>(kSpectrumSize / 2 + 1)),
      // About four transforms a second: plenty for an average, cheap for an hour.
      spectrum_hop_(static_cast<std::uint64_t>(std::max(sample_rate / 4, kSpectrumSize))) {
  if (sample_rate <= 0 || channels <= 0) throw std::invalid_argument("SignalOverview: bad format");
  columns_.reserve(kMaxColumns);
}

void SignalOverview::merge_columns() {
  std::vector<OverviewColumn> merged;
  merged.reserve(kMaxColumns);
  for (std::size_t i = 0; i + 1 < columns_.size(); i += 2) {
    const OverviewColumn& a = columns_[i];
    const OverviewColumn& b = columns_[i + 1];
    merged.push_back({std::min(a.min, b.min), std::max(a.max, b.max), a.energy + b.energy, a.samples + b.samples});
  }
  if (columns_.size() % 2 == 1) merged.push_back(columns_.back());
  columns_ = std::move(merged);
  frames_per_column_ *= 2;
}

void SignalOverview::add_frame_to_column(float low, float high, double energy, int channels) {
  const std::uint64_t column = frames_ / frames_per_column_;
  if (column >= columns_.size()) {
    if (columns_.size() == kMaxColumns) {
      merge_columns();
      add_frame_to_column(low, high, energy, channels);
      return;
    }
    columns_.push_back({low, high, 0.0, 0});
  }
  OverviewColumn& c = columns_.back();
  c.min = std::min(c.min, low);
  c.max = std::max(c.max, high);
  c.energy += energy;
  c.samples += static_cast<std::uint64_t>(channels);
}

void SignalOverview::feed_spectrum(float mono) {
  if (until_next_transform_ > 0) {
    --until_next_transform_;
    return;
  }
  frame_[filled_++] = mono;
  if (filled_ < frame_.size()) return;
  for (std::size_t i = 0; i < frame_.size(); ++i) frame_[i] *= window_[i];
  fft_.power_spectrum(frame_.data(), power_.data());
  for (std::size_t k = 0; k < power_.size(); ++k) power_sum_[k] += power_[k];
  ++spectrum_frames_;
  filled_ = 0;
  until_next_transform_ = spectrum_hop_ - static_cast<std::uint64_t>(kSpectrumSize);
}

void SignalOverview::add_interleaved(std::span<const float> samples) {
  const auto channels = static_cast<std::size_t>(channels_);
  const std::size_t frames = samples.size() / channels;
  const auto gap_frames = static_cast<std::uint64_t>(kGapSeconds * sample_rate_);
  for (std::size_t f = 0; f < frames; ++f) {
    const float* frame = samples.data() + f * channels;
    float low = frame[0];
    float high = frame[0];
    double energy = 0;
    double sum = 0;
    bool zero = true;
    for (std::size_t c = 0; c < channels; ++c) {
      low = std::min(low, frame[c]);
      high = std::max(high, frame[c]);
      energy += static_cast<double>(frame[c]) * frame[c];
      sum += frame[c];
      zero = zero && frame[c] == 0.0f;
    }
    add_frame_to_column(low, high, energy, channels_);
    feed_spectrum(static_cast<float>(sum / static_cast<double>(channels)));
    if (zero) {
      ++zero_run_;
    } else {
      if (zero_run_ >= gap_frames && gaps_.size() < kMaxGaps) {
        gaps_.push_back({static_cast<double>(frames_ - zero_run_) / sample_rate_, static_cast<double>(frames_) / sample_rate_});
      }
      zero_run_ = 0;
    }
    ++frames_;
  }
}

SignalPicture SignalOverview::finish() const {
  SignalPicture p;
  p.sample_rate = sample_rate_;
  p.duration_s = static_cast<double>(frames_) / sample_rate_;
  p.column_seconds = static_cast<double>(frames_per_column_) / sample_rate_;
  p.columns = columns_;
  p.gaps = gaps_;
  // A gap still open at the end counts only inside the signal, as the dropout rule says: not here.
  if (spectrum_frames_ > 0) {
    // Full-scale sine through this window reads 0 dB at its peak bin.
    double window_sum = 0;
    for (const float w : window_) window_sum += w;
    const double reference = (window_sum / 2.0) * (window_sum / 2.0);
    for (std::size_t k = 1; k < power_sum_.size(); ++k) {
      const double mean = power_sum_[k] / spectrum_frames_;
      p.spectrum_hz.push_back(static_cast<double>(k) * sample_rate_ / kSpectrumSize);
      p.spectrum_db.push_back(10.0 * std::log10(std::max(mean / reference, 1e-14)));
    }
  }
  return p;
}

}  // namespace micdoctor
