#include "analysis/signal_findings.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>

#include "model/number_text.hpp"

namespace micdoctor {
namespace {

namespace t = signal_thresholds;

constexpr std::array<std::string_view, 14> kSignalIds = {
    "signal.digital_silence", "signal.no_speech",  "signal.too_quiet", "signal.too_loud",       "signal.clipping",
    "signal.dc_offset",       "signal.hum",        "signal.noisy",     "signal.dropouts",       "signal.narrowband",
    "signal.dead_channel",    "signal.inverted_channel", "signal.mic_on_other_channel", "signal.ok"};

Finding make(const char* id, Severity severity, std::string title, std::string detail, std::string advice) {
  if (std::find(kSignalIds.begin(), kSignalIds.end(), std::string_view(id)) == kSignalIds.end()) {
    throw std::logic_error(std::string("signal finding id missing from the catalogue: ") + id);
  }
  Finding finding;
  finding.id = id;
  finding.severity = severity;
  finding.title = std::move(title);
  finding.detail = std::move(detail);
  finding.advice = std::move(advice);
  return finding;
}

using Rule = std::optional<Finding> (*)(const SignalMetrics&);

std::optional<Finding> digital_silence(const SignalMetrics& m) {
  if (m.duration_s <= 0 || m.zero_fraction < t::kDigitalSilenceZeroFraction) return std::nullopt;
  return make("signal.digital_silence", Severity::error, "The recording is pure digital silence",
              decimal(m.zero_fraction * 100, 2) + " % of the samples are exactly zero: nothing reached the recorder, "
              "not even the faint hiss every real microphone makes.",
              "Something upstream delivers zeros: a muted input, a hardware mute switch, a privacy block, "
              "or the wrong input selected. Check those before the microphone itself.");
}

std::optional<Finding> no_speech(const SignalMetrics& m) {
  if (m.duration_s <= 0 || m.speech_level_dbfs) return std::nullopt;
  std::string heard = m.rms_dbfs ? "The level is " + decimal(*m.rms_dbfs) + " dBFS" : "The signal is silent";
  if (m.hum_dbfs) heard += ", mostly mains hum";
  return make("signal.no_speech", Severity::error, "No voice could be heard in the recording",
              heard + "; no stretch of it rises above the background the way speech does.",
              "Speak close to the microphone while it records. If you did speak, the microphone is not the one "
              "being recorded, or its signal does not get through: check the input selection and mute switches.");
}

std::optional<Finding> too_quiet(const SignalMetrics& m) {
  if (!m.speech_level_dbfs || *m.speech_level_dbfs > t::kTooQuietSpeechDbfs) return std::nullopt;
  const double raise = t::kTargetSpeechDbfs - *m.speech_level_dbfs;
  return make("signal.too_quiet", *m.speech_level_dbfs <= t::kVeryQuietSpeechDbfs ? Severity::error : Severity::warning,
              "Your voice is far too quiet",
              "Speech averages " + decimal(*m.speech_level_dbfs) + " dBFS while talking; about " +
                  decimal(t::kTargetSpeechDbfs, 0) + " dBFS is comfortable for listeners.",
              "Raise the microphone's input gain by about " + decimal(raise, 0) +
                  " dB, or speak closer to the microphone.");
}

std::optional<Finding> too_loud(const SignalMetrics& m) {
  if (!m.speech_level_dbfs || *m.speech_level_dbfs < t::kTooLoudSpeechDbfs) return std::nullopt;
  if (m.clipped_fraction >= t::kClippedFraction) return std::nullopt;  // clipping says it better
  const double lower = *m.speech_level_dbfs - t::kTargetSpeechDbfs;
  return make("signal.too_loud", Severity::warning, "Your voice is too loud and close to distorting",
              "Speech averages " + decimal(*m.speech_level_dbfs) + " dBFS while talking, peaks reach " +
                  decimal(m.peak_dbfs.value_or(0)) + " dBFS; there is almost no headroom left.",
              "Lower the microphone's input gain by about " + decimal(lower, 0) + " dB.");
}

std::optional<Finding> clipping(const SignalMetrics& m) {
  if (m.clipped_fraction < t::kClippedFraction) return std::nullopt;
  const bool below_full_scale = m.clipping_ceiling_dbfs && *m.clipping_ceiling_dbfs < -0.5;
  std::string detail = decimal(m.clipped_fraction * 100, 2) + " % of the samples (" + std::to_string(m.clipped_samples) +
                       ") sit flat on a ceiling at " + decimal(m.clipping_ceiling_dbfs.value_or(0)) + " dBFS.";
  std::string advice = "Lower the input gain by at least 10 dB";
  if (below_full_scale) {
    detail += " The ceiling is below full scale: the signal was clipped before a later gain stage.";
    advice += " at the stage that clips (often a microphone boost or preamp setting), not only the final volume";
  }
  return make("signal.clipping",
              m.clipped_fraction >= t::kHeavilyClippedFraction ? Severity::error : Severity::warning,
              "The sound is clipping (distorted)", detail, advice + ", then test again.");
}

std::optional<Finding> dc_offset(const SignalMetrics& m) {
  if (std::fabs(m.dc_offset) < t::kDcOffset) return std::nullopt;
  return make("signal.dc_offset", Severity::warning, "The signal is shifted away from zero (DC offset)",
              "The average sample value is " + decimal(m.dc_offset, 4) + " of full scale; it should be close to 0.",
              "This usually points to a faulty microphone preamp, a wrong bias voltage or a cheap USB adapter. "
              "Try another port or adapter; a high-pass filter in the recording software removes it.");
}

std::optional<Finding> hum(const SignalMetrics& m) {
  if (!m.hum_dbfs || *m.hum_dbfs < t::kHumDbfs) return std::nullopt;
  return make("signal.hum", *m.hum_dbfs >= t::kLoudHumDbfs ? Severity::error : Severity::warning,
              "There is a mains hum (" + decimal(m.hum_hz.value_or(0), 0) + " Hz)",
              "A " + decimal(m.hum_hz.value_or(0), 0) + " Hz hum with its harmonics measures " + decimal(*m.hum_dbfs) +
                  " dBFS" + (m.speech_level_dbfs ? ", " + decimal(*m.speech_level_dbfs - *m.hum_dbfs) + " dB under the voice." : "."),
              "Hum comes from the mains: a ground loop, an unshielded cable near a power supply, or a laptop "
              "charger. Unplug the charger for a test, move the cable away from power cables, or use a USB "
              "microphone or a ground-loop isolator.");
}

// The margin the natural way round: a voice "only 6.0 dB above" the noise, or
// "the background is 4.8 dB louder than the voice" (never "-4.8 dB above").
std::string voice_against_noise(double snr_db, double noise_dbfs) {
  const double tenths = std::round(snr_db * 10.0) / 10.0;
  const std::string noise = "the background noise (" + decimal(noise_dbfs) + " dBFS)";
  if (tenths > 0.0) return "The voice stands only " + decimal(tenths) + " dB above " + noise + "; 25 dB or more is clear.";
  if (tenths == 0.0) return "The voice is no louder than " + noise + "; a clear voice stands 25 dB or more above it.";
  return "The background noise (" + decimal(noise_dbfs) + " dBFS) is " + decimal(-tenths) +
         " dB louder than the voice; a clear voice stands 25 dB or more above it.";
}

std::optional<Finding> noisy(const SignalMetrics& m) {
  if (!m.snr_db || *m.snr_db > t::kNoisySnrDb) return std::nullopt;
  return make("signal.noisy", *m.snr_db <= t::kVeryNoisySnrDb ? Severity::error : Severity::warning,
              *m.snr_db < -0.05 ? "Background noise is louder than your voice"
                                : "Background noise is almost as loud as your voice",
              voice_against_noise(*m.snr_db, m.noise_floor_dbfs.value_or(0)),
              "Move the microphone closer to your mouth rather than raising the gain, switch off fans or other "
              "noise sources, and turn on noise suppression in the call application.");
}

std::optional<Finding> dropouts(const SignalMetrics& m) {
  if (m.dropouts < static_cast<std::uint64_t>(t::kDropouts)) return std::nullopt;
  return make("signal.dropouts",
              m.dropouts >= static_cast<std::uint64_t>(t::kManyDropouts) ? Severity::error : Severity::warning,
              "The sound keeps cutting out",
              std::to_string(m.dropouts) + " gaps of exact silence (20 ms or longer) cut into the sound.",
              "Gaps like these come from lost audio buffers: a busy computer, a USB hub or a weak Bluetooth link. "
              "Plug the microphone straight into the computer, close heavy programs, or move closer to the "
              "Bluetooth adapter.");
}

std::optional<Finding> narrowband(const SignalMetrics& m) {
  if (!m.bandwidth_hz || !m.speech_level_dbfs || m.sample_rate < t::kNarrowbandMinRateHz ||
      *m.bandwidth_hz > t::kNarrowbandEdgeHz) {
    return std::nullopt;
  }
  return make("signal.narrowband", Severity::warning, "The sound is muffled like a phone call",
              "The content stops at " + decimal(*m.bandwidth_hz / 1000.0) + " kHz although the recording runs at " +
                  decimal(m.sample_rate / 1000.0) + " kHz; speech normally reaches 7 kHz and more.",
              "This is typical of a Bluetooth headset in its hands-free (HFP/HSP) mode, or of a bad resampler. "
              "Use a wired or USB microphone, or a headset that supports a wideband (mSBC/LC3) voice link.");
}

// A multi-channel interface (more than two channels) whose first two are
// silent while a later one carries the sound: the microphone is plugged into
// another input, and applications that take the first channels hear nothing.
// The channel that carries it (the loudest), 0-based; null when this is not it.
std::optional<std::size_t> other_channel_carrying(const SignalMetrics& m) {
  const auto& rms = m.channel_rms_dbfs;
  if (m.channels <= 2 || rms.size() <= 2) return std::nullopt;
  if (rms[0] > t::kDeadChannelDbfs || rms[1] > t::kDeadChannelDbfs) return std::nullopt;
  const auto loudest = std::max_element(rms.begin() + 2, rms.end());
  if (*loudest < t::kLiveChannelDbfs) return std::nullopt;
  return static_cast<std::size_t>(loudest - rms.begin());
}

std::optional<Finding> mic_on_other_channel(const SignalMetrics& m) {
  const std::optional<std::size_t> carrying = other_channel_carrying(m);
  if (!carrying) return std::nullopt;
  const std::string channel = std::to_string(*carrying + 1);
  return make("signal.mic_on_other_channel", Severity::warning,
              "The microphone arrives on channel " + channel + ", not on channels 1 and 2",
              "Of the " + std::to_string(m.channels) + " channels, 1 and 2 stay at or under " +
                  decimal(t::kDeadChannelDbfs, 0) + " dBFS while channel " + channel + " carries " +
                  decimal(m.channel_rms_dbfs[*carrying]) + " dBFS: applications that record the first (stereo) "
                  "channels hear nothing.",
              "Plug the microphone into input 1 of the interface, or select input channel " + channel +
                  " in the recording application (many call it \"Input " + channel + "\").");
}

std::optional<Finding> dead_channel(const SignalMetrics& m) {
  if (m.channels < 2) return std::nullopt;
  if (other_channel_carrying(m)) return std::nullopt;  // the unused inputs of an interface: mic_on_other_channel says it
  const auto loudest = std::max_element(m.channel_rms_dbfs.begin(), m.channel_rms_dbfs.end());
  if (loudest == m.channel_rms_dbfs.end() || *loudest < t::kLiveChannelDbfs) return std::nullopt;
  std::string dead;
  for (std::size_t c = 0; c < m.channel_rms_dbfs.size(); ++c) {
    if (m.channel_rms_dbfs[c] <= t::kDeadChannelDbfs) dead += (dead.empty() ? "" : ", ") + std::to_string(c + 1);
  }
  if (dead.empty()) return std::nullopt;
  return make("signal.dead_channel", Severity::warning, "One channel of the recording is silent",
              "Channel " + dead + " stays at or under " + decimal(t::kDeadChannelDbfs, 0) + " dBFS while channel " +
                  std::to_string(loudest - m.channel_rms_dbfs.begin() + 1) + " carries " + decimal(*loudest) + " dBFS.",
              "A mono microphone is being recorded as stereo, or a cable or plug is half connected. Record in mono, "
              "or check the plug (a TRS/TRRS mismatch) and the channel setup.");
}

std::optional<Finding> inverted_channel(const SignalMetrics& m) {
  if (!m.channel_correlation || *m.channel_correlation > t::kInvertedCorrelation) return std::nullopt;
  return make("signal.inverted_channel", Severity::warning, "Two channels cancel each other out",
              "Channels " + std::to_string(m.correlation_pair[0] + 1) + " and " + std::to_string(m.correlation_pair[1] + 1) +
                  " are mirror images (correlation " + decimal(*m.channel_correlation, 2) +
                  "): mixed to mono, as calls do, the voice nearly disappears.",
              "Invert the polarity of one channel or record only one of them; some array microphones need "
              "their driver's \"microphone array\" mode or the right channel setup.");
}

constexpr Rule kRules[] = {digital_silence, no_speech, too_quiet,   too_loud,     clipping,        dc_offset,
                           hum,             noisy,     dropouts,    narrowband,   dead_channel,    inverted_channel,
                           mic_on_other_channel};

}  // namespace

std::span<const std::string_view> signal_finding_ids() { return kSignalIds; }

std::vector<Finding> signal_findings(const SignalMetrics& metrics) {
  std::vector<Finding> findings;
  for (Rule rule : kRules) {
    if (auto finding = rule(metrics)) findings.push_back(std::move(*finding));
  }
  std::stable_sort(findings.begin(), findings.end(), [](const Finding& a, const Finding& b) {
    return static_cast<int>(a.severity) > static_cast<int>(b.severity);
  });
  if (findings.empty()) {
    std::string detail = "Speech at " + (metrics.speech_level_dbfs ? decimal(*metrics.speech_level_dbfs) : std::string("-")) +
                         " dBFS, " +
                         (metrics.snr_db ? decimal(*metrics.snr_db) + " dB above the background"
                                         : std::string("background not measured (no pause heard)")) +
                         ", no clipping, hum or dropouts.";
    findings.push_back(make("signal.ok", Severity::info, "The recording sounds fine", detail, "Nothing to do."));
  }
  return findings;
}

}  // namespace micdoctor
