#pragma once
// When the microphone test may stop before its full time: as soon as the
// verdict is certain. Two verdicts are certain early:
//   - silence: about 1 s of exact digital zeros (a muted input, a privacy
//     switch: a live microphone always delivers some hiss, never exact zeros),
//     but only when the microphone's settings already explain them (it is
//     muted, at 0 %, its capture switch or mute key is off, its jack empty).
//     From a microphone whose every setting is on, zeros are the puzzle the
//     person needs the whole test for: a device waking up (a virtual source's
//     or a Bluetooth link's first audio can take 2 s), or a hardware mute
//     switch they flip while it listens;
//   - fine: about 2 s of listening that hold clean speech over a quiet
//     background, every measure far from any finding's threshold. The
//     background is the analyser's noise floor when it heard a pause; a
//     person who talks without one is judged by the quietest 32 ms of the
//     recording, an upper bound of every steady sound under the voice (noise,
//     hum) that is not known yet.
// Everything else (hum, dropouts, noise, a level or clipping near a limit, a
// fault of any kind) keeps listening to the full time asked for: those need
// more of the recording to be judged, and a fault is no reason to hurry.
//
// Fed the same blocks as the SignalAnalyzer, in the order they arrive. The
// decision is taken at checkpoints on the audio's own clock (every 100 ms of
// audio, then every 5 % of what was heard), never on a wall clock, so a file
// played block by block decides exactly where a live capture would. The
// verdict at a checkpoint is the analyser's own on everything heard up to it
// (EarlyVerdict keeps the audio and analyses it again, which costs some
// 0.5 ms per second of audio), so an early verdict cannot differ from what
// the test then reports. Pure computation: no clock, device or file.
//
//   EarlyVerdict early(48000, 2, SilenceExplained::yes);
//   const std::size_t taken = early.add_interleaved(block);  // all of it until certain
//   analyzer.add_interleaved(block.first(taken));
//   if (early.stop()) /* stop recording: early.stop()->seconds were heard */;
#include <cstddef>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "analysis/signal_analyzer.hpp"

namespace micdoctor {

enum class EarlyVerdictKind { silence, fine };
// Whether the state the microphone is in explains exact zeros (see above):
// only then may silence end the test early.
enum class SilenceExplained { no, yes };
std::string_view to_string(EarlyVerdictKind kind);

struct EarlyStop {
  EarlyVerdictKind kind = EarlyVerdictKind::fine;
  double seconds = 0;  // the audio heard when the verdict became certain
};

namespace early_verdict_rules {
inline constexpr double kSilenceSeconds = 1.0;      // exact zeros for this long: silence
inline constexpr double kFineSeconds = 2.0;         // listening before "fine" can be certain
inline constexpr double kFineSpeechSeconds = 1.0;   // of it, active speech at least
inline constexpr double kCheckEverySeconds = 0.1;   // checkpoints, on the audio's clock...
inline constexpr double kCheckEveryFraction = 0.05; // ...spreading out over long tests
// Margins from the finding thresholds (signal_thresholds) for "fine".
inline constexpr double kQuietMarginDb = 6.0;       // speech at least this much over too_quiet
inline constexpr double kLoudMarginDb = 3.0;        // and this much under too_loud
inline constexpr double kSnrMarginDb = 10.0;        // over noisy: 25 dB, "clear" in the findings' words
inline constexpr double kHumMarginDb = 12.0;        // any measured hum this far under signal.hum
inline constexpr double kClippingShare = 0.25;      // of signal.clipping's fraction
inline constexpr double kDcShare = 0.5;             // of signal.dc_offset's offset
inline constexpr double kBandwidthMarginHz = 1000;  // over signal.narrowband's edge
inline constexpr double kChannelMarginDb = 10.0;    // every channel over signal.dead_channel
inline constexpr double kCorrelationMargin = 0.4;   // over signal.inverted_channel
// Without a measured noise floor: the quietest 32 ms frame (the channels'
// mean, DC removed, frames of exact zeros left out) this far under the
// speech level (signal.noisy's 15 dB + 10 dB margin + 5 dB for a frame
// lying under the background's average), and under signal.hum's level by
// the hum margin (a hum never pauses).
inline constexpr double kQuietFrameSeconds = 0.032;
inline constexpr double kQuietestUnderSpeechDb = 30.0;
// The audio kept for re-analysis, in samples (all channels): 32 MB of
// floats, 83 s of 48 kHz stereo. A longer test just listens to its end.
inline constexpr std::size_t kMaxKeptSamples = std::size_t{8} << 20;
}  // namespace early_verdict_rules

// Whether an analysis of part of a recording is certain to be the verdict
// of all of it: the rules above, as a pure function. `all_zero` says every
// sample heard was exactly zero; `quietest_dbfs` is the power of the
// quietest frame heard (nullopt: none).
std::optional<EarlyVerdictKind> certain_verdict(const SignalAnalysis& so_far, bool all_zero,
                                                std::optional<double> quietest_dbfs = std::nullopt);

class EarlyVerdict {
 public:
  // Throws std::invalid_argument as SignalAnalyzer does.
  EarlyVerdict(int sample_rate, int channels, SilenceExplained silence_explained);

  // The next interleaved block. Returns how many of its samples were heard
  // before the verdict became certain: all of them until then (a block is
  // cut at the checkpoint that decides), none after. Whole frames only.
  std::size_t add_interleaved(std::span<const float> samples);

  // Set at the checkpoint where the verdict became certain; the block was
  // cut there and nothing more is taken, unless listen_on() is called.
  const std::optional<EarlyStop>& stop() const { return stop_; }
  // Two recordings judged together (a filter and its microphone) stop only
  // when both are certain: the one that is certain first listens on, and is
  // judged again at its next checkpoint.
  void listen_on() { stop_.reset(); }
  // Whether the latest checkpoint found the verdict certain.
  bool certain_now() const { return certain_now_; }
  double seconds_heard() const;

 private:
  void checkpoint();
  std::size_t next_checkpoint_frame() const;
  void measure_quiet_frames(std::span<const float> part);

  int sample_rate_;
  int channels_;
  SilenceExplained silence_explained_;
  std::size_t frames_ = 0;
  std::size_t checked_at_frame_ = 0;
  bool all_zero_ = true;
  bool certain_now_ = false;
  bool keeping_ = true;  // false once the kept audio would pass its bound
  std::vector<float> kept_;
  std::optional<EarlyStop> stop_;
  // The quietest frame: the open frame's sums, and the lowest power so far.
  std::size_t quiet_frame_frames_;
  std::size_t frame_fill_ = 0;
  double frame_sum_ = 0, frame_squares_ = 0;
  bool frame_all_zero_ = true;
  std::optional<double> quietest_power_;
};

}  // namespace micdoctor
