#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <random>
#include <string>
#include <vector>
#include <stdexcept>

#include "analysis/signal_analyzer.hpp"
#include "analysis/signal_findings.hpp"
#include "analysis/speech_activity.hpp"
#include "test_signals.hpp"

namespace micdoctor::test {
namespace {

TEST(Levels, FullScaleSineIsMinus3Dbfs) {
  const auto x = sine(48000, 2.0, 997, 1.0);
  const SignalMetrics m = analyse(x, 48000, 1).metrics;
  ASSERT_TRUE(m.rms_dbfs);
  EXPECT_NEAR(*m.rms_dbfs, -3.01, 0.01);
  EXPECT_NEAR(*m.peak_dbfs, 0.0, 0.01);
  EXPECT_NEAR(m.duration_s, 2.0, 1e-9);
}

// Float files may hold finite values far past full scale; their powers
// overflow to infinity. Found by the fuzzer as a float-to-int conversion of
// inf (undefined behaviour) in a histogram index.
TEST(Levels, SamplesNearTheFloatLimitAreAnalysedWithoutUndefinedBehaviour) {
  std::vector<float> x = sine(48000, 1.0, 440, 1.0);
  for (std::size_t i = 0; i < x.size(); i += 3) x[i] = (i % 2 ? 3.0e38f : -3.0e38f);
  const SignalAnalysis a = analyse(x, 48000, 1);
  ASSERT_TRUE(a.metrics.peak_dbfs);
  EXPECT_GT(*a.metrics.peak_dbfs, 700.0);
  EXPECT_FALSE(a.findings.empty());
}

TEST(Levels, FullScaleSquareIs0Dbfs) {
  std::vector<float> x(48000);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = (i / 24) % 2 ? 1.0f : -1.0f;
  EXPECT_NEAR(*analyse(x, 48000, 1).metrics.rms_dbfs, 0.0, 0.01);
}

TEST(Levels, DigitalSilenceHasNoLevelsAndIsFlagged) {
  std::vector<float> x(96000, 0.0f);
  const SignalAnalysis a = analyse(x, 48000, 2);
  EXPECT_FALSE(a.metrics.rms_dbfs);
  EXPECT_FALSE(a.metrics.peak_dbfs);
  EXPECT_FALSE(a.metrics.speech_level_dbfs);
  EXPECT_TRUE(has(a, "signal.digital_silence"));
  EXPECT_TRUE(has(a, "signal.no_speech"));
  EXPECT_EQ(a.findings.front().severity, Severity::error);
}

TEST(Speech, VoiceIsFoundAndItsLevelTracksGain) {
  auto loud = voice(16000, 6.0, 0.3);
  add(loud, white_noise(loud.size(), 1e-4));
  auto quiet = loud;
  for (float& v : quiet) v *= 0.1f;  // -20 dB
  const SignalMetrics a = analyse(loud, 16000, 1).metrics;
  const SignalMetrics b = analyse(quiet, 16000, 1).metrics;
  ASSERT_TRUE(a.speech_level_dbfs);
  ASSERT_TRUE(b.speech_level_dbfs);
  EXPECT_NEAR(*a.speech_level_dbfs - *b.speech_level_dbfs, 20.0, 0.3);
  EXPECT_GT(a.speech_seconds, 3.0);
  EXPECT_LT(a.speech_seconds, 6.0);
}

TEST(Speech, SnrFollowsAddedNoise) {
  const auto clean = voice(16000, 8.0, 0.3);
  const SignalMetrics reference = analyse(clean, 16000, 1).metrics;
  for (double snr : {5.0, 15.0, 30.0}) {
    auto noisy = clean;
    const double noise_rms = std::pow(10.0, (*reference.speech_level_dbfs - snr) / 20.0);
    add(noisy, white_noise(noisy.size(), noise_rms, static_cast<unsigned>(snr)));
    const SignalMetrics m = analyse(noisy, 16000, 1).metrics;
    ASSERT_TRUE(m.snr_db) << "snr " << snr;
    EXPECT_NEAR(*m.snr_db, snr, 3.0) << "snr " << snr;
  }
}

TEST(Speech, StationaryNoiseAndHumAreNotSpeech) {
  const auto noise = white_noise(48000 * 4, 0.03);
  EXPECT_TRUE(has(analyse(noise, 48000, 1), "signal.no_speech"));
  auto hum = sine(48000, 4.0, 50, 0.05);
  add(hum, sine(48000, 4.0, 150, 0.02, 1.0));
  add(hum, sine(48000, 4.0, 250, 0.01, 2.0));
  const SignalAnalysis a = analyse(hum, 48000, 1);
  EXPECT_TRUE(has(a, "signal.no_speech"));
  EXPECT_TRUE(has(a, "signal.hum"));
}

TEST(Hum, FiftyAndSixtyHertzAreToldApartAndMeasured) {
  for (double f0 : {50.0, 60.0}) {
    auto x = voice(48000, 6.0, 0.3);
    add(x, white_noise(x.size(), 1e-4));
    const double amplitude = 0.02;  // -37 dBFS
    add(x, sine(48000, 6.0, f0, amplitude));
    const SignalAnalysis a = analyse(x, 48000, 1);
    ASSERT_TRUE(a.metrics.hum_hz) << f0;
    EXPECT_EQ(*a.metrics.hum_hz, f0);
    EXPECT_NEAR(*a.metrics.hum_dbfs, 20 * std::log10(amplitude) - 3.01, 1.0);
    EXPECT_TRUE(has(a, "signal.hum"));
    EXPECT_FALSE(has(a, "signal.noisy"));
  }
}

TEST(Hum, ASteadyVoicePitchIsNotHum) {
  // A synthetic voice holding exactly 100 Hz folds into lines at 100, 200...
  std::vector<float> x(48000 * 6);
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double t = static_cast<double>(i) / 48000;
    const double on = std::fmod(t, 1.5) < 1.0 ? 1.0 : 0.0;
    double v = 0;
    for (int h = 1; h <= 20; ++h) v += std::sin(2 * std::numbers::pi * 100 * h * t) / h;
    x[i] = static_cast<float>(0.1 * v * on);
  }
  const SignalAnalysis a = analyse(x, 48000, 1);
  EXPECT_FALSE(a.metrics.hum_hz);
  EXPECT_FALSE(has(a, "signal.hum"));
}

TEST(Clipping, FullScaleAndLowerCeilingsAreFound) {
  for (float ceiling : {1.0f, 0.4f}) {
    auto x = voice(48000, 4.0, 0.9);
    for (float& v : x) v = std::clamp(v * 3.0f, -1.0f, 1.0f) * ceiling;
    const SignalAnalysis a = analyse(quantise16(x), 48000, 1);
    EXPECT_GT(a.metrics.clipped_fraction, 0.002) << ceiling;
    EXPECT_TRUE(has(a, "signal.clipping")) << ceiling;
    ASSERT_TRUE(a.metrics.clipping_ceiling_dbfs);
    EXPECT_NEAR(*a.metrics.clipping_ceiling_dbfs, 20 * std::log10(ceiling), 0.1);
  }
}

TEST(Clipping, RoundedPeaksOfSlowSinesAreNotClipping) {
  for (double hz : {50.0, 100.0, 440.0}) {
    const auto x = quantise16(sine(48000, 3.0, hz, 0.8));
    const SignalAnalysis a = analyse(x, 48000, 1);
    EXPECT_LT(a.metrics.clipped_fraction, 0.0005) << hz;
    EXPECT_FALSE(has(a, "signal.clipping")) << hz;
  }
}

TEST(DcOffset, SignedMeanOfTheWorstChannel) {
  auto left = voice(16000, 3.0, 0.2);
  auto right = left;
  for (float& v : right) v -= 0.05f;
  const SignalAnalysis a = analyse(interleave({left, right}), 16000, 2);
  EXPECT_NEAR(a.metrics.dc_offset, -0.05, 0.003);
  EXPECT_TRUE(has(a, "signal.dc_offset"));
}

TEST(Dropouts, CutsAreCountedFadesAreNot) {
  auto x = voice(16000, 6.0, 0.3);
  add(x, white_noise(x.size(), 3e-4));
  auto cut = x;
  int made = 0;
  for (double at : {0.3, 0.5, 2.8, 3.0}) {  // inside phrases, on syllable peaks (0.1 s into one)
    const auto start = static_cast<std::size_t>(at * 16000);
    for (std::size_t i = start; i < start + 800; ++i) cut[i] = 0;  // 50 ms
    ++made;
  }
  const SignalAnalysis a = analyse(cut, 16000, 1);
  EXPECT_EQ(a.metrics.dropouts, static_cast<std::uint64_t>(made));
  EXPECT_TRUE(has(a, "signal.dropouts"));
  // A gate: the signal fades out, then exact zeros (no noise floor).
  const SignalAnalysis gated = analyse(voice(16000, 6.0, 0.3), 16000, 1);
  EXPECT_EQ(gated.metrics.dropouts, 0u);
}

// Gaps that span many analysis frames, that sit in one channel only, and
// zeros scattered through the noise floor (quantised quiet noise has many).
TEST(Dropouts, LongGapsCountOnceAndOnlyWhenEveryChannelIsSilent) {
  auto left = voice(48000, 6.0, 0.3);
  add(left, quantise16(white_noise(left.size(), 1e-4)));
  auto right = left;
  for (double at : {0.3, 2.8}) {  // 300 ms, about ten frames each
    const auto start = static_cast<std::size_t>(at * 48000);
    for (std::size_t i = start; i < start + 14400; ++i) left[i] = right[i] = 0;
  }
  const auto one_sided_start = static_cast<std::size_t>(0.5 * 48000);  // 50 ms in the right channel only
  for (std::size_t i = one_sided_start; i < one_sided_start + 2400; ++i) right[i] = 0;
  for (std::size_t block : {4096u, 777u}) {
    const SignalAnalysis a = analyse(interleave({left, right}), 48000, 2, block);
    EXPECT_EQ(a.metrics.dropouts, 2u) << block;
  }
}

TEST(Channels, DeadAndInvertedChannels) {
  const auto v = voice(48000, 3.0, 0.3);
  std::vector<float> silent(v.size(), 0.0f);
  const SignalAnalysis dead = analyse(interleave({v, silent}), 48000, 2);
  EXPECT_TRUE(has(dead, "signal.dead_channel"));
  std::vector<float> inverted = v;
  for (float& s : inverted) s = -s;
  const SignalAnalysis cancel = analyse(interleave({v, inverted}), 48000, 2);
  ASSERT_TRUE(cancel.metrics.channel_correlation);
  EXPECT_LT(*cancel.metrics.channel_correlation, -0.99);
  EXPECT_TRUE(has(cancel, "signal.inverted_channel"));
  // The mono mix must not cancel: the voice is still heard.
  EXPECT_TRUE(cancel.metrics.speech_level_dbfs);
  const SignalAnalysis same = analyse(interleave({v, v}), 48000, 2);
  EXPECT_NEAR(*same.metrics.channel_correlation, 1.0, 1e-6);
  EXPECT_FALSE(has(same, "signal.inverted_channel"));
  EXPECT_FALSE(has(same, "signal.dead_channel"));
}

// A four-input interface with the microphone in input 3: channels 1 and 2
// silent are not "dead", the microphone is on another channel.
TEST(Channels, MicrophoneOnTheThirdChannelOfAFourChannelInterface) {
  const auto v = voice(48000, 3.0, 0.3);
  std::vector<float> silent(v.size(), 0.0f);
  const SignalAnalysis a = analyse(interleave({silent, silent, v, silent}), 48000, 4);
  ASSERT_TRUE(has(a, "signal.mic_on_other_channel"));
  EXPECT_FALSE(has(a, "signal.dead_channel"));
  const auto it = std::find_if(a.findings.begin(), a.findings.end(),
                               [](const Finding& f) { return f.id == "signal.mic_on_other_channel"; });
  EXPECT_NE(it->title.find("channel 3"), std::string::npos);
  // The voice on channel 1 of the same interface: nothing to say about channels.
  const SignalAnalysis first = analyse(interleave({v, silent, silent, silent}), 48000, 4);
  EXPECT_FALSE(has(first, "signal.mic_on_other_channel"));
}

TEST(Bandwidth, TelephoneBandIsNarrowbandAtHighRates) {
  const SignalAnalysis phone = analyse(voice(48000, 4.0, 0.3, 3400), 48000, 1);
  ASSERT_TRUE(phone.metrics.bandwidth_hz);
  EXPECT_LT(*phone.metrics.bandwidth_hz, 4000);
  EXPECT_TRUE(has(phone, "signal.narrowband"));
  const SignalAnalysis wide = analyse(voice(48000, 4.0, 0.3), 48000, 1);
  EXPECT_GT(*wide.metrics.bandwidth_hz, 7000);
  EXPECT_FALSE(has(wide, "signal.narrowband"));
  // At 16 kHz the whole band is only 8 kHz wide: narrowband is not judged.
  EXPECT_FALSE(has(analyse(voice(16000, 4.0, 0.3, 3400), 16000, 1), "signal.narrowband"));
}

TEST(Streaming, BlockSizeDoesNotChangeTheResult) {
  auto x = voice(44100, 5.0, 0.3);
  add(x, sine(44100, 5.0, 60, 0.01));
  for (double at : {0.3, 0.5, 2.8}) {  // three dropouts of 30 ms
    const auto start = static_cast<std::size_t>(at * 44100);
    std::fill(x.begin() + static_cast<std::ptrdiff_t>(start), x.begin() + static_cast<std::ptrdiff_t>(start + 1323), 0.0f);
  }
  const auto stereo = interleave({x, x});
  const SignalMetrics whole = analyse(stereo, 44100, 2, stereo.size()).metrics;
  for (std::size_t block : {1u, 3u, 1001u, 8192u}) {
    const SignalMetrics m = analyse(stereo, 44100, 2, block).metrics;
    EXPECT_EQ(m.rms_dbfs, whole.rms_dbfs) << block;
    EXPECT_EQ(m.speech_level_dbfs, whole.speech_level_dbfs) << block;
    EXPECT_EQ(m.loudness_lufs, whole.loudness_lufs) << block;
    EXPECT_EQ(m.hum_dbfs, whole.hum_dbfs) << block;
    EXPECT_EQ(m.bandwidth_hz, whole.bandwidth_hz) << block;
    EXPECT_EQ(m.clipped_samples, whole.clipped_samples) << block;
    EXPECT_EQ(m.dropouts, whole.dropouts) << block;
  }
  EXPECT_EQ(whole.dropouts, 3u);
}

// 16-bit samples are converted on the way in (mono and stereo by a SIMD
// path, other counts by a loop): the result must be the float path's exactly.
TEST(Streaming, Pcm16InputMatchesTheSameSamplesAsFloat) {
  for (int channels : {1, 2, 3}) {
    std::vector<std::vector<float>> planes;
    for (int c = 0; c < channels; ++c) {
      auto x = voice(16000, 3.0, 0.2 + 0.1 * c);
      add(x, white_noise(x.size(), 1e-3, static_cast<unsigned>(c + 1)));
      planes.push_back(quantise16(x));
    }
    planes[0][100] = -1.0f;  // the most negative sample
    const auto floats = interleave(planes);
    std::vector<std::int16_t> pcm(floats.size());
    for (std::size_t i = 0; i < floats.size(); ++i) pcm[i] = static_cast<std::int16_t>(std::lround(floats[i] * 32768.0f));
    for (std::size_t block : {4096u, 1001u}) {  // odd sizes split frames across calls
      SignalAnalyzer analyzer(16000, channels);
      for (std::size_t at = 0; at < pcm.size(); at += block) {
        analyzer.add_interleaved(std::span<const std::int16_t>(pcm.data() + at, std::min(block, pcm.size() - at)));
      }
      const SignalMetrics m = analyzer.finish().metrics;
      const SignalMetrics expected = analyse(floats, 16000, channels).metrics;
      EXPECT_EQ(m.peak_dbfs, expected.peak_dbfs) << channels << " ch, block " << block;
      EXPECT_EQ(m.rms_dbfs, expected.rms_dbfs) << channels << " ch, block " << block;
      EXPECT_EQ(m.channel_rms_dbfs, expected.channel_rms_dbfs) << channels << " ch, block " << block;
      EXPECT_EQ(m.dc_offset, expected.dc_offset) << channels << " ch, block " << block;
      EXPECT_EQ(m.speech_level_dbfs, expected.speech_level_dbfs) << channels << " ch, block " << block;
      EXPECT_EQ(m.loudness_lufs, expected.loudness_lufs) << channels << " ch, block " << block;
      EXPECT_EQ(m.channel_correlation, expected.channel_correlation) << channels << " ch, block " << block;
    }
  }
}

TEST(Validation, RatesAndChannelsOutsideTheRangeAreRefused) {
  EXPECT_THROW(SignalAnalyzer(7999, 1), std::invalid_argument);
  EXPECT_THROW(SignalAnalyzer(192001, 1), std::invalid_argument);
  EXPECT_THROW(SignalAnalyzer(48000, 0), std::invalid_argument);
  EXPECT_THROW(SignalAnalyzer(48000, 9), std::invalid_argument);
  for (int rate : {8000, 11025, 22050, 32000, 88200, 96000, 192000}) {
    EXPECT_NO_THROW(analyse(voice(rate, 1.0, 0.3), rate, 1)) << rate;
  }
}

TEST(Validation, FinishTwiceIsAnError) {
  SignalAnalyzer analyzer(16000, 1);
  analyzer.finish();
  EXPECT_THROW(analyzer.finish(), std::logic_error);
}

TEST(Findings, CleanSpeechSaysOk) {
  auto x = voice(48000, 6.0, 0.25);
  add(x, white_noise(x.size(), 1e-4));
  const SignalAnalysis a = analyse(x, 48000, 1);
  ASSERT_EQ(a.findings.size(), 1u);
  EXPECT_EQ(a.findings[0].id, "signal.ok");
  EXPECT_EQ(a.findings[0].severity, Severity::info);
}

TEST(Findings, LevelAdviceGivesTheDecibels) {
  auto x = voice(48000, 6.0, 0.003);  // about -60 dBFS active
  add(x, white_noise(x.size(), 1e-6));
  const SignalAnalysis a = analyse(x, 48000, 1);
  ASSERT_TRUE(has(a, "signal.too_quiet"));
  for (const Finding& f : a.findings) {
    if (f.id == "signal.too_quiet") {
      EXPECT_NE(f.advice.find(" dB"), std::string::npos);
      EXPECT_NE(f.detail.find("dBFS"), std::string::npos);
    }
  }
}

// Issue 12: speech without pauses, the call-band SNR, and flat tops that are not clipping.

// Syllables with no pause between them, as a person reading on: the voice()
// harmonic complex, every 200 ms syllable dipping only to a quarter.
std::vector<float> continuous_voice(int rate, double seconds, double amplitude) {
  std::vector<float> x(static_cast<std::size_t>(rate * seconds));
  double phase = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double t = static_cast<double>(i) / rate;
    const double pitch = 125 + 15 * std::sin(2 * std::numbers::pi * 0.7 * t);
    phase += 2 * std::numbers::pi * pitch / rate;
    double v = 0;
    for (int h = 1; h * pitch < 0.45 * rate && h * pitch < 8000; ++h) v += std::sin(h * phase) / h;
    const double syllable = 0.25 + 0.75 * std::pow(std::sin(std::numbers::pi * std::fmod(t, 0.2) / 0.2), 2);
    x[i] = static_cast<float>(amplitude * 0.5 * v * syllable);
  }
  return x;
}

double rms_db(const std::vector<float>& x) {
  double sum = 0;
  for (float v : x) sum += static_cast<double>(v) * v;
  return 10 * std::log10(sum / static_cast<double>(x.size()));
}

// 1/f^2 ("brown") noise: integrated white noise, leaking at 1 Hz so that it stays bounded.
std::vector<float> brown_noise(int rate, std::size_t n, double rms, unsigned seed) {
  const auto white = white_noise(n, 1.0, seed);
  std::vector<float> x(n);
  const double leak = std::exp(-2 * std::numbers::pi * 1.0 / rate);
  double y = 0;
  for (std::size_t i = 0; i < n; ++i) x[i] = static_cast<float>(y = leak * y + white[i]);
  const double scale = rms / std::pow(10.0, rms_db(x) / 20);
  for (float& v : x) v = static_cast<float>(v * scale);
  return x;
}

TEST(ContinuousSpeech, TwoAndThreeSecondsWithoutAPauseAreSpeechAtTheirLevel) {
  for (int rate : {16000, 44100, 48000}) {
    for (double seconds : {2.0, 3.0}) {
      for (double level_dbfs : {-45.0, -26.0, -12.0}) {
        auto x = continuous_voice(rate, seconds, 1.0);
        const double gain = std::pow(10.0, (level_dbfs - rms_db(x)) / 20);
        for (float& v : x) v = static_cast<float>(v * gain);
        add(x, white_noise(x.size(), std::pow(10.0, -70 / 20.0), 3));  // a microphone's floor
        const SignalAnalysis a = analyse(x, rate, 1);
        const std::string where = std::to_string(rate) + " Hz, " + std::to_string(seconds) + " s, " +
                                  std::to_string(level_dbfs) + " dBFS";
        EXPECT_FALSE(has(a, "signal.no_speech")) << where;
        ASSERT_TRUE(a.metrics.speech_level_dbfs) << where;
        // Never paused: active all along, so P.56's active level is the RMS.
        EXPECT_NEAR(*a.metrics.speech_level_dbfs, level_dbfs, 3.0) << where;
        // No pause was heard: the floor is not measured, and certainly not the voice.
        EXPECT_FALSE(a.metrics.noise_floor_dbfs) << where;
        EXPECT_FALSE(a.metrics.snr_db) << where;
        EXPECT_FALSE(has(a, "signal.noisy")) << where;
      }
    }
  }
}

TEST(ContinuousSpeech, NoiseHumSilenceAndClicksAreStillNoSpeech) {
  const int rate = 48000;
  const std::size_t three_seconds = 3 * static_cast<std::size_t>(rate);
  EXPECT_TRUE(has(analyse(white_noise(three_seconds, 0.01), rate, 1), "signal.no_speech"));
  EXPECT_TRUE(has(analyse(brown_noise(rate, three_seconds, 0.05, 5), rate, 1), "signal.no_speech"));
  auto hum = sine(rate, 3.0, 60, 0.01);
  add(hum, sine(rate, 3.0, 180, 0.006, 0.5));
  EXPECT_TRUE(has(analyse(hum, rate, 1), "signal.no_speech"));
  EXPECT_TRUE(has(analyse(std::vector<float>(three_seconds, 0.0f), rate, 1), "signal.no_speech"));
  auto clicks = white_noise(three_seconds, 1e-4);
  for (std::size_t at = 1000; at < clicks.size(); at += static_cast<std::size_t>(rate / 4)) clicks[at] = 0.5f;  // 4 clicks a second
  EXPECT_TRUE(has(analyse(clicks, rate, 1), "signal.no_speech"));
}

TEST(ContinuousSpeech, VoicingFindsAPitchNotNoiseOrAMainsTone) {
  constexpr double kRate = 4000;  // the decimated rate the speech path runs at
  auto peak = [&](const std::vector<float>& x) {
    SpeechActivity activity(1, kRate, 48000, 0);
    double last = 0;
    for (std::size_t at = 0; at + SpeechActivity::kFrameSize <= x.size(); at += SpeechActivity::kFrameSize) {
      last = activity.voicing(x.data() + at, SpeechActivity::kFrameSize);
    }
    return last;
  };
  std::vector<float> voiced(4000, 0.0f);
  for (int h = 1; h * 130 < 1900; ++h) add(voiced, sine(4000, 1.0, 130.0 * h, 0.1 / h, 0.3 * h));
  EXPECT_GT(peak(voiced), 0.8);
  EXPECT_LT(peak(white_noise(4000, 0.1)), 0.55);
  EXPECT_LT(peak(sine(4000, 1.0, 50, 0.1)), 0.55);  // high-passed away, and no peak in the pitch range
}

TEST(CallBandSnr, NoiseInTheBandIsNoisyWhateverItsColourAndRumbleBelowIsIgnored) {
  const int rate = 48000;
  const auto clean = voice(rate, 8.0, 0.1);
  const double level = *analyse(clean, rate, 1).metrics.speech_level_dbfs;
  // White noise at 5 dB SNR in the call band: white noise at 48 kHz puts a
  // third of its power in 80 Hz-8 kHz, so its full-band RMS is 4.8 dB higher.
  auto white = clean;
  const double in_band_share_db = 10 * std::log10((8000.0 - 80.0) / 24000.0);
  add(white, white_noise(white.size(), std::pow(10.0, (level - 5 - in_band_share_db) / 20), 11));
  const SignalAnalysis w = analyse(white, rate, 1);
  ASSERT_TRUE(w.metrics.snr_db);
  EXPECT_NEAR(*w.metrics.snr_db, 5.0, 2.0);
  EXPECT_TRUE(has(w, "signal.noisy"));

  // Brown noise as loud as the voice over the full band: nearly all of it
  // below 80 Hz, where every call's high-pass removes it. Not noisy...
  auto rumble = clean;
  add(rumble, brown_noise(rate, rumble.size(), std::pow(10.0, level / 20), 12));
  const SignalAnalysis r = analyse(rumble, rate, 1);
  EXPECT_FALSE(has(r, "signal.no_speech"));
  ASSERT_TRUE(r.metrics.snr_db);
  EXPECT_GT(*r.metrics.snr_db, 20.0);
  EXPECT_FALSE(has(r, "signal.noisy"));
  // ...and it does not hide in-band noise either.
  add(rumble, white_noise(rumble.size(), std::pow(10.0, (level - 5 - in_band_share_db) / 20), 13));
  const SignalAnalysis both = analyse(rumble, rate, 1);
  ASSERT_TRUE(both.metrics.snr_db);
  EXPECT_NEAR(*both.metrics.snr_db, 5.0, 3.0);
  EXPECT_TRUE(has(both, "signal.noisy"));
}

TEST(Clipping, AFlatToppedHumThatNeverRepeatsAValueIsNotClipping) {
  // Hum with its third harmonic at -40 dBFS, dithered to 16 bits: flat
  // topped, each top sample within a step of the next, never on one value.
  for (int rate : {16000, 48000}) {
    for (double phase : {0.0, std::numbers::pi}) {
      auto x = sine(rate, 3.0, 60, 1.0);
      add(x, sine(rate, 3.0, 180, 0.33, phase));
      const double gain = std::pow(10.0, (-40 - rms_db(x)) / 20);
      std::mt19937 generator(9);
      std::uniform_real_distribution<double> dither(-0.5, 0.5);
      for (float& v : x) {
        const double tpdf = dither(generator) + dither(generator);
        v = static_cast<float>(std::round(v * gain * 32768.0 + tpdf) / 32768.0);
      }
      const SignalAnalysis a = analyse(x, rate, 1);
      EXPECT_EQ(a.metrics.clipped_samples, 0u) << rate << " Hz, phase " << phase;
      EXPECT_FALSE(has(a, "signal.clipping")) << rate << " Hz, phase " << phase;
      EXPECT_TRUE(has(a, "signal.no_speech")) << rate << " Hz, phase " << phase;
    }
  }
}

TEST(Findings, AnUnmeasuredFloorIsSaidSoNotPrintedAsANumber) {
  auto x = continuous_voice(48000, 3.0, 0.1);
  add(x, white_noise(x.size(), 1e-4));
  const SignalAnalysis a = analyse(x, 48000, 1);
  ASSERT_EQ(a.findings.size(), 1u);
  EXPECT_EQ(a.findings[0].id, "signal.ok");
  EXPECT_NE(a.findings[0].detail.find("not measured"), std::string::npos) << a.findings[0].detail;
}

TEST(SignalFindingWording, ANegativeMarginSaysTheBackgroundIsLouder) {
  SignalMetrics m;
  m.duration_s = 3.0;
  m.speech_level_dbfs = -45.0;
  m.noise_floor_dbfs = -40.2;
  m.snr_db = -4.8;
  const std::vector<Finding> findings = signal_findings(m);
  const auto noisy = std::find_if(findings.begin(), findings.end(), [](const Finding& f) { return f.id == "signal.noisy"; });
  ASSERT_NE(noisy, findings.end());
  EXPECT_NE(noisy->detail.find("is 4.8 dB louder than the voice"), std::string::npos) << noisy->detail;
  EXPECT_EQ(noisy->detail.find("-4.8"), std::string::npos) << noisy->detail;
  EXPECT_EQ(noisy->title, "Background noise is louder than your voice");
  m.snr_db = 6.0;
  m.noise_floor_dbfs = -51.0;
  const std::vector<Finding> margin = signal_findings(m);
  const auto positive = std::find_if(margin.begin(), margin.end(), [](const Finding& f) { return f.id == "signal.noisy"; });
  ASSERT_NE(positive, margin.end());
  EXPECT_NE(positive->detail.find("stands only 6.0 dB above"), std::string::npos) << positive->detail;
}

// A pause is judged against the quieter pauses of the ~2 s after it too (a
// recording begun mid-sentence: tests/cli/test_analyze_midsentence.py). A
// dropout (exact zeros) is not a quieter background: the pause before it
// still measures the background.
TEST(Background, ADropoutAfterAPauseDoesNotDiscardThePause) {
  auto x = voice(16000, 4.0, 0.3);  // a phrase, a pause at 1.8-2.5 s, a phrase
  add(x, white_noise(x.size(), 3e-5));
  const SignalMetrics intact = analyse(x, 16000, 1).metrics;
  std::fill(x.begin() + static_cast<std::ptrdiff_t>(2.8 * 16000), x.begin() + static_cast<std::ptrdiff_t>(3.3 * 16000),
            0.0f);
  const SignalMetrics cut = analyse(x, 16000, 1).metrics;
  ASSERT_TRUE(intact.snr_db);
  ASSERT_TRUE(cut.snr_db);
  EXPECT_NEAR(*cut.snr_db, *intact.snr_db, 2.0);
}

}  // namespace
}  // namespace micdoctor::test
