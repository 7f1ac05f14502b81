#pragma once
// Voice activity and speech level, in the spirit of ITU-T P.56.
//
// Each analysis frame (about 32 ms) gets one feature: its energy in the
// voiced speech band (250 Hz to 1.5 kHz) of a decimated mono mix. The band holds most of a
// voice's energy, keeps DC and the mains fundamental out, and only a small
// share of broadband noise. Mains hum harmonics inside the band beat against
// each other within a short frame and would look like syllables, so the
// feature is the smaller of the frame's band energy and that of the frame
// minus the audio one mains period earlier (a comb that nulls anything
// periodic at 50 or 60 Hz; halved, as it doubles unrelated sound). Frames go
// into a histogram keyed by that band energy, which also carries the frames'
// full-band sums. At the end the active level is found as P.56 does: the
// threshold settles 15.9 dB under the level of what it selects (and at least
// 6 dB above the pauses' level when pauses were heard). Memory is constant.
//
// Speech is told from noise and hum by what speech is, not by where the
// quietest stretch lies (a person may talk through a whole 3-second test):
// a frame is speech-like when it is voiced (a pitch period of 70-400 Hz
// repeats in it) and stands at least 6 dB above the quietest frame of the
// last two seconds (the 2-8 Hz syllable modulation that steady noise, hum and
// a fan never show). The background is measured only in pauses: at least
// 128 ms of steady frames, not clearly voiced, close to the running minimum
// of the call band (80 Hz-8 kHz) and of the voice band. When no pause was
// heard the noise floor is not measured, and the active level comes from the
// P.56 threshold alone. See docs/analyze.md.
#include <array>
#include <cstdint>
#include <vector>

#include "analysis/channel_stats.hpp"
#include "analysis/real_fft.hpp"

namespace micdoctor {

enum class FrameClass { quiet, loud, other };

struct SpeechResult {
  bool speech_present = false;
  double speech_seconds = 0;
  double speech_power = 0;      // full band, DC removed, background subtracted
  double background_power = 0;  // full band, DC removed: the mean of the pause frames
  bool background_measured = false;  // a pause was heard; otherwise both background powers are 0
  double background_call_power = 0;  // the pauses' mono mix in the call band (80 Hz-8 kHz)
  double speech_like_seconds = 0;    // voiced frames riding on a syllable-rate swing (counted
                                     // only until there are enough to call speech present)
};

class SpeechActivity {
 public:
  // `mains_period` (decimated samples, 0 for none): see mains_period_samples().
  SpeechActivity(int channels, double decimated_rate, int sample_rate, int mains_period);

  static constexpr int kFrameSize = 128;  // decimated samples per frame (about 32 ms)

  // One frame: `decimated` holds up to kFrameSize samples of the mono mix;
  // `sums` are the frame's full-rate per-channel sums over `frames` frames.
  // Returns a provisional class from a running noise floor, for the
  // components that must decide while streaming (hum, bandwidth).
  // `call_band_power` is the frame's mean square of the mono mix in the call
  // band (80 Hz-8 kHz); negative when it was not measured (a short last frame).
  FrameClass add_frame(const float* decimated, int count, const BlockSums& sums, std::size_t frames,
                       double call_band_power);

  // Periodicity of a frame: the highest normalised autocorrelation peak at a
  // pitch lag (70-400 Hz) of the frame high-passed at 250 Hz (a voice's
  // harmonics there still repeat with its pitch; rumble, the mains
  // fundamental and its third harmonic are gone), reaching back into the
  // previous frame. Public for the unit tests.
  double voicing(const float* samples, int count);

  // `channel_means` are the whole recording's DC per channel.
  SpeechResult finish(const std::array<double, kMaxChannels>& channel_means) const;

 private:
  struct Bin {
    std::uint64_t frames = 0;
    double samples = 0;  // full-rate frames covered
    double band_energy = 0;
    std::array<double, kMaxChannels> sum{};
    std::array<double, kMaxChannels> sum_squares{};
  };
  double band_energy(const float* samples, int count);
  struct PauseSums {  // frames of background
    std::uint64_t frames = 0;
    double power = 0, call_power = 0, band_energy = 0;
    std::uint64_t call_frames = 0;
    double lowest_call_db = 0, highest_call_db = 0;  // of a stretch: background is steady
    bool holds_digital_silence = false;  // of a stretch: a frame of exact zeros (a dropout)
    // A closed stretch joins the pauses: its sums, not its steadiness bounds.
    void add(const PauseSums& stretch) {
      frames += stretch.frames;
      power += stretch.power;
      band_energy += stretch.band_energy;
      call_frames += stretch.call_frames;
      call_power += stretch.call_power;
    }
  };
  void close_stretch();
  // A closed stretch waits until the frames after it have been heard: see add_frame().
  struct PendingPause {
    PauseSums sums;
    std::size_t closed_at = 0;  // recent_count_ when it closed
  };
  void judge_pending_pauses();
  bool all_zeros(const BlockSums& sums, std::size_t frames) const;  // every sample of every channel
  void filter_for_voicing(const float* samples, int count);  // every frame: keeps the filter's state
  void high_pass_for_voicing(const float* samples, std::size_t n, float* out);  // n > 0
  double periodicity();  // of the frame last filtered
  int bin_of(double band_db) const;
  double bin_centre_db(int bin) const;
  double ac_power(const Bin& total, const std::array<double, kMaxChannels>& means) const;
  Bin merged(int from_bin, int to_bin) const;
  SpeechResult measure_against(const PauseSums& background, const std::array<double, kMaxChannels>& channel_means) const;

  int channels_;
  int sample_rate_;
  PowerSpectrumFft fft_;
  std::vector<float> window_;
  std::vector<float> windowed_, power_;
  int band_first_bin_, band_last_bin_;
  double power_scale_;
  std::vector<Bin> bins_;       // keyed by speech-band energy, carrying full-band sums
  std::array<double, 64> recent_db_{};  // running floor: minimum of the last ~2 s
  std::size_t recent_count_ = 0;
  std::size_t hangover_frames_ = 1;
  std::vector<float> history_;     // the last mains period of the mix, for the comb
  std::size_t history_at_ = 0;
  std::size_t history_filled_ = 0;
  std::vector<float> combed_;
  // Voicing: the high-passed previous frame, then this one.
  std::vector<float> difference_;  // 2 * kFrameSize
  std::vector<double> cumulative_energy_;
  struct Section {
    double b0, b1, b2, a1, a2, s1 = 0, s2 = 0;
  };
  std::array<Section, 2> voicing_high_pass_{};
  int min_lag_, max_lag_;
  // Pauses: the open stretch of candidate frames, the closed ones still
  // waiting for what follows them, and the pauses proper.
  PauseSums stretch_, pauses_;
  std::vector<PendingPause> pending_pauses_;  // oldest first; a few at most (see close_stretch)
  std::array<double, 64> recent_call_db_{};  // running minimum of the call band, as recent_db_
  std::size_t call_count_ = 0;
  double speech_like_samples_ = 0;
};

}  // namespace micdoctor
