#include "analysis/speech_activity.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "analysis/dsp_util.hpp"
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace micdoctor {
namespace {
constexpr double kBandLowHz = 250.0;
constexpr double kBandHighHz = 1500.0;
constexpr double kLowestDb = -160.0;  // bin 0 also holds exact digital silence
constexpr double kHighestDb = 20.0;
constexpr double kBinDb = 0.5;
constexpr int kBins = static_cast<int>((kHighestDb - kLowestDb) / kBinDb);

constexpr double kSpeechMarginDb = 6.0;     // speech stands at least this far above the floor
constexpr double kP56MarginDb = 15.9;       // P.56: threshold sits 15.9 dB under the active level
constexpr double kMinSpeechSeconds = 0.25;
constexpr double kHangoverSeconds = 0.2;    // P.56 hangover
constexpr double kRunningLoudDb = 10.0;     // streaming classes for hum and bandwidth
constexpr double kRunningQuietDb = 3.0;
// Speech by what it is.
constexpr double kLowestPitchHz = 70.0, kHighestPitchHz = 400.0;
constexpr double kVoicingHighPassHz = 250.0;
constexpr double kVoicedCorrelation = 0.55;  // white noise in a 32 ms frame peaks near 0.3
constexpr double kSyllableSwingDb = 6.0;     // a voiced frame this far above the running minimum
constexpr double kMinSpeechLikeSeconds = 0.15;
constexpr double kMainsPeriodicShare = 0.01;  // the comb left less than this of the band
// Pause frames: not clearly voiced, close to the running minimum of the call
// band and not far above that of the voice band (noise with little
// bandwidth there, a rumble, swings more),
constexpr double kClearlyVoicedCorrelation = 0.7;
constexpr double kPauseNearMinimumDb = 4.0;
constexpr double kPauseBandSwingDb = 6.0;
constexpr double kPauseSteadyDb = 4.0;  // and steady within the stretch
constexpr std::uint64_t kMinPauseFrames = 4;  // in a stretch of at least this many (128 ms)
// The running minimum looks back ~2 s; a stretch is also judged against the
// ~2 s after it, so that a test begun mid-word cannot take the quieter end of
// a word for background before the first real pause has been heard.
constexpr std::size_t kPauseLookAheadFrames = 64;
}  // namespace

SpeechActivity::SpeechActivity(int channels, double decimated_rate, int sample_rate, int mains_period)
    : channels_(channels),
      sample_rate_(sample_rate),
      fft_(kFrameSize),
      window_(blackman_harris_window(kFrameSize)),
      windowed_(kFrameSize),
      power_(static_cast<std::size_t>(kFrameSize / 2 + 1)),
      bins_(kBins),
      history_(static_cast<std::size_t>(std::max(0, mains_period)), 0.0f),
      combed_(kFrameSize),
      difference_(static_cast<std::size_t>(2 * kFrameSize), 0.0f),
      cumulative_energy_(static_cast<std::size_t>(2 * kFrameSize + 1), 0.0) {
  pending_pauses_.reserve(kPauseLookAheadFrames / kMinPauseFrames + 1);
  min_lag_ = std::max(2, static_cast<int>(std::floor(decimated_rate / kHighestPitchHz)));
  max_lag_ = std::min(kFrameSize - 2, static_cast<int>(std::ceil(decimated_rate / kLowestPitchHz)));
  // Fourth-order Butterworth high-pass: two sections with Q 0.541 and 1.307.
  const double wv = std::tan(std::numbers::pi * kVoicingHighPassHz / decimated_rate);
  const std::array<double, 2> q = {0.5411961001461971, 1.3065629648763766};
  for (std::size_t k = 0; k < 2; ++k) {
    const double a0 = 1.0 + wv / q[k] + wv * wv;
    voicing_high_pass_[k] = {1.0 / a0, -2.0 / a0, 1.0 / a0, 2.0 * (wv * wv - 1.0) / a0, (1.0 - wv / q[k] + wv * wv) / a0};
  }
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

double SpeechActivity::voicing(const float* samples, int count) {
  filter_for_voicing(samples, count);
  return periodicity();
}

namespace {
// One sample through one section of the high-pass (transposed direct form
// II). A high-pass's numerator is b0 (1, -2, 1), and -2 b0 x and b0 x round
// exactly as b1 x and b2 x would: one product serves all three.
inline double high_pass_step(double b0, double a1, double a2, double& s1, double& s2, double in) {
  const double x = b0 * in;
  const double y = x + s1;
  s1 = (-2.0 * x - a1 * y) + s2;
  s2 = x - a2 * y;
  return y;
}
}  // namespace

void SpeechActivity::high_pass_for_voicing(const float* samples, std::size_t n, float* out) {
  Section& first = voicing_high_pass_[0];
  Section& second = voicing_high_pass_[1];
  auto through_first = [&](double in) { return high_pass_step(first.b0, first.a1, first.a2, first.s1, first.s2, in); };
  auto through_second = [&](double in) {
    return high_pass_step(second.b0, second.a1, second.a2, second.s1, second.s2, in);
  };
#if defined(__SSE2__)  // every x86-64
  // Each output waits for the one before, so the two sections run side by
  // side in one register: the first on sample i, the second on the first's
  // output for sample i - 1. The operations and their order are the scalar
  // step's, so the output is the same to the bit.
  double y = through_first(samples[0]);
  const __m128d b0 = _mm_set_pd(second.b0, first.b0);  // (high, low): second, first
  const __m128d a1 = _mm_set_pd(second.a1, first.a1);
  const __m128d a2 = _mm_set_pd(second.a2, first.a2);
  const __m128d minus_two = _mm_set1_pd(-2.0);
  __m128d s1 = _mm_set_pd(second.s1, first.s1);
  __m128d s2 = _mm_set_pd(second.s2, first.s2);
  __m128d outputs = _mm_set_sd(y);  // low: the first section's latest output
  for (std::size_t i = 1; i < n; ++i) {
    const __m128d in = _mm_unpacklo_pd(_mm_set_sd(static_cast<double>(samples[i])), outputs);
    const __m128d x = _mm_mul_pd(b0, in);
    outputs = _mm_add_pd(x, s1);
    s1 = _mm_add_pd(_mm_sub_pd(_mm_mul_pd(minus_two, x), _mm_mul_pd(a1, outputs)), s2);
    s2 = _mm_sub_pd(x, _mm_mul_pd(a2, outputs));
    out[i - 1] = static_cast<float>(_mm_cvtsd_f64(_mm_unpackhi_pd(outputs, outputs)));
  }
  first.s1 = _mm_cvtsd_f64(s1);
  first.s2 = _mm_cvtsd_f64(s2);
  second.s1 = _mm_cvtsd_f64(_mm_unpackhi_pd(s1, s1));
  second.s2 = _mm_cvtsd_f64(_mm_unpackhi_pd(s2, s2));
  y = _mm_cvtsd_f64(outputs);
  out[n - 1] = static_cast<float>(through_second(y));
#else
  for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<float>(through_second(through_first(samples[i])));
#endif
}

void SpeechActivity::filter_for_voicing(const float* samples, int count) {
  const auto n = static_cast<std::size_t>(std::clamp(count, 0, kFrameSize));
  constexpr auto kFrame = static_cast<std::size_t>(kFrameSize);
  std::copy(difference_.begin() + kFrameSize, difference_.end(), difference_.begin());
  float* current = difference_.data() + kFrameSize;
  if (n > 0) high_pass_for_voicing(samples, n, current);
  std::fill(current + n, current + kFrame, 0.0f);
}

double SpeechActivity::periodicity() {
  constexpr auto kFrame = static_cast<std::size_t>(kFrameSize);
  const float* current = difference_.data() + kFrameSize;
  for (std::size_t i = 0; i < 2 * kFrame; ++i) {
    cumulative_energy_[i + 1] = cumulative_energy_[i] + static_cast<double>(difference_[i]) * difference_[i];
  }
  const double energy = cumulative_energy_[2 * kFrame] - cumulative_energy_[kFrame];
  if (!(energy > 0)) return 0;
  // Normalised autocorrelation of this frame against itself `lag` earlier.
  auto correlation = [&](int lag) {
    const float* lagged = current - lag;
    float sum = 0;
#pragma omp simd reduction(+ : sum)
    for (std::size_t i = 0; i < kFrame; ++i) sum += current[i] * lagged[i];
    const auto from = static_cast<std::size_t>(kFrameSize - lag);
    const double lagged_energy = cumulative_energy_[from + kFrame] - cumulative_energy_[from];
    return lagged_energy > 0 ? sum / std::sqrt(energy * lagged_energy) : 0.0;
  };
  // The highest local peak inside the pitch range: a low tone's correlation
  // only rises towards the range's end and has no peak inside it.
  double best = 0;
  double before = correlation(min_lag_ - 1), at = correlation(min_lag_);
  for (int lag = min_lag_; lag <= max_lag_; ++lag) {
    const double after = correlation(lag + 1);
    if (at > before && at >= after) best = std::max(best, at);
    before = at;
    at = after;
  }
  return best;
}

int SpeechActivity::bin_of(double band_db) const {
  return dsp::histogram_bin((band_db - kLowestDb) / kBinDb, kBins);
}

double SpeechActivity::bin_centre_db(int bin) const { return kLowestDb + (bin + 0.5) * kBinDb; }

bool SpeechActivity::all_zeros(const BlockSums& sums, std::size_t frames) const {
  for (int c = 0; c < channels_; ++c) {
    if (sums.zeros[c] < frames) return false;
  }
  return true;
}

FrameClass SpeechActivity::add_frame(const float* decimated, int count, const BlockSums& sums,
                                     std::size_t frames, double call_band_power) {
  // A short final frame would look falsely quiet; its samples still count in the stats.
  if (count < kFrameSize / 2) return FrameClass::other;
  double band = band_energy(decimated, count);
  const double uncombed_band = band;
  if (history_.empty()) filter_for_voicing(decimated, count);
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
    // The pitch is looked for in what the comb leaves: the hum's own
    // periodicity must not count as a voice.
    filter_for_voicing(combed_.data(), count);
    // Until a whole period has passed, the comb has nothing to cancel with:
    // judging those first frames would mistake a hum for speech.
    if (history_filled_ <= history_.size()) return FrameClass::other;
    band = std::min(band, 0.5 * band_energy(combed_.data(), count));
  }
  const double band_db = dsp::power_to_db_floor(band, kLowestDb);

  // The frame's own full-band power (its own DC removed), for the background.
  double frame_power = 0;
  const double n = static_cast<double>(frames);
  for (int c = 0; c < channels_; ++c) frame_power += sums.sum_squares[c] - sums.sum[c] * sums.sum[c] / n;
  frame_power = std::max(0.0, frame_power / (n * channels_));

  recent_db_[recent_count_ % recent_db_.size()] = band_db;
  ++recent_count_;
  const std::size_t filled = std::min(recent_count_, recent_db_.size());
  double floor_db = band_db, hangover_db = band_db;
  for (std::size_t k = 0; k < filled; ++k) {
    const double value = recent_db_[(recent_count_ - 1 - k) % recent_db_.size()];
    floor_db = std::min(floor_db, value);
    if (k < hangover_frames_) hangover_db = std::max(hangover_db, value);
  }

  // The call band's own running minimum.
  double call_floor_db = kHighestDb;
  double call_db = kHighestDb;
  if (call_band_power >= 0) {
    call_db = dsp::power_to_db_floor(call_band_power, kLowestDb);
    recent_call_db_[call_count_ % recent_call_db_.size()] = call_db;
    ++call_count_;
    call_floor_db = call_db;
    for (std::size_t k = 0; k < std::min(call_count_, recent_call_db_.size()); ++k) {
      call_floor_db = std::min(call_floor_db, recent_call_db_[k]);
    }
  }

  // What speech is: voiced, and swinging well above the running minimum at
  // the syllable rate. Steady noise, hum and rumble never swing that far;
  // clicks swing, but carry no pitch.
  // A frame the comb all but cancelled repeats with the mains period: hum
  // (and the pitch found in it is the hum's).
  const bool mains_periodic = band < kMainsPeriodicShare * uncombed_band;
  const bool swings = band_db >= floor_db + kSyllableSwingDb;
  const bool may_pause = call_db <= call_floor_db + kPauseNearMinimumDb && band_db <= floor_db + kPauseBandSwingDb;
  // The pitch search is the costly part: done only where its answer
  // matters, for a frame that may be a pause, or one that swings while too
  // little speech has been found to call it present.
  const bool still_looking = speech_like_samples_ < kMinSpeechLikeSeconds * sample_rate_;
  const double pitch_peak = may_pause || (swings && still_looking) ? periodicity() : 0.0;
  const bool voiced = pitch_peak >= kVoicedCorrelation && !mains_periodic;
  if (voiced && swings) {
    speech_like_samples_ += n;
  }
  // A pause: unvoiced frames that stay close to the running minimum, in the
  // voice band and in the whole call band (a fricative is loud there). Only
  // a stretch of them counts, so that a stop consonant inside a word does not.
  if (may_pause && pitch_peak < kClearlyVoicedCorrelation && !(voiced && swings)) {
    // A background is steady: a frame that would stretch the level range of
    // the stretch too far starts a new one (speech sounds change from frame to frame).
    if (stretch_.frames > 0 && (std::max(stretch_.highest_call_db, call_db) -
                                std::min(stretch_.lowest_call_db, call_db)) > kPauseSteadyDb) {
      close_stretch();
    }
    if (stretch_.frames == 0) stretch_.lowest_call_db = stretch_.highest_call_db = call_db;
    stretch_.lowest_call_db = std::min(stretch_.lowest_call_db, call_db);
    stretch_.highest_call_db = std::max(stretch_.highest_call_db, call_db);
    ++stretch_.frames;
    stretch_.holds_digital_silence = stretch_.holds_digital_silence || all_zeros(sums, frames);
    stretch_.power += frame_power;
    stretch_.band_energy += band;
    if (call_band_power >= 0) {
      ++stretch_.call_frames;
      stretch_.call_power += call_band_power;
    }
  } else {
    close_stretch();
  }
  judge_pending_pauses();

  // Keyed by the loudest frame of the last 200 ms: a frame counts as active
  // while speech was heard within the hangover time, as in P.56.
  Bin& bin = bins_[static_cast<std::size_t>(bin_of(hangover_db))];
  ++bin.frames;
  bin.samples += n;
  bin.band_energy += band;
  for (int c = 0; c < channels_; ++c) {
    bin.sum[c] += sums.sum[c];
    bin.sum_squares[c] += sums.sum_squares[c];
  }

  if (band_db >= floor_db + kRunningLoudDb) return FrameClass::loud;
  if (band_db <= floor_db + kRunningQuietDb) return FrameClass::quiet;
  return FrameClass::other;
}

void SpeechActivity::close_stretch() {
  // Stretches are at least kMinPauseFrames long and wait kPauseLookAheadFrames:
  // the reserved few are never exceeded.
  if (stretch_.frames >= kMinPauseFrames) pending_pauses_.push_back({stretch_, recent_count_});
  stretch_ = PauseSums{};
}

// A pause stands near the minimum of the ~2 s around it, not only of the
// ~2 s before it: a clearly quieter pause soon after a stretch shows the
// stretch was speech (the quieter end of a word, heard before any real
// pause). Judged against a pause, not a frame: noise such as babble dips
// for a frame or two. Exact digital silence is a dropout, not a background.
void SpeechActivity::judge_pending_pauses() {
  const bool quieter_pause_open = stretch_.frames >= kMinPauseFrames && !stretch_.holds_digital_silence;
  std::size_t kept = 0;
  for (const PendingPause& pending : pending_pauses_) {
    if (quieter_pause_open && stretch_.highest_call_db < pending.sums.lowest_call_db - kPauseNearMinimumDb) continue;
    if (recent_count_ - pending.closed_at >= kPauseLookAheadFrames) {
      pauses_.add(pending.sums);
    } else {
      pending_pauses_[kept++] = pending;
    }
  }
  pending_pauses_.resize(kept);
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

SpeechActivity::Bin SpeechActivity::merged(int from_bin, int to_bin) const {  // inclusive range
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
}

SpeechResult SpeechActivity::finish(const std::array<double, kMaxChannels>& channel_means) const {
  std::uint64_t total_frames = 0;
  for (const Bin& b : bins_) total_frames += b.frames;
  if (total_frames == 0) return SpeechResult{};

  // The background, from the pauses; a stretch still open at the end counts
  // too, and those still waiting for what follows them count as heard so far.
  PauseSums pauses = pauses_;
  for (const PendingPause& pending : pending_pauses_) pauses.add(pending.sums);
  if (stretch_.frames >= kMinPauseFrames) pauses.add(stretch_);

  SpeechResult result = measure_against(pauses, channel_means);
  // Voiced syllables were heard rising above the running minimum, yet no
  // frame stands above the "background": what was taken for pauses was the
  // voice itself (talk with no real pause, the quieter sounds of words
  // steady for a moment). Judged as heard without a pause.
  if (result.background_measured && !result.speech_present && result.speech_like_seconds >= kMinSpeechLikeSeconds) {
    result = measure_against(PauseSums{}, channel_means);
  }
  return result;
}

SpeechResult SpeechActivity::measure_against(const PauseSums& background,
                                             const std::array<double, kMaxChannels>& channel_means) const {
  SpeechResult result;
  result.background_measured = background.frames > 0;
  double background_band = 0;
  double lowest_threshold_db = kLowestDb;  // without a floor: P.56 alone
  if (result.background_measured) {
    const auto count = static_cast<double>(background.frames);
    background_band = background.band_energy / count;
    result.background_power = background.power / count;
    result.background_call_power = background.call_frames
                                       ? background.call_power / static_cast<double>(background.call_frames)
                                       : result.background_power;
    lowest_threshold_db = dsp::power_to_db_floor(background_band, kLowestDb) + kSpeechMarginDb;
  } else {
    for (int b = 0; b < kBins; ++b) {
      if (bins_[static_cast<std::size_t>(b)].frames > 0) {
        lowest_threshold_db = bin_centre_db(b);
        break;
      }
    }
  }

  // P.56-style threshold: iterate until it sits 15.9 dB under what it
  // selects. Rising from below, it settles on the lowest such threshold.
  double threshold_db = lowest_threshold_db;
  for (int iteration = 0; iteration < 60; ++iteration) {
    const Bin active = merged(bin_of(threshold_db), kBins - 1);
    if (active.frames == 0) break;
    const double active_band = active.band_energy / static_cast<double>(active.frames) - background_band;
    if (!(active_band > 0)) break;
    const double next = std::max(lowest_threshold_db, 10.0 * std::log10(active_band) - kP56MarginDb);
    if (std::fabs(next - threshold_db) < kBinDb / 2) break;
    threshold_db = next;
  }

  const Bin active = merged(bin_of(threshold_db), kBins - 1);
  result.speech_seconds = active.samples / sample_rate_;
  result.speech_like_seconds = speech_like_samples_ / sample_rate_;
  result.speech_present = result.speech_seconds >= kMinSpeechSeconds && result.speech_like_seconds >= kMinSpeechLikeSeconds;
  if (result.speech_present) {
    const double active_power = ac_power(active, channel_means);
    // Speech alone: take the background out of the active frames' power.
    result.speech_power = std::max(active_power - result.background_power, 0.01 * active_power);
  }
  return result;
}

}  // namespace micdoctor
