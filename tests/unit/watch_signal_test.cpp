// The watch's level meter: silence dated to its first silent block, only
// while an app records; clipping bursts; voice swings but not ordinary
// speech pauses (real recorded speech); memory bounded over hours.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <filesystem>

#include "audiofile/audio_file.hpp"
#include "test_signals.hpp"
#include "watch/signal_meter.hpp"
#include "watch_test_support.hpp"

namespace micdoctor {
namespace {

using test::count_kind;
using test::feed_in_pieces;
using test::finding_with;
using test::watch_app;
using test::watch_mic;
using test::watch_state;

const std::string kMic = "alsa_input.usb-Logitech_H390-00.mono-fallback";

SystemSnapshot recorded_state(bool app_recording) {
  std::vector<Stream> streams;
  if (app_recording) streams.push_back(watch_app(12, "ZOOM VoiceEngine", "zoom", kMic));
  return watch_state({watch_mic(kMic, "H390 headset Mono")}, streams, kMic);
}

std::vector<float> stereo(const std::vector<float>& mono) { return test::interleave({mono, mono}); }

std::vector<WatchEvent> of_kind(const std::vector<WatchEvent>& events, EventKind kind) {
  std::vector<WatchEvent> out;
  for (const WatchEvent& e : events) {
    if (e.kind == kind) out.push_back(e);
  }
  return out;
}

// A tone, then the feed stops (zeros) at a known sample: the silence is dated
// at that sample, not when it was noticed 2 s later.
TEST(WatchSignal, SilenceIsDatedAtItsFirstSilentSample) {
  constexpr int kRate = 48000;
  CallWatch watch({}, test::kWatchStartMs);
  watch.on_state(0, recorded_state(true));
  const double meter_start = 3.0;
  watch.on_meter_start(meter_start, kMic, {kRate, 2});
  const std::size_t stop_frame = 10 * kRate + 12345;  // 10.257 s into the meter
  std::vector<float> mono = test::sine(kRate, 16, 440, 0.3);
  std::fill(mono.begin() + static_cast<std::ptrdiff_t>(stop_frame), mono.end(), 0.0F);
  feed_in_pieces(watch, stereo(mono), kRate, 2);
  watch.finish(meter_start + 16, "duration reached");

  const auto events = watch.take_events();
  const auto started = of_kind(events, EventKind::signal_silence_started);
  ASSERT_EQ(started.size(), 1U);
  const double expected = meter_start + static_cast<double>(stop_frame) / kRate;
  EXPECT_NEAR(started[0].elapsed_s, expected, 0.1);
  EXPECT_NE(started[0].detail("apps")->text.find("ZOOM VoiceEngine"), std::string::npos);
  // The events stay in time order although the silence was announced late.
  for (std::size_t i = 1; i < events.size(); ++i) EXPECT_LE(events[i - 1].elapsed_s, events[i].elapsed_s);
  const auto ended = of_kind(events, EventKind::signal_silence_ended);
  ASSERT_EQ(ended.size(), 1U);
  EXPECT_EQ(ended[0].detail("still_silent")->text, "yes");

  const auto findings = watch.findings();
  const Finding* silent = finding_with(findings, "signal.went_silent");
  ASSERT_NE(silent, nullptr);
  EXPECT_EQ(silent->severity, Severity::error);
  EXPECT_NE(silent->detail.find("21:55:14 UTC"), std::string::npos) << silent->detail;  // 01.234 + 13.257 s
  EXPECT_NE(silent->detail.find("still silent when the watch ended"), std::string::npos) << silent->detail;
  EXPECT_EQ(silent->device, kMic);
}

// A source that delivered only half a second before the platform saw it go:
// the stop is dated when the platform said, not by the little audio received.
TEST(WatchSignal, AMeterStopIsDatedWhenThePlatformSawIt) {
  constexpr int kRate = 48000;
  CallWatch watch({}, test::kWatchStartMs);
  watch.on_state(0, recorded_state(true));
  watch.on_meter_start(1.0, kMic, {kRate, 1});
  feed_in_pieces(watch, test::sine(kRate, 0.5, 440, 0.3), kRate, 1);
  watch.on_meter_stop(4.0, kMic, "the source went away");
  const auto stopped = of_kind(watch.take_events(), EventKind::meter_stopped);
  ASSERT_EQ(stopped.size(), 1U);
  EXPECT_NEAR(stopped[0].elapsed_s, 4.0, 1e-9);
}

TEST(WatchSignal, SilenceThatEndsHasItsLengthAndWhatHappenedBefore) {
  constexpr int kRate = 16000;
  CallWatch watch({}, test::kWatchStartMs);
  SystemSnapshot state = recorded_state(true);
  watch.on_state(0, state);
  watch.on_meter_start(0, kMic, {kRate, 1});
  feed_in_pieces(watch, test::sine(kRate, 10, 300, 0.2), kRate, 1);
  state.sources[0].muted = true;  // 0.5 s before the silence: the cause
  watch.on_state(9.5, state);
  feed_in_pieces(watch, std::vector<float>(static_cast<std::size_t>(kRate * 6), 0.0F), kRate, 1);
  feed_in_pieces(watch, test::sine(kRate, 4, 300, 0.2), kRate, 1);
  watch.finish(20, "duration reached");

  const auto ended = of_kind(watch.take_events(), EventKind::signal_silence_ended);
  ASSERT_EQ(ended.size(), 1U);
  EXPECT_NEAR(ended[0].detail("seconds")->number.value_or(0), 6.0, 0.15);
  const auto all_findings = watch.findings();
  const Finding* silent = finding_with(all_findings, "signal.went_silent");
  ASSERT_NE(silent, nullptr);
  EXPECT_NE(silent->detail.find("came back after 6."), std::string::npos) << silent->detail;
  EXPECT_NE(silent->detail.find("H390 headset Mono was muted"), std::string::npos) << silent->detail;
}

// Many events before a silence (an AGC at work, then the mute): the nearest
// ones are kept, so the mute that explains it is named, and said to explain it.
TEST(WatchSignal, TheMuteJustBeforeASilenceIsNamedAmongManyEvents) {
  constexpr int kRate = 16000;
  CallWatch watch({}, test::kWatchStartMs);
  SystemSnapshot state = recorded_state(true);
  watch.on_state(0, state);
  watch.on_meter_start(0, kMic, {kRate, 1});
  feed_in_pieces(watch, test::sine(kRate, 3, 300, 0.2), kRate, 1);
  for (int i = 0; i < 12; ++i) {
    state.sources[0].volume_percent = i % 2 == 0 ? 40.0 : 90.0;
    watch.on_state(3.0 + 0.5 * i, state);
  }
  feed_in_pieces(watch, test::sine(kRate, 6, 300, 0.2), kRate, 1);
  state.sources[0].muted = true;
  watch.on_state(9.0, state);
  feed_in_pieces(watch, std::vector<float>(static_cast<std::size_t>(kRate * 4), 0.0F), kRate, 1);
  watch.finish(13, "duration reached");

  const auto findings = watch.findings();
  const Finding* silent = finding_with(findings, "signal.went_silent");
  ASSERT_NE(silent, nullptr);
  EXPECT_NE(silent->detail.find("H390 headset Mono was muted"), std::string::npos) << silent->detail;
  EXPECT_NE(silent->detail.find("that mute explains the silence"), std::string::npos) << silent->detail;
  EXPECT_EQ(silent->detail.find("when the watch started"), std::string::npos) << silent->detail;
}

// A source that delivers nothing once its feed stops (a pipe with no
// writer): the platform says the audio stalled, and the silence is dated
// where the audio ended.
TEST(WatchSignal, AStalledFeedIsASilenceFromWhereTheAudioEnded) {
  constexpr int kRate = 48000;
  CallWatch watch({}, test::kWatchStartMs);
  watch.on_state(0, recorded_state(true));
  watch.on_meter_start(1.0, kMic, {kRate, 2});
  feed_in_pieces(watch, stereo(test::sine(kRate, 7.3, 440, 0.3)), kRate, 2);
  watch.on_audio_stalled(9.0);
  watch.on_audio_stalled(12.0);
  watch.finish(12.0, "duration reached");
  const auto started = of_kind(watch.take_events(), EventKind::signal_silence_started);
  ASSERT_EQ(started.size(), 1U);
  EXPECT_NEAR(started[0].elapsed_s, 8.3, 0.1);
  const auto findings = watch.findings();
  EXPECT_NE(finding_with(findings, "signal.went_silent"), nullptr);
}

TEST(WatchSignal, SilenceWithNobodyRecordingIsNotAFinding) {
  constexpr int kRate = 48000;
  CallWatch watch({}, test::kWatchStartMs);
  watch.on_state(0, recorded_state(false));
  watch.on_meter_start(0, kMic, {kRate, 1});
  std::vector<float> mono = test::sine(kRate, 12, 440, 0.3);
  std::fill(mono.begin() + std::ptrdiff_t{5} * kRate, mono.end(), 0.0F);
  feed_in_pieces(watch, mono, kRate, 1);
  watch.finish(12, "duration reached");
  EXPECT_EQ(count_kind(watch.take_events(), EventKind::signal_silence_started), 0U);
  EXPECT_EQ(finding_with(watch.findings(), "signal.went_silent"), nullptr);
}

TEST(WatchSignal, ShortGapsAreNotSilences) {
  constexpr int kRate = 16000;
  CallWatch watch({}, 0);
  watch.on_state(0, recorded_state(true));
  watch.on_meter_start(0, kMic, {kRate, 1});
  for (int i = 0; i < 6; ++i) {
    feed_in_pieces(watch, test::sine(kRate, 2, 300, 0.2), kRate, 1);
    feed_in_pieces(watch, std::vector<float>(static_cast<std::size_t>(kRate * 1.7), 0.0F), kRate, 1);
  }
  watch.finish(25, "duration reached");
  EXPECT_EQ(count_kind(watch.take_events(), EventKind::signal_silence_started), 0U);
}

std::vector<float> with_bursts(int rate, int bursts) {
  // A voice-level tone with `bursts` stretches of 0.3 s driven into full scale, 8 s apart.
  std::vector<float> mono = test::sine(rate, 10.0 + 8.0 * bursts, 200, 0.1);
  for (int b = 0; b < bursts; ++b) {
    const auto from = static_cast<std::size_t>((5.0 + 8.0 * b) * rate);
    for (std::size_t i = from; i < from + static_cast<std::size_t>(0.3 * rate); ++i) {
      mono[i] = mono[i] >= 0 ? 1.0F : -1.0F;
    }
  }
  return mono;
}

TEST(WatchSignal, RepeatedClippingBurstsAreAFinding) {
  constexpr int kRate = 48000;
  CallWatch watch({}, test::kWatchStartMs);
  watch.on_state(0, recorded_state(true));
  watch.on_meter_start(0, kMic, {kRate, 1});
  feed_in_pieces(watch, with_bursts(kRate, 3), kRate, 1);
  watch.finish(40, "duration reached");
  const auto clipping = of_kind(watch.take_events(), EventKind::signal_clipping);
  ASSERT_EQ(clipping.size(), 3U);
  EXPECT_NEAR(clipping[0].elapsed_s, 5.0, 0.1);
  EXPECT_NEAR(clipping[1].elapsed_s, 13.0, 0.1);
  const auto all_findings = watch.findings();
  const Finding* f = finding_with(all_findings, "signal.clipping_bursts");
  ASSERT_NE(f, nullptr);
  EXPECT_NE(f->detail.find("3 bursts"), std::string::npos) << f->detail;
  EXPECT_TRUE(test::steps_say(*f, "pactl set-source-volume '" + kMic + "' 70%"));

  CallWatch fewer({}, 0);
  fewer.on_state(0, recorded_state(true));
  fewer.on_meter_start(0, kMic, {kRate, 1});
  feed_in_pieces(fewer, with_bursts(kRate, 2), kRate, 1);
  fewer.finish(30, "duration reached");
  EXPECT_EQ(count_kind(fewer.take_events(), EventKind::signal_clipping), 2U);
  EXPECT_EQ(finding_with(fewer.findings(), "signal.clipping_bursts"), nullptr);
}

TEST(WatchSignal, ClippingEventsAreRateLimitedButEveryBurstCounts) {
  constexpr int kRate = 48000;
  // Six bursts of 0.2 s, 2 s apart: six bursts, but at most one line every 5 s.
  std::vector<float> mono = test::sine(kRate, 16, 200, 0.1);
  for (int b = 0; b < 6; ++b) {
    const auto from = static_cast<std::size_t>((2.0 + 2.0 * b) * kRate);
    for (std::size_t i = from; i < from + static_cast<std::size_t>(0.2 * kRate); ++i)
      mono[i] = mono[i] >= 0 ? 1.0F : -1.0F;
  }
  CallWatch watch({}, 0);
  watch.on_state(0, recorded_state(true));
  watch.on_meter_start(0, kMic, {kRate, 1});
  feed_in_pieces(watch, mono, kRate, 1);
  watch.finish(16, "duration reached");
  const auto clipping = of_kind(watch.take_events(), EventKind::signal_clipping);
  ASSERT_EQ(clipping.size(), 2U);  // at 2 s, then 8 s (the bursts at 4, 6, 10 and 12 s too close to the last shown)
  EXPECT_NEAR(clipping[0].elapsed_s, 2.0, 0.1);
  EXPECT_NEAR(clipping[1].elapsed_s, 8.0, 0.1);
  EXPECT_DOUBLE_EQ(clipping[1].detail("more_bursts")->number.value_or(0), 2.0);
  const auto findings = watch.findings();
  const Finding* f = finding_with(findings, "signal.clipping_bursts");
  ASSERT_NE(f, nullptr);
  EXPECT_NE(f->detail.find("6 bursts"), std::string::npos) << f->detail;
}

TEST(WatchSignal, LevelLinesComeEveryFewSecondsWithTheLevel) {
  constexpr int kRate = 48000;
  CallWatchOptions options;
  options.level_every_s = 5;
  CallWatch watch(options, 0);
  watch.on_state(0, recorded_state(true));
  watch.on_meter_start(0, kMic, {kRate, 2});
  feed_in_pieces(watch, stereo(test::sine(kRate, 30, 1000, 0.5)), kRate, 2);
  const auto levels = of_kind(watch.take_events(), EventKind::signal_level);
  ASSERT_EQ(levels.size(), 6U);
  for (const WatchEvent& e : levels) {
    EXPECT_NEAR(e.detail("level_dbfs")->number.value_or(0), 20 * std::log10(0.5 / std::sqrt(2.0)), 0.2);
    EXPECT_NEAR(e.detail("peak_dbfs")->number.value_or(0), 20 * std::log10(0.5), 0.2);
  }
  EXPECT_NEAR(levels[0].elapsed_s, 5.0, 0.01);
  // Level lines are handed out but not kept for the report's event list.
  EXPECT_EQ(count_kind(watch.timeline().events, EventKind::signal_level), 0U);
  EXPECT_GE(watch.timeline().levels.size(), 29U);
}

std::vector<float> read_mono(const std::string& path, int& rate) {
  AudioFile file = AudioFile::open(path);
  rate = file.info().sample_rate;
  std::vector<float> all(static_cast<std::size_t>(file.info().frames * file.info().channels));
  all.resize(file.read(all) * static_cast<std::size_t>(file.info().channels));
  if (file.info().channels == 1) return all;
  std::vector<float> mono(all.size() / static_cast<std::size_t>(file.info().channels));
  for (std::size_t i = 0; i < mono.size(); ++i) mono[i] = all[i * static_cast<std::size_t>(file.info().channels)];
  return mono;
}

// Read speech (LibriVox, pocketsphinx-testdata) with pauses between
// sentences and a long listening pause in room noise: a call's ordinary
// audio, repeated to two minutes.
std::vector<float> ordinary_call(int& rate, double gain_after_s = 1e9, double gain = 1.0) {
  const std::filesystem::path dir = "/usr/share/pocketsphinx/test/data/librivox";
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() == ".wav") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<float> call;
  rate = 16000;
  int round = 0;
  while (call.size() < std::size_t{120} * static_cast<std::size_t>(rate)) {
    for (const auto& path : files) {
      std::vector<float> speech = read_mono(path.string(), rate);
      call.insert(call.end(), speech.begin(), speech.end());
      const auto pause = test::white_noise(static_cast<std::size_t>(1.5 * rate), 0.001, static_cast<unsigned>(round));
      call.insert(call.end(), pause.begin(), pause.end());
    }
    // Listening to the others for 12 s.
    const auto listening = test::white_noise(std::size_t{12} * static_cast<std::size_t>(rate), 0.0006, 99);
    call.insert(call.end(), listening.begin(), listening.end());
    ++round;
  }
  for (std::size_t i = static_cast<std::size_t>(std::min(gain_after_s * rate, static_cast<double>(call.size())));
       i < call.size(); ++i) {
    call[i] = static_cast<float>(call[i] * gain);
  }
  return call;
}

bool have_librivox() { return std::filesystem::exists("/usr/share/pocketsphinx/test/data/librivox"); }

TEST(WatchSignal, OrdinarySpeechWithPausesIsNeitherSwingNorSilence) {
  if (!have_librivox()) GTEST_SKIP() << "pocketsphinx-testdata is not installed (scripts/install-deps.sh)";
  int rate = 0;
  const std::vector<float> call = ordinary_call(rate);
  CallWatch watch({}, 0);
  watch.on_state(0, recorded_state(true));
  watch.on_meter_start(0, kMic, {rate, 1});
  feed_in_pieces(watch, call, rate, 1);
  watch.finish(static_cast<double>(call.size()) / rate, "duration reached");
  const auto events = watch.take_events();
  EXPECT_EQ(count_kind(events, EventKind::signal_swing), 0U);
  EXPECT_EQ(count_kind(events, EventKind::signal_silence_started), 0U);
  EXPECT_EQ(count_kind(events, EventKind::signal_clipping), 0U);
  // The voice level was measured (so the swing rule had speech to compare).
  const auto levels = of_kind(events, EventKind::signal_level);
  ASSERT_FALSE(levels.empty());
  EXPECT_NE(levels.back().detail("voice_dbfs"), nullptr);
  EXPECT_TRUE(watch.findings().empty());
}

TEST(WatchSignal, TheSameSpeechTurnedDown30DbIsASwing) {
  if (!have_librivox()) GTEST_SKIP() << "pocketsphinx-testdata is not installed (scripts/install-deps.sh)";
  int rate = 0;
  const std::vector<float> call = ordinary_call(rate, 20.0, std::pow(10.0, -30.0 / 20.0));
  CallWatch watch({}, 0);
  watch.on_state(0, recorded_state(true));
  watch.on_meter_start(0, kMic, {rate, 1});
  feed_in_pieces(watch, call, rate, 1);
  watch.finish(static_cast<double>(call.size()) / rate, "duration reached");
  const auto swings = of_kind(watch.take_events(), EventKind::signal_swing);
  ASSERT_EQ(swings.size(), 1U);
  EXPECT_GE(swings[0].elapsed_s, 20.0);
  EXPECT_LE(swings[0].elapsed_s, 30.0);
  const double from = swings[0].detail("from_dbfs")->number.value_or(0);
  const double to = swings[0].detail("to_dbfs")->number.value_or(0);
  EXPECT_NEAR(from - to, 30.0, 6.0);
}

TEST(WatchSignal, SyntheticVoiceDroppingIsASwingOnceAMinute) {
  constexpr int kRate = 16000;
  CallWatch watch({}, 0);
  watch.on_state(0, recorded_state(true));
  watch.on_meter_start(0, kMic, {kRate, 1});
  feed_in_pieces(watch, test::voice(kRate, 30, 0.3), kRate, 1);
  feed_in_pieces(watch, test::voice(kRate, 40, 0.003), kRate, 1);  // -40 dB
  feed_in_pieces(watch, test::voice(kRate, 20, 0.3), kRate, 1);    // back up, within the minute
  const auto swings = of_kind(watch.take_events(), EventKind::signal_swing);
  ASSERT_EQ(swings.size(), 1U);
  EXPECT_NEAR(swings[0].elapsed_s, 30.0, 0.5);  // the first quiet span
}

TEST(WatchSignal, MemoryStaysBoundedOverTwoHoursAndTenThousandEvents) {
  constexpr int kRate = 48000;
  CallWatch watch({}, test::kWatchStartMs);
  SystemSnapshot state = recorded_state(false);
  watch.on_state(0, state);
  watch.on_meter_start(0, kMic, {kRate, 1});
  const std::vector<float> second = test::sine(kRate, 1, 440, 0.1);
  const auto started = std::chrono::steady_clock::now();
  for (int s = 0; s < 2 * 3600; ++s) {
    watch.on_audio(second);
    if (s % 60 == 0) static_cast<void>(watch.take_events());
  }
  const double cpu_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf("metering 2 h of 48 kHz mono took %.2f s\n", cpu_s);
  const WatchTimeline& t = watch.timeline();
  EXPECT_LE(t.levels.size(), CallWatch::kMaxLevelPoints);
  EXPECT_GE(t.levels.size(), CallWatch::kMaxLevelPoints / 2);
  EXPECT_LT(t.levels.front().elapsed_s, 1.0);
  EXPECT_GT(t.levels.back().elapsed_s, 7200 - 2 * 7200.0 / CallWatch::kMaxLevelPoints - 1);
  for (std::size_t i = 1; i < t.levels.size(); ++i) EXPECT_LT(t.levels[i - 1].elapsed_s, t.levels[i].elapsed_s);
  EXPECT_NEAR(t.levels[t.levels.size() / 2].rms_dbfs, 20 * std::log10(0.1 / std::sqrt(2.0)), 0.2);

  for (int i = 0; i < 10000; ++i) {
    test::source_named(state, kMic)->volume_percent = 100.0 - ((i + 1) % 2) * 50.0;
    watch.on_state(7200 + i * 0.01, state);
  }
  static_cast<void>(watch.take_events());
  const WatchTimeline& after = watch.timeline();
  EXPECT_EQ(after.events.size(), CallWatch::kMaxKeptEvents);
  EXPECT_GT(after.events_dropped, 8000U);
  EXPECT_EQ(after.events.size() + after.events_dropped, 10000U + 2U);  // + watch.started and meter.started
  EXPECT_NEAR(after.events.back().elapsed_s, 7200 + 9999 * 0.01, 1e-6);
}

}  // namespace
}  // namespace micdoctor
