#pragma once
// What a report draws of a recording: the waveform's envelope, the level over
// time, the average spectrum, and where the gaps of exact zeros are. Streaming
// and bounded like the analyser: fed the same blocks, its memory does not grow
// with the recording's length (the time columns merge pairwise when full).
// Pure computation: no file, device or clock inside.
#include <cstdint>
#include <span>
#include <vector>

#include "analysis/real_fft.hpp"

namespace micdoctor {

struct OverviewColumn {
  float min = 0;       // lowest sample in the column (any channel)
  float max = 0;       // highest sample
  double energy = 0;   // sum of squares over the column's samples (all channels)
  std::uint64_t samples = 0;
};

struct SignalPicture {
  int sample_rate = 0;
  double duration_s = 0;
  double column_seconds = 0;            // the time each column covers
  std::vector<OverviewColumn> columns;  // the recording, left to right
  std::vector<double> spectrum_hz;      // bin centre frequencies of the average spectrum
  std::vector<double> spectrum_db;      // its power per bin, dB relative to full scale
  struct Gap {
    double start_s = 0;
    double end_s = 0;
  };
  std::vector<Gap> gaps;                // runs of exact zeros of 20 ms or more (at most 200)
};

class SignalOverview {
 public:
  SignalOverview(int sample_rate, int channels);
  // Interleaved float samples; a trailing partial frame is dropped.
  void add_interleaved(std::span<const float> samples);
  SignalPicture finish() const;

  static constexpr std::size_t kMaxColumns = 1024;
  static constexpr int kSpectrumSize = 4096;

 private:
  void add_frame_to_column(float low, float high, double energy, int channels);
  void merge_columns();
  void feed_spectrum(float mono);

  int sample_rate_;
  int channels_;
  std::uint64_t frames_ = 0;
  std::uint64_t frames_per_column_;
  std::vector<OverviewColumn> columns_;
  // Spectrum: one transform every spectrum_hop_ frames, averaged.
  RealFft fft_;
  std::vector<float> window_;
  std::vector<float> frame_;
  std::vector<float> power_;
  std::vector<double> power_sum_;
  int spectrum_frames_ = 0;
  std::size_t filled_ = 0;
  std::uint64_t until_next_transform_ = 0;
  std::uint64_t spectrum_hop_;
  // Gaps of exact zeros.
  std::uint64_t zero_run_ = 0;
  std::vector<SignalPicture::Gap> gaps_;
};

}  // namespace micdoctor
