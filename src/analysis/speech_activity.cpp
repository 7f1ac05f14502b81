#include "analysis/speech_activity.hpp"

#include <algorithm>
#include <cmath>

#include "analysis/dsp_util.hpp"

namespace micdoctor {
namespace {
constexpr double kBandLowHz = 250.0;
constexpr double kBandHighHz = 1500.0;
constexpr double kLowestDb = -160.0;  // bin 0 also holds exact digital silence
constexpr double kHighestDb = 20.0;
constexpr double kBinDb = 0.5;
constexpr int kBins = static_cast<int>((kHighestDb - kLowestDb) / kBinDb);

constexpr double kFloorPercentile = 0.10;   // pauses make up at least this much of speech
constexpr double kQuietClusterDb = 1.5;     // frames this close to the floor are background
constexpr double kSpeechMarginDb = 6.0;     // speech stands at least this far above the floor
constexpr double kP56MarginDb = 15.9;       // P.56: threshold sits 15.9 dB under the active level
constexpr double kMinSpeechSeconds = 0.25;
constexpr double kHangoverSeconds = 0.2;    // P.56 hangover
constexpr double kRunningLoudDb = 10.0;     // streaming classes for hum and bandwidth
constexpr double kRunningQuietDb = 3.0;
}  // namespace

SpeechActivity::SpeechActivity(int channels, double decimated_rate, int sample_rate, int mains_period)
    : channels_(channels),
      sample_rate_(sample_rate),
      fft_(kFrameSize),
      window_(blackman_harris_window(kFrameSize)),
      windowed_(kFrameSize),
      power_(static_cast<std::size_t>(kFrameSize / 2 + 1)),
      bins_(kBins),
      full_bins_(kBins),
      history_(static_cast<std::size_t>(std::max(0, mains_period)), 0.0f),
      combed_(kFrameSize) {
  const double bin_hz = decimated_rate / kFrameSize;
  band_first_bin_ = static_cast<int>(std::ceil(kBandLowHz / bin_hz));
  band_last_bin_ = std::min(kFrameSize / 2 - 1,
                            static_cast<int>(std::floor(std::min(kBandHighHz, 0.45 * decimated_rate) / bin_hz)));
  hangover_frames_ = static_cast<std::size_t>(std::lround(kHangoverSeconds * decimated_rate / kFrameSize)) + 1;
  double window_energy = 0;
  for (float w : window_) window_energy += static_cast<double>(w) * w;
  // One-sided power to mean square, corrected for the window's energy.
  power_scale_ = 2.0 / (kFrameSize * window_energy);
}

double SpeechActivity::band_energy(const float* samples, int count) {
  const auto n = static_cast<std::size_t>(std::clamp(count, 0, kFrameSize));
  for (std::size_t i = 0; i < n; ++i) windowed_[i] = samples[i] * window_[i];
  std::fill(windowed_.begin() + static_cast<std::ptrdiff_t>(n), windowed_.end(), 0.0f);
  fft_.power_spectrum(windowed_.data(), power_.data());
  double band = 0;
  for (int k = band_first_bin_; k <= band_last_bin_; ++k) band += power_[static_cast<std::size_t>(k)];
  return band * power_scale_;
}

int SpeechActivity::bin_of(double band_db) const {
  return dsp::histogram_bin((band_db - kLowestDb) / kBinDb, kBins);
}

double SpeechActivity::bin_centre_db(int bin) const { return kLowestDb + (bin + 0.5) * kBinDb; }

FrameClass SpeechActivity::add_frame(const float* decimated, int count, const BlockSums& sums,
                                     std::size_t frames) {
  // A short final frame would look falsely quiet; its samples still count in the stats.
  if (count < kFrameSize / 2) return FrameClass::other;
  double band = band_energy(decimated, count);
  if (!history_.empty()) {
    // The ring buffer in straight stretches, so that each one vectorises.
    for (std::size_t done = 0; done < static_cast<std::size_t>(count);) {
      const std::size_t run = std::min(static_cast<std::size_t>(count) - done, history_.size() - history_at_);
      float* past = history_.data() + history_at_;
      for (std::size_t i = 0; i < run; ++i) {
        combed_[done + i] = decimated[done + i] - past[i];
        past[i] = decimated[done + i];
      }
      done += run;
      history_at_ = (history_at_ + run) % history_.size();
    }
    history_filled_ += static_cast<std::size_t>(count);
    // Until a whole period has passed, the comb has nothing to cancel with:
    // judging those first frames would mistake a hum for speech.
    if (history_filled_ <= history_.size()) return FrameClass::other;
    band = std::min(band, 0.5 * band_energy(combed_.data(), count));
  }
  const double band_db = dsp::power_to_db_floor(band, kLowestDb);

  // The frame's own full-band power (its own DC removed): the background
  // histogram, blind to the speech band, so fricatives cannot hide in it.
  double frame_power = 0;
  const double n = static_cast<double>(frames);
  for (int c = 0; c < channels_; ++c) frame_power += sums.sum_squares[c] - sums.sum[c] * sums.sum[c] / n;
  frame_power = std::max(0.0, frame_power / (n * channels_));
  PowerBin& full = full_bins_[static_cast<std::size_t>(bin_of(dsp::power_to_db_floor(frame_power, kLowestDb)))];
  ++full.frames;
  full.power += frame_power;

  recent_db_[recent_count_ % recent_db_.size()] = band_db;
  ++recent_count_;
  const std::size_t filled = std::min(recent_count_, recent_db_.size());
  double floor_db = band_db, hangover_db = band_db;
  for (std::size_t k = 0; k < filled; ++k) {
    const double value = recent_db_[(recent_count_ - 1 - k) % recent_db_.size()];
    floor_db = std::min(floor_db, value);
    if (k < hangover_frames_) hangover_db = std::max(hangover_db, value);
  }

  // Keyed by the loudest frame of the last 200 ms: a frame counts as active
  // while speech was heard within the hangover time, as in P.56.
  Bin& bin = bins_[static_cast<std::size_t>(bin_of(hangover_db))];
  ++bin.frames;
  bin.samples += static_cast<double>(frames);
  bin.band_energy += band;
  for (int c = 0; c < channels_; ++c) {
    bin.sum[c] += sums.sum[c];
    bin.sum_squares[c] += sums.sum_squares[c];
  }

  if (band_db >= floor_db + kRunningLoudDb) return FrameClass::loud;
  if (band_db <= floor_db + kRunningQuietDb) return FrameClass::quiet;
  return FrameClass::other;
}

double SpeechActivity::ac_power(const Bin& total, const std::array<double, kMaxChannels>& means) const {
  if (total.samples <= 0) return 0;
  double power = 0;
  for (int c = 0; c < channels_; ++c) {
    const double m = means[c];
    power += total.sum_squares[c] - 2.0 * m * total.sum[c] + total.samples * m * m;
  }
  return std::max(0.0, power / (total.samples * channels_));
}

SpeechResult SpeechActivity::finish(const std::array<double, kMaxChannels>& channel_means) const {
  SpeechResult result;
  std::uint64_t total_frames = 0;
  for (const Bin& b : bins_) total_frames += b.frames;
  if (total_frames == 0) return result;

  auto merge = [&](int from_bin, int to_bin) {  // inclusive range
    Bin total;
    for (int b = std::max(0, from_bin); b <= std::min(kBins - 1, to_bin); ++b) {
      const Bin& bin = bins_[static_cast<std::size_t>(b)];
      total.frames += bin.frames;
      total.samples += bin.samples;
      total.band_energy += bin.band_energy;
      for (int c = 0; c < channels_; ++c) {
        total.sum[c] += bin.sum[c];
        total.sum_squares[c] += bin.sum_squares[c];
      }
    }
    return total;
  };

  // Noise floors: a low percentile of the frame energies, in the speech band
  // (to find speech) and in the full band (the background level).
  auto percentile_bin = [&](const auto& histogram) {
    const auto rank = static_cast<std::uint64_t>(kFloorPercentile * static_cast<double>(total_frames));
    int bin = 0;
    for (std::uint64_t seen = 0; bin < kBins; ++bin) {
      seen += histogram[static_cast<std::size_t>(bin)].frames;
      if (seen > rank) break;
    }
    return std::min(bin, kBins - 1);
  };
  const double floor_db = bin_centre_db(percentile_bin(bins_));
  const Bin quiet = merge(0, bin_of(floor_db + kQuietClusterDb));
  const double background_band = quiet.frames ? quiet.band_energy / static_cast<double>(quiet.frames) : 0.0;
  // The frames at the tenth percentile, the middle of the pauses when speech
  // leaves some: lower frames would bias it down, higher ones let in soft
  // speech, which with a loud hum sits only a little above the background.
  const PowerBin& background = full_bins_[static_cast<std::size_t>(percentile_bin(full_bins_))];
  result.background_power = background.frames ? background.power / static_cast<double>(background.frames) : 0.0;

  // P.56-style threshold: iterate until it sits 15.9 dB under what it selects.
  double threshold_db = floor_db + kSpeechMarginDb;
  for (int iteration = 0; iteration < 30; ++iteration) {
    const Bin active = merge(bin_of(threshold_db), kBins - 1);
    if (active.frames == 0) break;
    const double active_band = active.band_energy / static_cast<double>(active.frames) - background_band;
    if (!(active_band > 0)) break;
    const double next = std::max(floor_db + kSpeechMarginDb, 10.0 * std::log10(active_band) - kP56MarginDb);
    if (std::fabs(next - threshold_db) < kBinDb / 2) break;
    threshold_db = next;
  }

  const Bin active = merge(bin_of(threshold_db), kBins - 1);
  result.speech_seconds = active.samples / sample_rate_;
  result.speech_present = result.speech_seconds >= kMinSpeechSeconds;
  if (result.speech_present) {
    const double active_power = ac_power(active, channel_means);
    // Speech alone: take the background out of the active frames' power.
    result.speech_power = std::max(active_power - result.background_power, 0.01 * active_power);
  }
  return result;
}

}  // namespace micdoctor
