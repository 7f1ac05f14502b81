#pragma once
// What the analyser measured. Units are in the names: *_dbfs is 10*log10 of a
// mean square with full scale at 1.0 (a full-scale sine is -3.01 dBFS, as sox
// stats reports RMS), *_db a ratio, *_hz a frequency, *_s seconds.
// std::nullopt means "does not exist" (no speech, no hum, silence), not "unknown",
// except for the noise floor and SNR, where it means "not measured".
#include <cstdint>
#include <optional>
#include <vector>

namespace micdoctor {

struct SignalMetrics {
  int sample_rate = 0;
  int channels = 0;
  double duration_s = 0;

  std::optional<double> peak_dbfs;          // highest |sample|; nullopt when all samples are zero
  std::optional<double> rms_dbfs;           // over all samples and channels
  std::optional<double> speech_level_dbfs;  // active speech level (P.56 spirit), speech only
  std::optional<double> noise_floor_dbfs;   // background in the pauses, mono mix, 80 Hz-8 kHz, hum excluded
                                            // (down to 30 dB under a hum); -120 means digital silence;
                                            // nullopt: not measured (no pause was heard)
  std::optional<double> snr_db;             // speech level over noise floor; nullopt without speech or
                                            // without a measured noise floor
  double dc_offset = 0;                     // signed mean of the channel with the largest |mean|
  std::uint64_t clipped_samples = 0;        // samples on a clipping plateau
  double clipped_fraction = 0;
  std::optional<double> clipping_ceiling_dbfs;  // level of the plateau, when there is one
  std::optional<double> hum_hz;             // 50 or 60
  std::optional<double> hum_dbfs;           // RMS of the hum (fundamental + harmonics) alone
  std::optional<double> bandwidth_hz;       // effective upper band edge of the content
  std::uint64_t dropouts = 0;               // gaps of exact zeros >= 20 ms inside active signal
  std::optional<double> channel_correlation;  // stereo: the pair; more: the most negative pair
  std::optional<double> loudness_lufs;      // EBU R128 integrated (nullopt under 400 ms or gated out)
  double speech_seconds = 0;

  // Supporting evidence for findings and reports.
  double zero_fraction = 0;                    // exact zero samples / all samples
  std::vector<double> channel_rms_dbfs;        // -inf shown as nullopt in JSON
  int correlation_pair[2] = {0, 1};            // which channels channel_correlation is about
};

}  // namespace micdoctor
