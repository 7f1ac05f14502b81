// Each join rule: the state and the recording in, the diagnosis out.
#include <gtest/gtest.h>

#include <algorithm>

#include "checks/run_checks.hpp"
#include "checks/signal_joins.hpp"

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

Finding signal(const std::string& id, Severity severity = Severity::error) {
  Finding f;
  f.id = id;
  f.severity = severity;
  f.title = id + " title";
  f.detail = id + " detail.";
  f.advice = id + " advice";
  return f;
}

SignalAnalysis analysis(std::vector<Finding> findings, double seconds = 3.0) {
  SignalAnalysis a;
  a.metrics.duration_s = seconds;
  a.metrics.speech_level_dbfs = -60.0;
  a.findings = std::move(findings);
  return a;
}

std::vector<Finding> join(const SystemSnapshot& s, const SignalAnalysis& a) {
  const std::vector<Finding> state = run_checks(s);
  return join_signal_with_state(JoinInput{s, s.sources[0], state, a});
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

bool steps_mention(const Finding& f, const std::string& text) {
  return std::any_of(f.manual_steps.begin(), f.manual_steps.end(),
                     [&](const std::string& s) { return s.find(text) != std::string::npos; });
}

TEST(SignalJoins, RulesAreNamedInOrder) {
  const auto rules = signal_join_rules();
  EXPECT_EQ(rules.front(), "mute_explains_silence");
  EXPECT_EQ(rules.size(), 7u);
}

TEST(SignalJoins, MuteExplainsSilence) {
  const auto findings = join(with_source(100, true), analysis({signal("signal.digital_silence"), signal("signal.no_speech")}));
  EXPECT_EQ(ids(findings), std::vector<std::string>{"device.muted"});
  const Finding& muted = findings[0];
  EXPECT_EQ(muted.explains, (std::vector<std::string>{"signal.digital_silence", "signal.no_speech"}));
  EXPECT_NE(muted.detail.find("3.0 s of pure digital silence"), std::string::npos);
  EXPECT_EQ(muted.fix, "source.unmute");
}

TEST(SignalJoins, ZeroVolumeExplainsSilence) {
  const auto findings = join(with_source(0, false), analysis({signal("signal.digital_silence")}));
  EXPECT_EQ(ids(findings), std::vector<std::string>{"device.volume_low"});
  EXPECT_EQ(findings[0].explains, std::vector<std::string>{"signal.digital_silence"});
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
