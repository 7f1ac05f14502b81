#include "analysis/signal_analyzer.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "analysis/bandwidth_estimator.hpp"
#include "analysis/channel_stats.hpp"
#include "analysis/clipping_detector.hpp"
#include "analysis/cpu_features.hpp"
#include "analysis/dropout_detector.hpp"
#include "analysis/dsp_util.hpp"
#include "analysis/hum_detector.hpp"
#include "analysis/k_weighting.hpp"
#include "analysis/loudness_meter.hpp"
#include "analysis/mono_mix.hpp"
#include "analysis/signal_findings.hpp"
#include "analysis/speech_activity.hpp"
#if MICDOCTOR_X86
#include <immintrin.h>
#endif

namespace micdoctor {
namespace {

// The speech/hum path runs on a mono mix decimated to about 3.5-7 kHz by a
// boxcar average (enough for the 250-1500 Hz voice band and hum up to
// 1 kHz); prefer a factor that keeps 100 ms a whole number of samples.
constexpr int kLowestDecimatedRate = 3500;
int choose_decimation(int sample_rate) {
  const int widest = std::max(1, sample_rate / kLowestDecimatedRate);
  for (int d = widest; d >= 1; --d) {
    if (sample_rate % (10 * d) == 0 && sample_rate / d >= kLowestDecimatedRate) return d;
  }
  return widest;
}

constexpr float kPcm16Scale = 1.0f / 32768.0f;
inline float as_float(float v) { return v; }
inline float as_float(std::int16_t v) { return static_cast<float>(v) * kPcm16Scale; }

// Copies channel c of interleaved frames out; mono and stereo get loops the
// compiler can vectorise.
void deinterleave(const float* from, std::size_t frames, std::size_t channels, float* const* to, std::size_t at) {
  if (channels == 1) {
    std::copy_n(from, frames, to[0] + at);
  } else if (channels == 2) {
    float* left = to[0] + at;
    float* right = to[1] + at;
    for (std::size_t i = 0; i < frames; ++i) {
      left[i] = from[2 * i];
      right[i] = from[2 * i + 1];
    }
  } else {
    for (std::size_t c = 0; c < channels; ++c) {
      float* out = to[c] + at;
      for (std::size_t i = 0; i < frames; ++i) out[i] = from[i * channels + c];
    }
  }
}

void deinterleave_pcm16_generic(const std::int16_t* from, std::size_t frames, std::size_t channels, float* const* to,
                                std::size_t at) {
  for (std::size_t c = 0; c < channels; ++c) {
    float* out = to[c] + at;
    for (std::size_t i = 0; i < frames; ++i) out[i] = as_float(from[i * channels + c]);
  }
}

#if MICDOCTOR_X86
// Mono and stereo 16-bit, converted and split in one pass. A stereo frame is
// one 32-bit word, left in the low half (x86 is little-endian): shifting
// sign-extends each half.
MICDOCTOR_TARGET_AVX2 void deinterleave_pcm16_avx2(const std::int16_t* from, std::size_t frames, std::size_t channels,
                                                   float* const* to, std::size_t at) {
  const __m256 scale = _mm256_set1_ps(kPcm16Scale);
  std::size_t i = 0;
  if (channels == 1) {
    float* out = to[0] + at;
    for (; i + 8 <= frames; i += 8) {
      const __m128i raw = _mm_loadu_si128(reinterpret_cast<const __m128i*>(from + i));
      _mm256_storeu_ps(out + i, _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_cvtepi16_epi32(raw)), scale));
    }
  } else if (channels == 2) {
    float* left = to[0] + at;
    float* right = to[1] + at;
    for (; i + 8 <= frames; i += 8) {
      const __m256i words = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(from + 2 * i));
      const __m256i l = _mm256_srai_epi32(_mm256_slli_epi32(words, 16), 16);
      const __m256i r = _mm256_srai_epi32(words, 16);
      _mm256_storeu_ps(left + i, _mm256_mul_ps(_mm256_cvtepi32_ps(l), scale));
      _mm256_storeu_ps(right + i, _mm256_mul_ps(_mm256_cvtepi32_ps(r), scale));
    }
  }
  deinterleave_pcm16_generic(from + i * channels, frames - i, channels, to, at + i);
}
#endif

void deinterleave(const std::int16_t* from, std::size_t frames, std::size_t channels, float* const* to,
                  std::size_t at) {
#if MICDOCTOR_X86
  if (cpu::has_avx2()) return deinterleave_pcm16_avx2(from, frames, channels, to, at);
#endif
  deinterleave_pcm16_generic(from, frames, channels, to, at);
}

}  // namespace

struct SignalAnalyzer::Impl {
  Impl(int rate, int channel_count)
      : sample_rate(rate),
        channels(channel_count),
        decimation(choose_decimation(rate)),
        frame_frames(static_cast<std::size_t>(SpeechActivity::kFrameSize) * static_cast<std::size_t>(decimation)),
        stats(channel_count),
        clipping(channel_count, rate),
        dropouts(channel_count, rate),
        loudness(channel_count, rate),
        speech(channel_count, static_cast<double>(rate) / decimation, rate, mains_period_samples(rate, decimation)),
        hum(rate, decimation),
        bandwidth(rate, frame_frames),
        call_band(call_band_sections(rate), frame_frames) {
    for (auto& channel : pending) channel.assign(frame_frames, 0.0f);
    mono.assign(frame_frames, 0.0f);
    decimated.assign(static_cast<std::size_t>(SpeechActivity::kFrameSize), 0.0f);
    polarity.fill(1.0f);
  }

  template <typename Sample>
  void add(std::span<const Sample> samples);
  void process_frame(std::size_t frames);
  void update_polarity();

  int sample_rate;
  int channels;
  int decimation;
  std::size_t frame_frames;
  std::array<std::vector<float>, kMaxChannels> pending;
  std::size_t pending_frames = 0;
  std::vector<float> partial_frame;  // samples of an incomplete interleaved frame
  std::vector<float> mono, decimated;
  std::array<float, kMaxChannels> polarity{};  // flips channels that run opposite to channel 0
  bool finished = false;

  ChannelStats stats;
  ClippingDetector clipping;
  DropoutDetector dropouts;
  LoudnessMeter loudness;
  SpeechActivity speech;
  HumDetector hum;
  BandwidthEstimator bandwidth;
  KWeightingEnergy call_band;  // the mono mix's energy in 80 Hz-8 kHz, for the noise floor
  KState call_band_state{};
};

SignalAnalyzer::SignalAnalyzer(int sample_rate, int channels) {
  if (sample_rate < kMinSampleRate || sample_rate > kMaxSampleRate) {
    throw std::invalid_argument("unsupported sample rate " + std::to_string(sample_rate) +
                                " Hz (8000-192000 Hz supported)");
  }
  if (channels < 1 || channels > kMaxAnalysisChannels) {
    throw std::invalid_argument("unsupported channel count " + std::to_string(channels) + " (1-8 supported)");
  }
  impl_ = std::make_unique<Impl>(sample_rate, channels);
}

SignalAnalyzer::~SignalAnalyzer() = default;

void SignalAnalyzer::Impl::update_polarity() {
  // The mono mix must not cancel when a channel is inverted. Only a clear
  // correlation moves the sign: two independent microphones hover around 0,
  // and flipping on noise would scramble the comb and the hum fold.
  constexpr double kClear = 0.3;
  for (int c = 1; c < channels; ++c) {
    const double r = stats.correlation(0, c);
    if (r < -kClear) polarity[static_cast<std::size_t>(c)] = -1.0f;
    if (r > kClear) polarity[static_cast<std::size_t>(c)] = 1.0f;
  }
}

void SignalAnalyzer::Impl::process_frame(std::size_t frames) {
  PlanarBlock block;
  block.channels = channels;
  block.frames = frames;
  for (int c = 0; c < channels; ++c) block.channel[c] = pending[static_cast<std::size_t>(c)].data();

  const BlockSums sums = stats.add(block);
  clipping.add(block, stats, sums);
  dropouts.add(block, sums);
  loudness.add(block);

  // The mono mix (polarity-corrected), and from it the decimated one the
  // speech and hum paths use; the bandwidth estimator reads it at full rate.
  std::array<float, kMaxChannels> gain{};
  for (std::size_t c = 0; c < static_cast<std::size_t>(channels); ++c) {
    gain[c] = polarity[c] / static_cast<float>(channels);
  }
  mix_to_mono(block, gain.data(), frames, mono.data());
  const std::size_t decimated_count = frames / static_cast<std::size_t>(decimation);
  boxcar_decimate(mono.data(), decimated_count, decimation, 1.0f / static_cast<float>(decimation), decimated.data());

  const double call_band_power =
      frames == frame_frames ? call_band.energy(mono.data(), call_band_state) / static_cast<double>(frames) : -1.0;
  const FrameClass frame_class =
      speech.add_frame(decimated.data(), static_cast<int>(decimated_count), sums, frames, call_band_power);
  hum.add(decimated.data(), static_cast<int>(decimated_count), frame_class == FrameClass::quiet);
  bandwidth.add(mono.data(), frames, frame_class);
  update_polarity();
}

template <typename Sample>
void SignalAnalyzer::Impl::add(std::span<const Sample> samples) {
  if (finished) throw std::logic_error("SignalAnalyzer: add after finish");
  const auto stride = static_cast<std::size_t>(channels);  // samples per frame
  std::size_t at = 0;
  // Complete a frame split across calls.
  if (!partial_frame.empty()) {
    while (partial_frame.size() < stride && at < samples.size()) partial_frame.push_back(as_float(samples[at++]));
    if (partial_frame.size() < stride) return;
    for (std::size_t c = 0; c < stride; ++c) pending[c][pending_frames] = partial_frame[c];
    partial_frame.clear();
    if (++pending_frames == frame_frames) {
      process_frame(frame_frames);
      pending_frames = 0;
    }
  }
  while (samples.size() - at >= stride) {
    const std::size_t available = (samples.size() - at) / stride;
    const std::size_t take = std::min(available, frame_frames - pending_frames);
    float* to[kMaxChannels];
    for (std::size_t c = 0; c < stride; ++c) to[c] = pending[c].data();
    deinterleave(samples.data() + at, take, stride, to, pending_frames);
    pending_frames += take;
    at += take * stride;
    if (pending_frames == frame_frames) {
      process_frame(frame_frames);
      pending_frames = 0;
    }
  }
  while (at < samples.size()) partial_frame.push_back(as_float(samples[at++]));
}

void SignalAnalyzer::add_interleaved(std::span<const float> samples) { impl_->add(samples); }
void SignalAnalyzer::add_interleaved(std::span<const std::int16_t> samples) { impl_->add(samples); }

SignalAnalysis SignalAnalyzer::finish() {
  Impl& s = *impl_;
  if (s.finished) throw std::logic_error("SignalAnalyzer: finish called twice");
  s.finished = true;
  if (s.pending_frames > 0) s.process_frame(s.pending_frames);

  SignalMetrics m;
  m.sample_rate = s.sample_rate;
  m.channels = s.channels;
  const auto frames = s.stats.frames();
  m.duration_s = static_cast<double>(frames) / s.sample_rate;

  double peak = 0, mean_square = 0, zeros = 0;
  std::array<double, kMaxChannels> means{};
  for (int c = 0; c < s.channels; ++c) {
    peak = std::max(peak, s.stats.peak(c));
    mean_square += s.stats.mean_square(c) / s.channels;
    zeros += static_cast<double>(s.stats.zeros(c));
    means[static_cast<std::size_t>(c)] = s.stats.mean(c);
    if (std::fabs(s.stats.mean(c)) > std::fabs(m.dc_offset)) m.dc_offset = s.stats.mean(c);
    auto level = dsp::power_to_db(s.stats.mean_square(c));
    m.channel_rms_dbfs.push_back(level ? *level : -std::numeric_limits<double>::infinity());
  }
  const double samples = static_cast<double>(frames) * s.channels;
  m.zero_fraction = samples > 0 ? zeros / samples : 0.0;
  if (peak > 0) m.peak_dbfs = 20.0 * std::log10(peak);
  m.rms_dbfs = dsp::power_to_db(mean_square);

  const ClippingDetector::Result clipped = s.clipping.finish(s.stats);
  m.clipped_samples = clipped.clipped_samples;
  m.clipped_fraction = samples > 0 ? static_cast<double>(clipped.clipped_samples) / samples : 0.0;
  if (clipped.clipped_samples > 0) m.clipping_ceiling_dbfs = clipped.ceiling_dbfs;

  m.dropouts = s.dropouts.dropouts();
  m.loudness_lufs = s.loudness.integrated_lufs();

  // Correlation: the pair most likely to cancel in a mono mix.
  for (int a = 0; a < s.channels; ++a) {
    for (int b = a + 1; b < s.channels; ++b) {
      const double r = s.stats.correlation(a, b);
      if (std::isnan(r)) continue;
      if (!m.channel_correlation || r < *m.channel_correlation) {
        m.channel_correlation = r;
        m.correlation_pair[0] = a;
        m.correlation_pair[1] = b;
      }
    }
  }

  const std::optional<HumResult> hum = s.hum.finish();
  double hum_power = 0;
  constexpr double kReportHumFromDb = -70.0;
  if (hum && hum->power >= dsp::db_to_power(kReportHumFromDb)) {
    hum_power = hum->power;
    m.hum_hz = hum->frequency_hz;
    m.hum_dbfs = 10.0 * std::log10(hum->power);
  }

  const SpeechResult speech = s.speech.finish(means);
  constexpr double kNoiseFloorLimitDb = -120.0;  // digital silence in the pauses reads as this
  // Taking the hum out of the background resolves noise down to about 30 dB
  // under it; below that, the hum estimate's own error would be read as noise.
  // The floor is the pauses' mono mix in the call band (80 Hz-8 kHz): what a
  // call carries of the background, blind to infrasound and rumble.
  constexpr double kHumSubtractionRange = 1e-3;
  if (speech.background_measured) {
    const double noise = std::max(speech.background_call_power - hum_power,
                                  kHumSubtractionRange * speech.background_call_power);
    m.noise_floor_dbfs = std::max(kNoiseFloorLimitDb, dsp::power_to_db_floor(noise, kNoiseFloorLimitDb));
  }
  m.speech_seconds = speech.speech_seconds;
  if (speech.speech_present) {
    m.speech_level_dbfs = 10.0 * std::log10(speech.speech_power);
    if (m.noise_floor_dbfs) m.snr_db = *m.speech_level_dbfs - *m.noise_floor_dbfs;
  } else {
    m.speech_seconds = 0;
  }
  if (frames > 0 && peak > 0) m.bandwidth_hz = s.bandwidth.band_edge_hz();
  if (frames == 0) m.noise_floor_dbfs.reset();

  SignalAnalysis result;
  result.metrics = m;
  result.findings = signal_findings(m);
  return result;
}

}  // namespace micdoctor
