// The joins of the checks below the server with the microphone test: each
// named rule, the state and the recording in, the diagnosis out.
#include <gtest/gtest.h>

#include <algorithm>
#include <limits>

#include "checks/check_catalog.hpp"
#include "checks/run_checks.hpp"
#include "checks/signal_joins.hpp"
#include "check_test_support.hpp"

namespace micdoctor::test {
namespace {

constexpr const char* kCard = "alsa_card.pci-0000_00_1f.3";
constexpr const char* kSource = "alsa_input.pci-0000_00_1f.3.analog-stereo";

// A laptop recording its built-in microphone (card 0, "PCH", Realtek HD-Audio):
// "Capture" 0-63 at -17.25..+30 dB, "Internal Mic Boost" 0-3 at 0..+30 dB.
SystemSnapshot laptop(long capture_step, long boost_step) {
  SystemSnapshot s;
  s.server.reachable = true;
  s.server.name = "PulseAudio (on PipeWire 0.3.65)";
  s.server.default_source = kSource;
  Card card;
  card.name = kCard;
  card.alsa_card = 0;
  s.cards = {card};
  Source mic;
  mic.name = kSource;
  mic.description = "Built-in Audio Analog Stereo";
  mic.bus = "pci";
  mic.card = kCard;
  mic.volume_percent = 100.0;
  mic.ports = {Port{"analog-input-internal-mic", "Internal Microphone", Availability::unknown, 89}};
  mic.active_port = "analog-input-internal-mic";
  s.sources = {mic};
  s.kernel.read = true;
  KernelCard k;
  k.number = 0;
  k.id = "PCH";
  k.bus = "pci";
  k.address = "0000:00:1f.3";
  s.kernel.cards = {k};
  AlsaMixer m;
  m.card = 0;
  m.card_id = "PCH";
  m.read = true;
  MixerElement capture;
  capture.name = "Capture";
  capture.volume = volume(0, 63, capture_step, -17.25, 30.0);
  capture.volume_is_capture = true;
  capture.capture_switch = {true, true};
  MixerElement boost;
  boost.name = "Internal Mic Boost";
  boost.volume = volume(0, 3, boost_step, 0.0, 30.0);
  m.elements = {capture, boost};
  s.kernel.mixers = {m};
  return s;
}

SignalAnalysis analysis(std::vector<Finding> findings) {
  SignalAnalysis a;
  a.metrics.duration_s = 3.0;
  a.metrics.speech_level_dbfs = -50.0;
  a.findings = std::move(findings);
  return a;
}

const Finding* find(const std::vector<Finding>& findings, const std::string& id) {
  const auto it = std::find_if(findings.begin(), findings.end(), [&](const Finding& f) { return f.id == id; });
  return it == findings.end() ? nullptr : &*it;
}

bool explains(const Finding& f, const std::string& id) {
  return std::find(f.explains.begin(), f.explains.end(), id) != f.explains.end();
}

TEST(BelowServerJoins, TheRulesAreNamedInTheirPlaces) {
  const auto rules = signal_join_rules();
  const auto at = [&](std::string_view name) { return std::find(rules.begin(), rules.end(), name) - rules.begin(); };
  for (const char* name : {"micmute_explains_silence", "capture_switch_explains_silence",
                           "capture_volume_explains_quiet_voice", "boost_overloads", "autosuspend_and_dropouts",
                           "other_channel_names_the_input"}) {
    EXPECT_LT(at(name), static_cast<long>(rules.size())) << name;
  }
  // A cause below the server explains silence before "every setting is on" is said.
  EXPECT_LT(at("micmute_explains_silence"), at("silence_from_a_source_that_is_on"));
  EXPECT_LT(at("low_volume_explains_silence"), at("headset_port_explains_silence"));
  EXPECT_LT(at("headset_port_explains_silence"), at("silence_from_a_source_that_is_on"));
  EXPECT_LT(at("capture_switch_explains_silence"), at("silence_from_a_source_that_is_on"));
  EXPECT_LT(at("capture_volume_explains_quiet_voice"), at("quiet_at_full_volume"));
  EXPECT_LT(at("boost_overloads"), at("gain_above_unity_overloads"));
}

TEST(BelowServerJoins, MicmuteKeyExplainsSilence) {
  SystemSnapshot s = laptop(23, 1);
  s.kernel.mute_leds = {MuteLed{"platform::micmute", 1, 1, "none"}};
  const auto findings = join(s, analysis({signal("signal.digital_silence"), signal("signal.no_speech")}));
  const Finding* key = find(findings, "hardware.micmute_on");
  ASSERT_NE(key, nullptr);
  EXPECT_TRUE(explains(*key, "signal.digital_silence"));
  EXPECT_TRUE(explains(*key, "signal.no_speech"));
  EXPECT_NE(key->detail.find("3.0 s of pure digital silence"), std::string::npos);
  EXPECT_EQ(find(findings, "signal.digital_silence"), nullptr);
  const Finding* hidden = find(findings, "check.not_judged");
  ASSERT_NE(hidden, nullptr);
  EXPECT_EQ(not_judged_reason(*hidden), "the microphone mute key is on, so the test heard only silence");
}

// A Bluetooth headset's silence while the laptop's mute light is lit: the
// key does not mute the headset, so the silence stays unexplained by it.
TEST(BelowServerJoins, MicmuteKeyDoesNotExplainABluetoothMicsSilence) {
  SystemSnapshot s = laptop(23, 1);
  s.kernel.mute_leds = {MuteLed{"platform::micmute", 1, 1, "none"}};
  s.sources[0].name = "bluez_input.00_1B_66_AA_BB_CC.0";
  s.sources[0].bus = "bluetooth";
  s.sources[0].card = "bluez_card.00_1B_66_AA_BB_CC";
  s.server.default_source = s.sources[0].name;
  const auto findings = join(s, analysis({signal("signal.digital_silence")}));
  const Finding* key = find(findings, "hardware.micmute_on");
  ASSERT_NE(key, nullptr);
  EXPECT_FALSE(explains(*key, "signal.digital_silence"));
  EXPECT_EQ(key->severity, Severity::info);
  EXPECT_NE(find(findings, "signal.digital_silence"), nullptr);
}

// "Headphone Mic" recorded while the combo jack's headset port reports a
// plug (the ports of PipeWire's analog-input-*-mic paths on an ALC256): from
// the state it is information; the test's silence makes it the cause.
TEST(BelowServerJoins, HeadsetPortExplainsSilenceOnHeadphoneMic) {
  SystemSnapshot s = laptop(23, 1);
  s.sources[0].ports = {Port{"analog-input-internal-mic", "Internal Microphone", Availability::unknown, 89},
                        Port{"analog-input-headset-mic", "Headset Microphone", Availability::yes, 88},
                        Port{"analog-input-headphone-mic", "Headphone Mic", Availability::yes, 87}};
  s.sources[0].active_port = "analog-input-headphone-mic";
  auto findings = join(s, analysis({signal("signal.digital_silence"), signal("signal.no_speech")}));
  const Finding* port = find(findings, "jack.headset_mic_missing");
  ASSERT_NE(port, nullptr);
  EXPECT_EQ(port->severity, Severity::error);
  EXPECT_TRUE(explains(*port, "signal.digital_silence"));
  EXPECT_TRUE(explains(*port, "signal.no_speech"));
  EXPECT_EQ(port->fix, "source.set_port");
  EXPECT_EQ(find(findings, "signal.digital_silence"), nullptr);
  findings = join(s, analysis({signal("signal.no_speech")}));
  port = find(findings, "jack.headset_mic_missing");
  ASSERT_NE(port, nullptr);
  EXPECT_EQ(port->severity, Severity::warning);
  EXPECT_TRUE(explains(*port, "signal.no_speech"));
  findings = join(s, analysis({}));  // the test heard a voice: a plain microphone, on purpose
  port = find(findings, "jack.headset_mic_missing");
  ASSERT_NE(port, nullptr);
  EXPECT_EQ(port->severity, Severity::info);
}

TEST(BelowServerJoins, CaptureSwitchOffExplainsSilence) {
  SystemSnapshot s = laptop(23, 1);
  s.kernel.mixers[0].elements[0].capture_switch = {false, false};
  const auto findings = join(s, analysis({signal("signal.digital_silence")}));
  const Finding* off = find(findings, "mixer.capture_off");
  ASSERT_NE(off, nullptr);
  EXPECT_TRUE(explains(*off, "signal.digital_silence"));
  EXPECT_EQ(find(findings, "signal.digital_silence"), nullptr);
}

TEST(BelowServerJoins, CaptureVolumeAtItsMinimumExplainsAQuietVoice) {
  const auto findings = join(laptop(0, 1), analysis({signal("signal.too_quiet", Severity::error)}));
  const Finding* low = find(findings, "mixer.capture_low");
  ASSERT_NE(low, nullptr);
  EXPECT_TRUE(explains(*low, "signal.too_quiet"));
  EXPECT_EQ(low->severity, Severity::error);
  EXPECT_NE(low->detail.find("-50.0 dBFS"), std::string::npos);
  EXPECT_EQ(find(findings, "signal.too_quiet"), nullptr);
}

TEST(BelowServerJoins, BoostBecomesAnErrorWithItsFixWhenTheTestHeardClipping) {
  const auto findings = join(laptop(31, 3), analysis({signal("signal.clipping")}));
  const Finding* boost = find(findings, "mixer.boost_high");
  ASSERT_NE(boost, nullptr);
  EXPECT_EQ(boost->severity, Severity::error);
  EXPECT_EQ(boost->fix, "mixer.lower_boost");
  EXPECT_EQ(boost->device, "PCH:Internal Mic Boost,0");
  EXPECT_TRUE(explains(*boost, "signal.clipping"));
  EXPECT_EQ(find(findings, "signal.clipping"), nullptr);
}

TEST(BelowServerJoins, BoostAndNoiseOrAVoiceTooLoud) {
  for (const char* heard : {"signal.noisy", "signal.too_loud"}) {
    const auto findings = join(laptop(31, 3), analysis({signal(heard, Severity::warning)}));
    const Finding* boost = find(findings, "mixer.boost_high");
    ASSERT_NE(boost, nullptr) << heard;
    EXPECT_EQ(boost->severity, Severity::error) << heard;
    EXPECT_TRUE(explains(*boost, heard));
  }
}

TEST(BelowServerJoins, BoostWithAFineRecordingStaysInformation) {
  const auto findings = join(laptop(31, 3), analysis({signal("signal.ok", Severity::info)}));
  const Finding* boost = find(findings, "mixer.boost_high");
  ASSERT_NE(boost, nullptr);
  EXPECT_EQ(boost->severity, Severity::info);
  EXPECT_FALSE(boost->fix.has_value());
}

TEST(BelowServerJoins, ClippingAboveUnityIsTheServersGainNotTheBoost) {
  SystemSnapshot s = laptop(31, 3);
  s.sources[0].volume_percent = 150.0;
  const auto findings = join(s, analysis({signal("signal.clipping")}));
  const Finding* clipping = find(findings, "signal.clipping");
  ASSERT_NE(clipping, nullptr);
  EXPECT_EQ(clipping->fix, "source.lower_volume");
  EXPECT_EQ(find(findings, "mixer.boost_high")->severity, Severity::info);
}

SystemSnapshot usb_microphone() {
  SystemSnapshot s = laptop(23, 1);
  s.kernel.mixers.clear();
  s.cards[0].name = "alsa_card.usb-BLUE_MICROPHONE_Blue_Snowball_201305-00";
  s.sources[0].card = s.cards[0].name;
  s.sources[0].bus = "usb";
  s.sources[0].ports.clear();
  s.sources[0].active_port.clear();
  KernelCard& k = s.kernel.cards[0];
  k.id = "Snowball";
  k.bus = "usb";
  k.vendor_id = "0d8c";
  k.product_id = "0005";
  k.address = "1-4:1.0";
  k.usb_power_control = "auto";
  return s;
}

TEST(BelowServerJoins, DropoutsFromAUsbMicrophoneThatMayAutosuspend) {
  SignalAnalysis a = analysis({signal("signal.dropouts", Severity::warning)});
  a.metrics.dropouts = 4;
  const auto findings = join(usb_microphone(), a);
  const Finding* power = find(findings, "usb.autosuspend");
  ASSERT_NE(power, nullptr);
  EXPECT_EQ(power->severity, Severity::warning);
  EXPECT_TRUE(explains(*power, "signal.dropouts"));
  EXPECT_NE(power->detail.find("4 gaps"), std::string::npos);
  // Without dropouts it stays information.
  EXPECT_EQ(find(join(usb_microphone(), analysis({signal("signal.ok", Severity::info)})), "usb.autosuspend")->severity,
            Severity::info);
}

TEST(BelowServerJoins, TheOtherChannelGetsTheSourcesRemapCommand) {
  const double silent = -std::numeric_limits<double>::infinity();
  SignalAnalysis a = analysis({signal("signal.mic_on_other_channel", Severity::warning)});
  a.metrics.channels = 4;
  a.metrics.channel_rms_dbfs = {silent, silent, -32.0, silent};
  const auto findings = join(laptop(23, 1), a);
  const Finding* other = find(findings, "signal.mic_on_other_channel");
  ASSERT_NE(other, nullptr);
  EXPECT_EQ(other->step, 5);
  ASSERT_EQ(other->manual_steps.size(), 2u);
  EXPECT_NE(other->manual_steps[1].find("master='" + std::string(kSource) + "'"), std::string::npos);
  EXPECT_NE(other->manual_steps[1].find("micdoctor_channel_3"), std::string::npos);
}

}  // namespace
}  // namespace micdoctor::test
