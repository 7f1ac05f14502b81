// Each join rule: the state and the recording in, the diagnosis out.
#include <gtest/gtest.h>

#include <algorithm>

#include "checks/check_catalog.hpp"
#include "checks/run_checks.hpp"
#include "checks/signal_joins.hpp"
#include "check_test_support.hpp"

namespace micdoctor::test {
namespace {

SystemSnapshot with_source(double volume_percent, bool muted, const std::string& bus = "usb") {
  SystemSnapshot s;
  s.server.reachable = true;
  s.server.default_source = "mic";
  Source mic;
  mic.name = "mic";
  mic.description = "USB Microphone";
  mic.bus = bus;
  mic.volume_percent = volume_percent;
  mic.muted = muted;
  s.sources = {mic};
  return s;
}

SignalAnalysis analysis(std::vector<Finding> findings, double seconds = 3.0) {
  SignalAnalysis a;
  a.metrics.duration_s = seconds;
  a.metrics.speech_level_dbfs = -60.0;
  a.findings = std::move(findings);
  return a;
}

std::vector<std::string> ids(const std::vector<Finding>& findings) {
  std::vector<std::string> out;
  for (const Finding& f : findings) out.push_back(f.id);
  return out;
}

const Finding& get(const std::vector<Finding>& findings, const std::string& id) {
  const auto it = std::find_if(findings.begin(), findings.end(), [&](const Finding& f) { return f.id == id; });
  if (it == findings.end()) throw std::runtime_error("no " + id);
  return *it;
}

TEST(SignalJoins, RulesAreNamedInOrder) {
  const auto rules = signal_join_rules();
  EXPECT_EQ(rules.front(), "monitor_is_not_a_microphone");
  EXPECT_EQ(rules.size(), 18u);  // with headset_port_explains_silence
}

// The step the fault hid, with its reason: the reports show "?" and the reason.
void expect_hardware_not_judged(const std::vector<Finding>& findings, const std::string& reason) {
  const auto count = std::count_if(findings.begin(), findings.end(), is_not_judged);
  ASSERT_EQ(count, 1);
  const Finding& hidden = get(findings, "check.not_judged");
  EXPECT_EQ(hidden.step, 5);
  EXPECT_EQ(hidden.severity, Severity::info);
  EXPECT_EQ(not_judged_reason(hidden), reason);
}

TEST(SignalJoins, MuteExplainsSilence) {
  const auto findings = join(with_source(100, true), analysis({signal("signal.digital_silence"), signal("signal.no_speech")}));
  EXPECT_EQ(ids(findings), (std::vector<std::string>{"device.muted", "check.not_judged"}));
  expect_hardware_not_judged(findings, "the microphone is muted, so the test heard only silence");
  const Finding& muted = findings[0];
  EXPECT_EQ(muted.explains, (std::vector<std::string>{"signal.digital_silence", "signal.no_speech"}));
  EXPECT_NE(muted.detail.find("3.0 s of pure digital silence"), std::string::npos);
  EXPECT_EQ(muted.fix, "source.unmute");
}

TEST(SignalJoins, ZeroVolumeExplainsSilence) {
  const auto findings = join(with_source(0, false), analysis({signal("signal.digital_silence")}));
  EXPECT_EQ(ids(findings), (std::vector<std::string>{"device.volume_low", "check.not_judged"}));
  EXPECT_EQ(findings[0].explains, std::vector<std::string>{"signal.digital_silence"});
  expect_hardware_not_judged(findings, "the microphone's volume is at 0 %, so the test heard only silence");
  // Turned far down, the hiss rounds to zero (PulseAudio at 1 %): the volume
  // again, not "silence although every setting is on".
  const auto one_percent =
      join(with_source(1, false), analysis({signal("signal.digital_silence"), signal("signal.no_speech")}));
  EXPECT_EQ(ids(one_percent), (std::vector<std::string>{"device.volume_low", "check.not_judged"}));
  EXPECT_EQ(one_percent[0].severity, Severity::error);
  EXPECT_NE(one_percent[0].detail.find("rounds to zero"), std::string::npos);
  expect_hardware_not_judged(one_percent, "the microphone's volume is at 1 %, so the test heard only silence");
}

SystemSnapshot with_monitor(bool monitor_is_default) {
  SystemSnapshot s = with_source(100, false);
  Source monitor;
  monitor.name = "speakers.monitor";
  monitor.description = "Monitor of Speakers";
  monitor.kind = SourceKind::monitor;
  monitor.card = "alsa_card.pci-0000_00_1f.3";  // a sound card's speakers
  s.sources.push_back(monitor);
  if (monitor_is_default) s.server.default_source = monitor.name;
  return s;
}

std::vector<Finding> join_on_monitor(const SystemSnapshot& s, const SignalAnalysis& a) {
  const std::vector<Finding> state = run_checks(s, "speakers.monitor");
  return join_signal_with_state(JoinInput{s, s.sources[1], state, a});
}

// What lets the microphone test stop on silence after a second: a cause in
// the settings, never a microphone that is on.
TEST(SignalJoins, SilenceIsExplainedBySettingsOnlyWhenTheJoinsFoldIt) {
  EXPECT_EQ(silence_explained_by_settings(with_source(100, true), with_source(100, true).sources[0]),
            SilenceExplained::yes);  // muted
  const SystemSnapshot at_zero = with_source(0, false);
  EXPECT_EQ(silence_explained_by_settings(at_zero, at_zero.sources[0]), SilenceExplained::yes);
  const SystemSnapshot on = with_source(100, false);
  EXPECT_EQ(silence_explained_by_settings(on, on.sources[0]), SilenceExplained::no);
  SystemSnapshot empty_jack = with_source(100, false, "pci");
  empty_jack.sources[0].ports = {Port{"analog-input-mic", "Microphone", Availability::no, 1}};
  empty_jack.sources[0].active_port = "analog-input-mic";
  EXPECT_EQ(silence_explained_by_settings(empty_jack, empty_jack.sources[0]), SilenceExplained::yes);
  // The source asked about, not the default: a muted default says nothing of
  // another microphone that is on.
  SystemSnapshot two = with_source(100, true);
  Source other = two.sources[0];
  other.name = "other";
  other.muted = false;
  two.sources.push_back(other);
  EXPECT_EQ(silence_explained_by_settings(two, two.sources[1]), SilenceExplained::no);
  EXPECT_EQ(silence_explained_by_settings(two, two.sources[0]), SilenceExplained::yes);
}

TEST(SignalJoins, SilenceFromAnEmptyJackIsTheJack) {
  SystemSnapshot s = with_source(100, false, "pci");
  s.sources[0].ports = {Port{"analog-input-mic", "Microphone", Availability::no, 1}};
  s.sources[0].active_port = "analog-input-mic";
  const auto findings = join(s, analysis({signal("signal.digital_silence"), signal("signal.no_speech")}));
  EXPECT_EQ(ids(findings), std::vector<std::string>{"device.port_unavailable"});
  EXPECT_EQ(findings[0].explains, (std::vector<std::string>{"signal.digital_silence", "signal.no_speech"}));
  EXPECT_NE(findings[0].detail.find("pure digital silence"), std::string::npos);
}

TEST(SignalJoins, SilenceFromAMonitorIsNoHardwareFault) {
  const SystemSnapshot s = with_monitor(false);
  const auto findings =
      join_on_monitor(s, analysis({signal("signal.digital_silence"), signal("signal.no_speech")}));
  EXPECT_EQ(ids(findings), (std::vector<std::string>{"device.is_monitor", "check.not_judged"}));
  const Finding& monitor = findings[0];
  EXPECT_EQ(monitor.explains, (std::vector<std::string>{"signal.digital_silence", "signal.no_speech"}));
  EXPECT_NE(monitor.detail.find("because nothing was playing"), std::string::npos);
  for (const Finding& f : findings) {
    EXPECT_EQ(f.title.find("although every setting is on"), std::string::npos) << f.title;
    EXPECT_FALSE(steps_mention(f, "another computer")) << f.id;  // no broken microphone to look for
  }
  expect_hardware_not_judged(findings, "the chosen device is a monitor of an output, not a microphone");
}

TEST(SignalJoins, WhatAMonitorPlayedSaysNothingAboutAMicrophone) {
  // Something was playing: the monitor's sound is judged by nobody, "fine" included.
  const SystemSnapshot s = with_monitor(true);
  for (const char* heard : {"signal.ok", "signal.clipping", "signal.hum"}) {
    const auto findings = join_on_monitor(s, analysis({signal(heard, Severity::warning)}));
    EXPECT_EQ(ids(findings), (std::vector<std::string>{"device.is_monitor", "check.not_judged"})) << heard;
    EXPECT_NE(findings[0].detail.find("says nothing about a microphone"), std::string::npos);
    EXPECT_NE(findings[0].detail.find("also the default input"), std::string::npos);
  }
}

TEST(SignalJoins, AVirtualMicrophoneKeepsWhatItHeard) {
  // A null sink's monitor has no card: what was played into it is what it delivers.
  SystemSnapshot s = with_monitor(false);
  s.sources[1].card.clear();
  const auto clipped = join_on_monitor(s, analysis({signal("signal.clipping")}));
  EXPECT_EQ(ids(clipped), (std::vector<std::string>{"device.is_monitor", "signal.clipping"}));
  EXPECT_EQ(clipped[0].severity, Severity::warning);
  EXPECT_TRUE(clipped[0].explains.empty());
  // Its silence is that nothing was played into it, not a hardware fault.
  const auto silent = join_on_monitor(s, analysis({signal("signal.digital_silence"), signal("signal.no_speech")}));
  EXPECT_EQ(ids(silent), (std::vector<std::string>{"device.is_monitor", "check.not_judged"}));
  EXPECT_NE(silent[0].detail.find("nothing was played into it"), std::string::npos);
  expect_hardware_not_judged(silent, "nothing was played into the virtual output the chosen device records");
}

TEST(SignalJoins, LowVolumeHidesTheVoice) {
  // At 5 % no voice is heard: the volume is the cause, not a second error.
  const auto findings = join(with_source(5, false), analysis({signal("signal.no_speech")}));
  EXPECT_EQ(ids(findings), (std::vector<std::string>{"device.volume_low", "check.not_judged"}));
  EXPECT_EQ(findings[0].severity, Severity::error);
  EXPECT_EQ(findings[0].explains, std::vector<std::string>{"signal.no_speech"});
  EXPECT_NE(findings[0].detail.find("heard no voice"), std::string::npos);
  expect_hardware_not_judged(findings, "the volume is so low that no voice could be heard");
  // The noise the voice sank into, at the recording's own floor, waits for the test at a proper volume.
  SignalAnalysis at_floor = analysis({signal("signal.no_speech"), signal("signal.noisy", Severity::warning)});
  at_floor.metrics.noise_floor_dbfs = -95.0;
  const auto with_noise = join(with_source(20, false), at_floor);
  EXPECT_EQ(ids(with_noise), (std::vector<std::string>{"device.volume_low", "check.not_judged"}));
  EXPECT_EQ(with_noise[0].explains, (std::vector<std::string>{"signal.no_speech", "signal.noisy"}));
  // A quiet voice sunk to the floor at a low volume likewise.
  SignalAnalysis faint = analysis({signal("signal.too_quiet"), signal("signal.noisy", Severity::warning)});
  faint.metrics.speech_level_dbfs = -75.0;
  const auto quiet = join(with_source(5, false), faint);
  EXPECT_EQ(ids(quiet), std::vector<std::string>{"device.volume_low"});  // a voice came through: the hardware works
  EXPECT_EQ(quiet[0].explains, (std::vector<std::string>{"signal.too_quiet", "signal.noisy"}));
  // Pauses rounded to exact zeros at a low volume are no dropouts of the hardware.
  const auto gaps =
      join(with_source(5, false), analysis({signal("signal.too_quiet"), signal("signal.dropouts", Severity::warning)}));
  EXPECT_EQ(ids(gaps), std::vector<std::string>{"device.volume_low"});
  EXPECT_EQ(gaps[0].explains, (std::vector<std::string>{"signal.too_quiet", "signal.dropouts"}));
  EXPECT_NE(gaps[0].detail.find("rounded to zero at this volume"), std::string::npos);
  EXPECT_EQ(ids(join(with_source(100, false), analysis({signal("signal.dropouts")}))),
            std::vector<std::string>{"signal.dropouts"});
  // At a proper volume no voice is no voice, and noise is noise.
  const auto proper = join(with_source(100, false), analysis({signal("signal.no_speech"), signal("signal.noisy")}));
  EXPECT_EQ(ids(proper), (std::vector<std::string>{"signal.no_speech", "signal.noisy"}));
}

TEST(SignalJoins, RealNoiseStandsBesideALowVolume) {
  // The volume scales voice and background alike: the SNR, and the noise, are the room's.
  SignalAnalysis room = analysis({signal("signal.no_speech"), signal("signal.noisy", Severity::warning)});
  room.metrics.speech_level_dbfs.reset();
  room.metrics.noise_floor_dbfs = -50.0;
  const auto no_voice = join(with_source(20, false), room);
  EXPECT_EQ(ids(no_voice), (std::vector<std::string>{"device.volume_low", "signal.noisy", "check.not_judged"}));
  EXPECT_EQ(get(no_voice, "device.volume_low").explains, std::vector<std::string>{"signal.no_speech"});

  SignalAnalysis quiet_in_noise = analysis({signal("signal.too_quiet"), signal("signal.noisy", Severity::warning)});
  quiet_in_noise.metrics.speech_level_dbfs = -45.0;
  quiet_in_noise.metrics.noise_floor_dbfs = -52.0;
  const auto quiet = join(with_source(5, false), quiet_in_noise);
  EXPECT_EQ(ids(quiet), (std::vector<std::string>{"device.volume_low", "signal.noisy"}));
  EXPECT_EQ(get(quiet, "device.volume_low").explains, std::vector<std::string>{"signal.too_quiet"});

  // A floor that could not be measured is no evidence that the noise is the volume's.
  quiet_in_noise.metrics.noise_floor_dbfs.reset();
  EXPECT_EQ(ids(join(with_source(5, false), quiet_in_noise)),
            (std::vector<std::string>{"device.volume_low", "signal.noisy"}));
}

TEST(SignalJoins, DropoutsJoinTheVolumeOnlyWhereRoundingExplainsThem) {
  // At 20 % with a voice well above the floor, gaps of zeros are no rounding: they stand.
  SignalAnalysis gaps = analysis({signal("signal.dropouts", Severity::error)});
  gaps.metrics.speech_level_dbfs = -40.0;
  const auto stand = join(with_source(20, false), gaps);
  EXPECT_EQ(ids(stand), (std::vector<std::string>{"device.volume_low", "signal.dropouts"}));
  EXPECT_EQ(get(stand, "signal.dropouts").severity, Severity::error);
  // A voice sunk to the floor: rounding explains them, and the error is not shrunk to a warning.
  gaps.metrics.speech_level_dbfs = -75.0;
  const auto rounded = join(with_source(20, false), gaps);
  EXPECT_EQ(ids(rounded), std::vector<std::string>{"device.volume_low"});
  EXPECT_EQ(rounded[0].explains, std::vector<std::string>{"signal.dropouts"});
  EXPECT_EQ(rounded[0].severity, Severity::error);
  // A volume at or below 10 % rounds them whatever the voice.
  gaps.metrics.speech_level_dbfs = -40.0;
  EXPECT_EQ(ids(join(with_source(10, false), gaps)), std::vector<std::string>{"device.volume_low"});
}

TEST(SignalJoins, SilenceFromAnEmptyJackIsTheJackEvenAtALowVolume) {
  SystemSnapshot s = with_source(5, false, "pci");
  s.sources[0].ports = {Port{"analog-input-mic", "Microphone", Availability::no, 1}};
  s.sources[0].active_port = "analog-input-mic";
  const auto findings = join(s, analysis({signal("signal.digital_silence"), signal("signal.no_speech")}));
  EXPECT_EQ(get(findings, "device.port_unavailable").explains,
            (std::vector<std::string>{"signal.digital_silence", "signal.no_speech"}));
  EXPECT_TRUE(get(findings, "device.volume_low").explains.empty());
}

TEST(SignalJoins, SilenceFromASourceThatIsOn) {
  SystemSnapshot s = with_source(100, false);
  s.sandboxes = {SandboxedApp{"Zoom", "flatpak", "us.zoom.Zoom", false, "no socket"}};
  const auto findings = join(s, analysis({signal("signal.digital_silence"), signal("signal.no_speech")}));
  EXPECT_EQ(ids(findings), (std::vector<std::string>{"permission.sandbox_denied", "signal.digital_silence"}));
  const Finding& silence = get(findings, "signal.digital_silence");
  EXPECT_EQ(silence.step, 5);
  EXPECT_EQ(silence.device, "mic");
  EXPECT_NE(silence.title.find("although every setting is on"), std::string::npos);
  EXPECT_NE(silence.detail.find("unmuted at 100 %"), std::string::npos);
  EXPECT_TRUE(steps_mention(silence, "mute switch"));
  EXPECT_TRUE(steps_mention(silence, "privacy"));
  EXPECT_TRUE(steps_mention(silence, "Zoom (Flatpak)"));  // points at the sandbox finding
  EXPECT_TRUE(steps_mention(silence, "another computer"));
  EXPECT_EQ(silence.explains, std::vector<std::string>{"signal.no_speech"});
}

TEST(SignalJoins, LowVolumeExplainsAQuietVoice) {
  const auto findings = join(with_source(20, false), analysis({signal("signal.too_quiet", Severity::warning)}));
  EXPECT_EQ(ids(findings), std::vector<std::string>{"device.volume_low"});
  EXPECT_EQ(findings[0].severity, Severity::error);  // the recording confirms it matters
  EXPECT_EQ(findings[0].explains, std::vector<std::string>{"signal.too_quiet"});
  EXPECT_NE(findings[0].detail.find("-60.0 dBFS"), std::string::npos);
  // Between 25 and 90 %, there is no volume finding: the quiet voice says to raise it.
  const auto middling = join(with_source(50, false), analysis({signal("signal.too_quiet", Severity::warning)}));
  const Finding& quiet = get(middling, "signal.too_quiet");
  EXPECT_EQ(quiet.fix, "source.raise_volume");
  EXPECT_TRUE(steps_mention(quiet, "pactl set-source-volume 'mic' 100%"));
}

TEST(SignalJoins, QuietAtFullVolumePointsAtHardwareGainPortOrMicrophone) {
  SystemSnapshot s = with_source(100, false, "pci");
  s.sources[0].card = "alsa_card.pci-0000_00_1f.3";
  s.sources[0].ports = {Port{"analog-input-rear-mic", "Rear Microphone", Availability::yes, 1},
                        Port{"analog-input-front-mic", "Front Microphone", Availability::unknown, 2}};
  s.sources[0].active_port = "analog-input-rear-mic";
  Card card;
  card.name = "alsa_card.pci-0000_00_1f.3";
  card.alsa_card = 0;
  s.cards = {card};
  Source headset;
  headset.name = "headset";
  headset.bus = "usb";
  headset.form_factor = "headset";
  s.sources.push_back(headset);
  const auto findings = join(s, analysis({signal("signal.too_quiet")}));
  const Finding& quiet = get(findings, "signal.too_quiet");
  EXPECT_FALSE(quiet.fix);
  EXPECT_NE(quiet.detail.find("already at 100 %"), std::string::npos);
  EXPECT_TRUE(steps_mention(quiet, "alsamixer -c 0"));
  EXPECT_TRUE(steps_mention(quiet, "analog-input-rear-mic"));
  EXPECT_TRUE(steps_mention(quiet, "micdoctor test --device 'headset'"));
}

TEST(SignalJoins, NarrowbandFromBluetoothIsTheProfilesLimit) {
  SystemSnapshot s = with_source(100, false, "bluetooth");
  s.sources[0].card = "bluez_card.00_1B_66_A1_B2_C3";
  Card card;
  card.name = "bluez_card.00_1B_66_A1_B2_C3";
  card.api = "bluez5";
  card.profiles = {Profile{"headset-head-unit-cvsd", "CVSD", 1, 1, true, 1}, Profile{"headset-head-unit", "mSBC", 1, 1, true, 2}};
  card.active_profile = "headset-head-unit-cvsd";
  s.cards = {card};
  const auto findings = join(s, analysis({signal("signal.narrowband", Severity::warning)}));
  const Finding& narrow = get(findings, "signal.narrowband");
  EXPECT_NE(narrow.title.find("Bluetooth"), std::string::npos);
  EXPECT_NE(narrow.detail.find("hands-free profile"), std::string::npos);
  EXPECT_TRUE(steps_mention(narrow, "pactl set-card-profile 'bluez_card.00_1B_66_A1_B2_C3' 'headset-head-unit'"));
  // Not Bluetooth: the analyser's own words stay.
  const auto usb = join(with_source(100, false), analysis({signal("signal.narrowband", Severity::warning)}));
  EXPECT_EQ(get(usb, "signal.narrowband").title, "signal.narrowband title");
}

TEST(SignalJoins, ClippingAboveUnityGainSaysLowerIt) {
  const auto loud = join(with_source(150, false), analysis({signal("signal.clipping")}));
  const Finding& clipping = get(loud, "signal.clipping");
  EXPECT_EQ(clipping.fix, "source.lower_volume");
  EXPECT_TRUE(steps_mention(clipping, "pactl set-source-volume 'mic' 100%"));
  const auto unity = join(with_source(100, false), analysis({signal("signal.clipping")}));
  EXPECT_FALSE(get(unity, "signal.clipping").fix);
  EXPECT_TRUE(steps_mention(get(unity, "signal.clipping"), "Mic Boost"));
}

TEST(SignalJoins, SignalFindingsBelongToStepFiveAndTheSource) {
  const auto findings = join(with_source(100, false), analysis({signal("signal.hum", Severity::warning)}));
  const Finding& hum = get(findings, "signal.hum");
  EXPECT_EQ(hum.step, 5);
  EXPECT_EQ(hum.device, "mic");
  EXPECT_EQ(hum.manual_steps, std::vector<std::string>{"signal.hum advice"});
}

TEST(SignalJoins, AFineRecordingBesideAStateProblemIsNotCalledFine) {
  SystemSnapshot s = with_source(100, false);
  s.sources.push_back(Source{});
  s.sources.back().name = "speakers.monitor";
  s.sources.back().kind = SourceKind::monitor;
  s.server.default_source = "speakers.monitor";
  Finding ok = signal("signal.ok", Severity::info);
  ok.title = "The recording sounds fine";
  const auto findings = join(s, analysis({ok}));
  EXPECT_EQ(get(findings, "signal.ok").title, "The recording itself sounds fine");
  EXPECT_TRUE(std::is_sorted(findings.begin(), findings.end(), [](const Finding& a, const Finding& b) { return a.step < b.step; }));
}

}  // namespace
}  // namespace micdoctor::test
