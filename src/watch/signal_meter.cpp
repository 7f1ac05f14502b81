#include "watch/signal_meter.hpp"

#include <algorithm>
#include <cmath>

namespace micdoctor::watch {

namespace {

constexpr double kFloorDbfs = -120.0;

// The value below which `fraction` of the values lie (nearest rank).
double percentile(std::vector<double> values, double fraction) {
  if (values.empty()) return kFloorDbfs;
  const auto rank = static_cast<std::size_t>(std::lround(fraction * static_cast<double>(values.size() - 1)));
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(rank), values.end());
  return values[rank];
}

}  // namespace

double to_dbfs(double mean_square) {
  if (!(mean_square > 1e-12)) return kFloorDbfs;
  return std::max(kFloorDbfs, 10.0 * std::log10(mean_square));
}

void LevelHistory::add_block(double elapsed_s, double mean_square, double peak) {
  if (blocks_ == 0) start_s_ = elapsed_s;
  sum_mean_square_ += mean_square;
  peak_ = std::max(peak_, peak);
  if (++blocks_ >= blocks_per_point_) flush();
}

void LevelHistory::flush() {
  if (blocks_ == 0) return;
  LevelPoint p;
  p.elapsed_s = start_s_;
  p.rms_dbfs = static_cast<float>(to_dbfs(sum_mean_square_ / static_cast<double>(blocks_)));
  p.peak_dbfs = static_cast<float>(peak_ > 0 ? std::max(kFloorDbfs, 20.0 * std::log10(peak_)) : kFloorDbfs);
  points_.push_back(p);
  blocks_ = 0;
  sum_mean_square_ = 0;
  peak_ = 0;
  if (points_.size() >= CallWatch::kMaxLevelPoints) thin();
}

// Merges neighbours pairwise (power mean of the levels, the higher peak):
// half the points, each twice as long; new points cover twice as long too.
void LevelHistory::thin() {
  std::size_t kept = 0;
  for (std::size_t i = 0; i + 1 < points_.size(); i += 2) {
    const LevelPoint& a = points_[i];
    const LevelPoint& b = points_[i + 1];
    const double power = (std::pow(10.0, a.rms_dbfs / 10.0) + std::pow(10.0, b.rms_dbfs / 10.0)) / 2.0;
    LevelPoint merged;
    merged.elapsed_s = a.elapsed_s;
    merged.rms_dbfs = static_cast<float>(to_dbfs(power));
    merged.peak_dbfs = std::max(a.peak_dbfs, b.peak_dbfs);
    points_[kept++] = merged;
  }
  if (points_.size() % 2 == 1) points_[kept++] = points_.back();
  points_.resize(kept);
  blocks_per_point_ *= 2;
}

SignalMeter::SignalMeter(std::string source, std::string label, const CaptureFormat& format, double start_elapsed_s,
                         double level_every_s, LevelHistory& history, MeterTotals& totals)
    : source_(std::move(source)),
      label_(std::move(label)),
      start_s_(start_elapsed_s),
      history_(history),
      totals_(totals) {
  if (format.sample_rate > 0 && format.channels > 0 && format.channels <= 64) {
    sample_rate_ = format.sample_rate;
    channels_ = static_cast<std::size_t>(format.channels);
    block_frames_ = std::max<std::size_t>(1, static_cast<std::size_t>(std::lround(format.sample_rate * kBlockSeconds)));
  }
  if (level_every_s > 0) {
    level_blocks_ = std::max<std::size_t>(1, static_cast<std::size_t>(std::lround(level_every_s / kBlockSeconds)));
  }
  voice_block_db_.reserve(static_cast<std::size_t>(kVoiceSpanSeconds / kBlockSeconds) + 1);
}

double SignalMeter::block_start_s(std::size_t block) const {
  return start_s_ + static_cast<double>(block * block_frames_) / sample_rate_;
}

double SignalMeter::now_s() const {
  if (!valid()) return start_s_;
  return start_s_ + static_cast<double>(blocks_done_ * block_frames_ + frames_in_block_) / sample_rate_;
}

WatchEvent SignalMeter::event(EventKind kind, double elapsed_s) const {
  WatchEvent e;
  e.kind = kind;
  e.elapsed_s = elapsed_s;
  e.subject = source_;
  if (!label_.empty()) e.add("label", label_);
  return e;
}

void SignalMeter::feed(std::span<const float> interleaved, const std::string& recording_apps,
                       std::vector<WatchEvent>& out) {
  if (!valid()) return;
  std::size_t offset = 0;
  const std::size_t total_frames = interleaved.size() / channels_;
  while (offset < total_frames) {
    const std::size_t frames = std::min(block_frames_ - frames_in_block_, total_frames - offset);
    const float* x = interleaved.data() + offset * channels_;
    const std::size_t n = frames * channels_;
    double sum = 0;
    float peak = block_peak_;
    std::size_t clipped = 0;
    // The hot loop: squares, the peak and full-scale samples, nothing more.
    for (std::size_t i = 0; i < n; ++i) {
      const float v = std::isfinite(x[i]) ? x[i] : 0.0F;
      const float a = std::fabs(v);
      sum += static_cast<double>(v) * v;
      peak = std::max(peak, a);
      clipped += a >= kClipMagnitude ? 1U : 0U;
    }
    block_sum_squares_ += sum;
    block_peak_ = peak;
    block_clipped_ += clipped;
    frames_in_block_ += frames;
    offset += frames;
    if (frames_in_block_ == block_frames_) end_block(recording_apps, out);
  }
}

void SignalMeter::feed_silence_until(double elapsed_s, const std::string& recording_apps,
                                     std::vector<WatchEvent>& out) {
  if (!valid() || !(elapsed_s > now_s())) return;
  // At most a day at once, whatever the caller says.
  const double seconds = std::min(elapsed_s - now_s(), 86400.0);
  auto frames = static_cast<std::size_t>(seconds * sample_rate_);
  const std::vector<float> zeros(block_frames_ * channels_, 0.0F);
  while (frames > 0) {
    const std::size_t piece = std::min(frames, block_frames_);
    feed(std::span<const float>(zeros.data(), piece * channels_), recording_apps, out);
    frames -= piece;
  }
}

void SignalMeter::end_block(const std::string& recording_apps, std::vector<WatchEvent>& out) {
  const double mean_square = block_sum_squares_ / static_cast<double>(block_frames_ * channels_);
  const double block_db = to_dbfs(mean_square);
  const double start = block_start_s(blocks_done_);
  history_.add_block(start, mean_square, block_peak_);

  span_sum_mean_square_ += mean_square;
  span_peak_ = std::max(span_peak_, static_cast<double>(block_peak_));
  ++span_blocks_;
  voice_block_db_.push_back(block_db);

  const bool silent = block_db < kSilenceDbfs;
  const bool clipped = block_clipped_ >= kClippedSamplesPerBlock;
  const std::size_t clipped_samples = block_clipped_;
  ++blocks_done_;
  frames_in_block_ = 0;
  block_sum_squares_ = 0;
  block_peak_ = 0;
  block_clipped_ = 0;

  if (clipped) burst_samples_ += clipped_samples;
  silence(silent, recording_apps, out);
  clipping(clipped, out);
  if (voice_block_db_.size() >= static_cast<std::size_t>(std::lround(kVoiceSpanSeconds / kBlockSeconds))) {
    voice_span(out);
  }
  if (level_blocks_ > 0 && span_blocks_ >= level_blocks_) level_span(block_db, out);
}

void SignalMeter::level_span(double /*block_db*/, std::vector<WatchEvent>& out) {
  WatchEvent e = event(EventKind::signal_level, block_start_s(blocks_done_));
  const double level = to_dbfs(span_sum_mean_square_ / static_cast<double>(span_blocks_));
  const double peak = span_peak_ > 0 ? std::max(kFloorDbfs, 20.0 * std::log10(span_peak_)) : kFloorDbfs;
  e.add("level_dbfs", std::round(level * 10) / 10);
  e.add("peak_dbfs", std::round(peak * 10) / 10);
  // The voice level of the last minute; older is no longer "the voice".
  if (has_voice_ && e.elapsed_s - voice_at_s_ <= kSwingWindowSeconds)
    e.add("voice_dbfs", std::round(voice_db_ * 10) / 10);
  e.add("seconds", static_cast<double>(span_blocks_) * kBlockSeconds);
  out.push_back(std::move(e));
  span_blocks_ = 0;
  span_sum_mean_square_ = 0;
  span_peak_ = 0;
}

// One 5 s span: its voice level, if it holds speech, and a swing: this
// span and the one before both more than 20 dB away (the same way) from the
// median voice level of the minute before them. Two spans, so the tail of a
// sentence before a pause is no swing; the median, so one odd span is no
// reference. At most one swing a minute.
void SignalMeter::voice_span(std::vector<WatchEvent>& out) {
  const double high = percentile(voice_block_db_, 0.9);
  const double low = percentile(voice_block_db_, 0.1);
  const auto active = static_cast<std::size_t>(std::count_if(
      voice_block_db_.begin(), voice_block_db_.end(), [&](double db) { return db >= low + kVoiceMinContrastDb; }));
  voice_block_db_.clear();
  const double end = block_start_s(blocks_done_);
  const double start = end - kVoiceSpanSeconds;
  const bool voice = high >= kVoiceMinDbfs && high - low >= kVoiceMinContrastDb && active >= kVoiceMinActiveBlocks;
  if (!voice) {
    previous_deviation_ = 0;
    return;
  }
  has_voice_ = true;
  voice_db_ = high;
  voice_at_s_ = end;
  while (!recent_voice_.empty() && start - recent_voice_.front().first > kSwingWindowSeconds) {
    recent_voice_.pop_front();
  }
  // The reference: the spans of the minute before the previous span.
  std::vector<double> reference;
  for (const auto& [at, db] : recent_voice_) {
    if (at < start - kVoiceSpanSeconds - 1e-6) reference.push_back(db);
  }
  double deviation = 0;
  double reference_db = 0;
  if (reference.size() >= 2) {
    reference_db = percentile(reference, 0.5);
    if (std::fabs(high - reference_db) > kSwingDb) deviation = high - reference_db;
  }
  const bool adjacent =
      !recent_voice_.empty() && std::fabs(recent_voice_.back().first - (start - kVoiceSpanSeconds)) < 1e-6;
  const double began = start - kVoiceSpanSeconds;  // the first of the two spans
  if (deviation != 0 && adjacent && previous_deviation_ * deviation > 0 &&
      began - last_swing_s_ >= kSwingWindowSeconds) {
    WatchEvent e = event(EventKind::signal_swing, began);
    e.from = dbfs_text(reference_db);
    e.to = dbfs_text(high);
    e.add("from_dbfs", std::round(reference_db * 10) / 10);
    e.add("to_dbfs", std::round(high * 10) / 10);
    e.add("seconds", std::round((end - began) * 10) / 10);
    out.push_back(std::move(e));
    last_swing_s_ = began;
    // The new level is the reference from now on.
    const auto previous = recent_voice_.back();
    recent_voice_.clear();
    recent_voice_.push_back(previous);
    deviation = 0;
  }
  previous_deviation_ = deviation;
  recent_voice_.emplace_back(start, high);
}

void SignalMeter::silence(bool silent, const std::string& recording_apps, std::vector<WatchEvent>& out) {
  if (!silent) {
    if (silence_reported_) close_silence(false, out);
    silent_blocks_ = 0;
    return;
  }
  if (silent_blocks_ == 0) silence_start_s_ = block_start_s(blocks_done_ - 1);
  ++silent_blocks_;
  const auto needed = static_cast<std::size_t>(std::lround(kSilenceMinSeconds / kBlockSeconds));
  if (!silence_reported_ && silent_blocks_ >= needed && !recording_apps.empty()) {
    // Dated at the first silent block, announced once it lasted long enough.
    WatchEvent e = event(EventKind::signal_silence_started, silence_start_s_);
    e.add("apps", recording_apps);
    e.add("threshold_dbfs", kSilenceDbfs);
    out.push_back(std::move(e));
    silence_reported_ = true;
  }
}

void SignalMeter::close_silence(bool still_silent, std::vector<WatchEvent>& out) {
  const double end = still_silent ? now_s() : block_start_s(blocks_done_ - 1);
  WatchEvent e = event(EventKind::signal_silence_ended, end);
  e.add("seconds", std::round((end - silence_start_s_) * 1000) / 1000);
  e.add("started_s", std::round(silence_start_s_ * 1000) / 1000);
  if (still_silent) e.add("still_silent", "yes");
  out.push_back(std::move(e));
  silence_reported_ = false;
}

void SignalMeter::clipping(bool clipped, std::vector<WatchEvent>& out) {
  const double block_start = block_start_s(blocks_done_ - 1);
  if (clipped) {
    if (!in_burst_) {
      in_burst_ = true;
      burst_start_s_ = block_start;
    }
    burst_last_clipped_end_s_ = block_start + kBlockSeconds;
    return;
  }
  if (in_burst_ && block_start + kBlockSeconds - burst_last_clipped_end_s_ >= kBurstGapSeconds) close_burst(out);
}

void SignalMeter::close_burst(std::vector<WatchEvent>& out) {
  in_burst_ = false;
  ++totals_.clipping_bursts;
  totals_.clipped_samples += burst_samples_;
  if (totals_.burst_times.size() < MeterTotals::kMaxBurstTimes) totals_.burst_times.push_back(burst_start_s_);
  if (burst_start_s_ - last_clipping_event_s_ >= kClippingEventEverySeconds) {
    WatchEvent e = event(EventKind::signal_clipping, burst_start_s_);
    e.add("clipped_samples", static_cast<double>(burst_samples_));
    e.add("seconds", std::round((burst_last_clipped_end_s_ - burst_start_s_) * 10) / 10);
    if (bursts_not_shown_ > 0) e.add("more_bursts", static_cast<double>(bursts_not_shown_));
    out.push_back(std::move(e));
    last_clipping_event_s_ = burst_start_s_;
    bursts_not_shown_ = 0;
  } else {
    ++bursts_not_shown_;
  }
  burst_samples_ = 0;
}

void SignalMeter::stop(std::vector<WatchEvent>& out) {
  if (in_burst_) close_burst(out);
  if (silence_reported_) close_silence(true, out);
  history_.flush();
}

}  // namespace micdoctor::watch
