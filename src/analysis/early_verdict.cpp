#include "analysis/early_verdict.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "analysis/signal_findings.hpp"

namespace micdoctor {
namespace {

namespace r = early_verdict_rules;
namespace t = signal_thresholds;

bool only_ok(const std::vector<Finding>& findings) {
  return findings.size() == 1 && findings.front().id == "signal.ok";
}

bool has(const std::vector<Finding>& findings, std::string_view id) {
  return std::any_of(findings.begin(), findings.end(), [&](const Finding& f) { return f.id == id; });
}

// Every measure a finding looks at, far enough from its threshold that the
// rest of the recording, sounding like what came before, cannot cross it.
bool clearly_fine(const SignalMetrics& m, std::optional<double> quietest_dbfs) {
  if (m.speech_seconds < r::kFineSpeechSeconds || !m.speech_level_dbfs) return false;
  const double speech = *m.speech_level_dbfs;
  if (speech < t::kTooQuietSpeechDbfs + r::kQuietMarginDb || speech > t::kTooLoudSpeechDbfs - r::kLoudMarginDb) {
    return false;
  }
  if (m.snr_db) {
    if (*m.snr_db < t::kNoisySnrDb + r::kSnrMarginDb) return false;
  } else if (!quietest_dbfs || *quietest_dbfs > speech - r::kQuietestUnderSpeechDb ||
             *quietest_dbfs > t::kHumDbfs - r::kHumMarginDb) {
    return false;  // no pause heard, and no frame quiet enough to vouch for the background
  }
  if (m.hum_dbfs && *m.hum_dbfs > t::kHumDbfs - r::kHumMarginDb) return false;
  if (m.dropouts > 0) return false;
  if (m.clipped_fraction > t::kClippedFraction * r::kClippingShare) return false;
  if (std::fabs(m.dc_offset) > t::kDcOffset * r::kDcShare) return false;
  if (m.zero_fraction > 0.5) return false;
  if (m.sample_rate >= t::kNarrowbandMinRateHz && m.bandwidth_hz &&
      *m.bandwidth_hz < t::kNarrowbandEdgeHz + r::kBandwidthMarginHz) {
    return false;
  }
  if (m.channels >= 2) {
    for (const double level : m.channel_rms_dbfs) {
      if (!(level >= t::kDeadChannelDbfs + r::kChannelMarginDb)) return false;
    }
    if (m.channel_correlation && *m.channel_correlation < t::kInvertedCorrelation + r::kCorrelationMargin) return false;
  }
  return true;
}

}  // namespace

std::string_view to_string(EarlyVerdictKind kind) {
  switch (kind) {
    case EarlyVerdictKind::silence: return "silence";
    case EarlyVerdictKind::fine: return "fine";
  }
  return "fine";
}

std::optional<EarlyVerdictKind> certain_verdict(const SignalAnalysis& so_far, bool all_zero,
                                                std::optional<double> quietest_dbfs) {
  const SignalMetrics& m = so_far.metrics;
  if (all_zero) {
    if (m.duration_s + 1e-9 >= r::kSilenceSeconds && has(so_far.findings, "signal.digital_silence")) {
      return EarlyVerdictKind::silence;
    }
    return std::nullopt;
  }
  if (m.duration_s + 1e-9 >= r::kFineSeconds && only_ok(so_far.findings) && clearly_fine(m, quietest_dbfs)) {
    return EarlyVerdictKind::fine;
  }
  return std::nullopt;
}

EarlyVerdict::EarlyVerdict(int sample_rate, int channels, SilenceExplained silence_explained)
    : sample_rate_(sample_rate),
      channels_(channels),
      silence_explained_(silence_explained),
      quiet_frame_frames_(static_cast<std::size_t>(std::lround(r::kQuietFrameSeconds * sample_rate))) {
  // The analyser's own limits, checked now rather than at the first checkpoint.
  const SignalAnalyzer check(sample_rate, channels);
}

double EarlyVerdict::seconds_heard() const { return static_cast<double>(frames_) / sample_rate_; }

std::size_t EarlyVerdict::next_checkpoint_frame() const {
  const auto step = static_cast<std::size_t>(std::lround(r::kCheckEverySeconds * sample_rate_));
  const auto spread = static_cast<std::size_t>(static_cast<double>(frames_) * r::kCheckEveryFraction);
  return checked_at_frame_ + std::max<std::size_t>(1, std::max(step, spread / step * step));
}

std::size_t EarlyVerdict::add_interleaved(std::span<const float> samples) {
  if (stop_) return 0;
  const auto stride = static_cast<std::size_t>(channels_);
  std::size_t at = 0;
  while (at + stride <= samples.size()) {
    const std::size_t until = next_checkpoint_frame();
    const std::size_t take = std::min((samples.size() - at) / stride, until - frames_);
    const std::span<const float> part = samples.subspan(at, take * stride);
    if (all_zero_) all_zero_ = std::all_of(part.begin(), part.end(), [](float x) { return x == 0.0f; });
    measure_quiet_frames(part);
    if (keeping_ && kept_.size() + part.size() <= r::kMaxKeptSamples) {
      kept_.insert(kept_.end(), part.begin(), part.end());
    } else if (keeping_) {
      keeping_ = false;  // too long to keep: this test listens to its end
      kept_.clear();
      kept_.shrink_to_fit();
    }
    frames_ += take;
    at += take * stride;
    if (frames_ == until) {
      checked_at_frame_ = frames_;
      checkpoint();
      if (stop_) return at;
    }
  }
  return samples.size();
}

void EarlyVerdict::measure_quiet_frames(std::span<const float> part) {
  const auto stride = static_cast<std::size_t>(channels_);
  const double scale = 1.0 / channels_;
  for (std::size_t i = 0; i + stride <= part.size(); i += stride) {
    double mono = 0;
    for (std::size_t c = 0; c < stride; ++c) mono += part[i + c];
    mono *= scale;
    frame_sum_ += mono;
    frame_squares_ += mono * mono;
    frame_all_zero_ = frame_all_zero_ && mono == 0.0;
    if (++frame_fill_ < quiet_frame_frames_) continue;
    if (!frame_all_zero_) {
      const double n = static_cast<double>(frame_fill_);
      const double power = std::max(0.0, frame_squares_ / n - (frame_sum_ / n) * (frame_sum_ / n));
      if (!quietest_power_ || power < *quietest_power_) quietest_power_ = power;
    }
    frame_fill_ = 0;
    frame_sum_ = frame_squares_ = 0;
    frame_all_zero_ = true;
  }
}

void EarlyVerdict::checkpoint() {
  const double heard = seconds_heard();
  const bool silence_may_stop = silence_explained_ == SilenceExplained::yes;
  const bool worth_analysing = all_zero_ ? silence_may_stop && heard + 1e-9 >= r::kSilenceSeconds
                                         : heard + 1e-9 >= r::kFineSeconds;
  certain_now_ = false;
  if (!keeping_ || !worth_analysing) return;
  SignalAnalyzer analyzer(sample_rate_, channels_);
  analyzer.add_interleaved(std::span<const float>(kept_));
  std::optional<double> quietest_dbfs;
  if (quietest_power_) quietest_dbfs = 10.0 * std::log10(std::max(*quietest_power_, 1e-12));
  if (const auto kind = certain_verdict(analyzer.finish(), all_zero_, quietest_dbfs)) {
    stop_ = EarlyStop{*kind, heard};
    certain_now_ = true;
  }
}

}  // namespace micdoctor
