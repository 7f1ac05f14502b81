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
// periodic at 50 or 60 Hz; halved, as it doubles unrelated sound). Frames are not judged one by
// one while streaming; they go into a histogram keyed by that band energy,
// which also carries the frames' full-band sums. At the end the noise floor
// is a low percentile of the histogram, speech is what stands clearly above
// it, and the active level is found as P.56 does: the threshold settles
// 15.9 dB under the level of what it selects. Memory is constant.
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
  double background_power = 0;  // full band, DC removed: frames at the 10th percentile
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
  FrameClass add_frame(const float* decimated, int count, const BlockSums& sums, std::size_t frames);

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
  struct PowerBin {  // frames by their own full-band power
    std::uint64_t frames = 0;
    double power = 0;
  };
  int bin_of(double band_db) const;
  double bin_centre_db(int bin) const;
  double ac_power(const Bin& total, const std::array<double, kMaxChannels>& means) const;

  int channels_;
  int sample_rate_;
  RealFft fft_;
  std::vector<float> window_;
  std::vector<float> windowed_, power_;
  int band_first_bin_, band_last_bin_;
  double power_scale_;
  std::vector<Bin> bins_;       // keyed by speech-band energy, carrying full-band sums
  std::vector<PowerBin> full_bins_;  // keyed by full-band frame power
  std::array<double, 64> recent_db_{};  // running floor: minimum of the last ~2 s
  std::size_t recent_count_ = 0;
  std::size_t hangover_frames_ = 1;
  std::vector<float> history_;     // the last mains period of the mix, for the comb
  std::size_t history_at_ = 0;
  std::size_t history_filled_ = 0;
  std::vector<float> combed_;
};

}  // namespace micdoctor
