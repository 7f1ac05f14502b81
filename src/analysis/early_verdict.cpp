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
bool clearly_fine(const SignalMetrics& m) {
  if (m.speech_seconds < r::kFineSpeechSeconds || !m.speech_level_dbfs || !m.snr_db) return false;
  const double speech = *m.speech_level_dbfs;
  if (speech < t::kTooQuietSpeechDbfs + r::kQuietMarginDb || speech > t::kTooLoudSpeechDbfs - r::kLoudMarginDb) {
    return false;
  }
  if (*m.snr_db < t::kNoisySnrDb + r::kSnrMarginDb) return false;
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

std::optional<EarlyVerdictKind> certain_verdict(const SignalAnalysis& so_far, bool all_zero) {
  const SignalMetrics& m = so_far.metrics;
  if (all_zero) {
    if (m.duration_s + 1e-9 >= r::kSilenceSeconds && has(so_far.findings, "signal.digital_silence")) {
      return EarlyVerdictKind::silence;
    }
    return std::nullopt;
  }
  if (m.duration_s + 1e-9 >= r::kFineSeconds && only_ok(so_far.findings) && clearly_fine(m)) {
    return EarlyVerdictKind::fine;
  }
  return std::nullopt;
}

EarlyVerdict::EarlyVerdict(int sample_rate, int channels) : sample_rate_(sample_rate), channels_(channels) {
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

void EarlyVerdict::checkpoint() {
  const double heard = seconds_heard();
  const bool worth_analysing = all_zero_ ? heard + 1e-9 >= r::kSilenceSeconds : heard + 1e-9 >= r::kFineSeconds;
  certain_now_ = false;
  if (!keeping_ || !worth_analysing) return;
  SignalAnalyzer analyzer(sample_rate_, channels_);
  analyzer.add_interleaved(std::span<const float>(kept_));
  if (const auto kind = certain_verdict(analyzer.finish(), all_zero_)) {
    stop_ = EarlyStop{*kind, heard};
    certain_now_ = true;
  }
}

}  // namespace micdoctor
