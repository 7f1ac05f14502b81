#pragma once
// The level meter of `micdoctor watch`: the metered source's audio in
// 100 ms blocks, turned into level lines, silences, clipping bursts and
// swings of the voice level (docs/watch.md has the thresholds). A few
// operations per sample and a little work per block: cheap enough to run
// for hours beside a call. Time is the sample count since the meter started.
#include <cstddef>
#include <deque>
#include <span>
#include <string>
#include <vector>

#include "model/capture.hpp"
#include "watch/call_watch.hpp"
#include "watch/watch_event.hpp"

namespace micdoctor::watch {

inline constexpr double kBlockSeconds = 0.1;
// A block is silent below this RMS level.
inline constexpr double kSilenceDbfs = -80.0;
// A silence counts once it lasted this long (while an app records the source).
inline constexpr double kSilenceMinSeconds = 2.0;
// A sample at or above this magnitude is at full scale; a block with at
// least kClippedSamplesPerBlock of them is clipped.
inline constexpr float kClipMagnitude = 0.999F;
inline constexpr std::size_t kClippedSamplesPerBlock = 3;
// Clipped blocks less than this apart belong to one burst.
inline constexpr double kBurstGapSeconds = 1.0;
// At most one signal.clipping event this often (every burst still counts).
inline constexpr double kClippingEventEverySeconds = 5.0;
// The voice level: the 90th percentile of the block levels in each 5 s
// span, taken only when the span holds speech (the percentile at least
// 12 dB above the span's 10th percentile and above -70 dBFS).
inline constexpr double kVoiceSpanSeconds = 5.0;
inline constexpr double kVoiceMinDbfs = -70.0;
inline constexpr double kVoiceMinContrastDb = 12.0;
// ... and at least 1 s of it (10 blocks) is 12 dB above that 10th percentile.
inline constexpr std::size_t kVoiceMinActiveBlocks = 10;
// A swing: two consecutive 5 s spans whose voice levels are both more than
// kSwingDb away (the same way) from the median voice level of the minute before.
inline constexpr double kSwingDb = 20.0;
inline constexpr double kSwingWindowSeconds = 60.0;

// The level history for the timeline's picture: one point a second, pairs
// merged when full, so at most CallWatch::kMaxLevelPoints whatever the length.
class LevelHistory {
 public:
  explicit LevelHistory(std::vector<LevelPoint>& points) : points_(points) {}
  void add_block(double elapsed_s, double mean_square, double peak);
  void flush();  // the partial point, at the end of a meter

 private:
  void thin();
  std::vector<LevelPoint>& points_;
  std::size_t blocks_per_point_ = 10;
  std::size_t blocks_ = 0;
  double start_s_ = 0;
  double sum_mean_square_ = 0;
  double peak_ = 0;
};

// What the meter counted, for the findings (bounded).
struct MeterTotals {
  std::size_t clipping_bursts = 0;
  std::size_t clipped_samples = 0;
  std::vector<double> burst_times;  // the first kMaxBurstTimes bursts' elapsed_s
  static constexpr std::size_t kMaxBurstTimes = 20;
};

class SignalMeter {
 public:
  // `label`: the source's description for the events ("" when it has none).
  SignalMeter(std::string source, std::string label, const CaptureFormat& format, double start_elapsed_s,
              double level_every_s, LevelHistory& history, MeterTotals& totals);

  // Interleaved samples. `recording_apps`: the apps recording this source
  // now ("" for none), which is what makes a silence count.
  void feed(std::span<const float> interleaved, const std::string& recording_apps, std::vector<WatchEvent>& out);
  // No audio came up to elapsed_s: feeds digital silence up to it.
  void feed_silence_until(double elapsed_s, const std::string& recording_apps, std::vector<WatchEvent>& out);
  // The meter stops (or the watch ends): closes a silence still going on and
  // a clipping burst, flushes the level history.
  void stop(std::vector<WatchEvent>& out);

  bool valid() const { return block_frames_ > 0 && channels_ > 0; }
  double now_s() const;
  bool in_silence() const { return silence_reported_; }

 private:
  void end_block(const std::string& recording_apps, std::vector<WatchEvent>& out);
  void level_span(double block_db, std::vector<WatchEvent>& out);
  void voice_span(std::vector<WatchEvent>& out);
  void silence(bool silent, const std::string& recording_apps, std::vector<WatchEvent>& out);
  void clipping(bool clipped, std::vector<WatchEvent>& out);
  void close_burst(std::vector<WatchEvent>& out);
  void close_silence(bool still_silent, std::vector<WatchEvent>& out);
  WatchEvent event(EventKind kind, double elapsed_s) const;
  double block_start_s(std::size_t block) const;

  std::string source_;
  std::string label_;
  std::size_t channels_ = 0;
  std::size_t block_frames_ = 0;
  int sample_rate_ = 0;
  double start_s_ = 0;
  std::size_t level_blocks_ = 0;
  LevelHistory& history_;
  MeterTotals& totals_;

  // The block being filled.
  std::size_t blocks_done_ = 0;
  std::size_t frames_in_block_ = 0;
  double block_sum_squares_ = 0;
  float block_peak_ = 0;
  std::size_t block_clipped_ = 0;

  // The level line's span.
  std::size_t span_blocks_ = 0;
  double span_sum_mean_square_ = 0;
  double span_peak_ = 0;

  // The voice level.
  std::vector<double> voice_block_db_;
  bool has_voice_ = false;
  double voice_db_ = -120;
  double voice_at_s_ = 0;                               // when it was measured (the span's end)
  std::deque<std::pair<double, double>> recent_voice_;  // (span start, dBFS) of the last minute
  double previous_deviation_ = 0;                       // the previous span's distance from the reference
  double last_swing_s_ = -1e9;

  // Silence.
  std::size_t silent_blocks_ = 0;
  double silence_start_s_ = 0;
  bool silence_reported_ = false;

  // Clipping.
  bool in_burst_ = false;
  double burst_start_s_ = 0;
  double burst_last_clipped_end_s_ = 0;
  std::size_t burst_samples_ = 0;
  double last_clipping_event_s_ = -1e9;
  std::size_t bursts_not_shown_ = 0;
};

double to_dbfs(double mean_square);

}  // namespace micdoctor::watch
