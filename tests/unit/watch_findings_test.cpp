// The watch's summary: app.agc_fighting and the during-call findings, made
// from sequences of server states as the platform reads them.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "watch/call_findings.hpp"
#include "watch_test_support.hpp"

namespace micdoctor {
namespace {

using test::finding_with;
using test::findings_with;
using test::source_named;
using test::steps_say;
using test::watch_app;
using test::watch_card;
using test::watch_mic;
using test::watch_state;

const std::string kMic = "alsa_input.usb-Logitech_H390-00.mono-fallback";

// `changes` volume changes, `every_s` apart, starting at 10 s.
std::vector<Finding> after_volume_changes(int changes, double every_s, std::vector<Stream> streams) {
  CallWatch watch({}, test::kWatchStartMs);
  SystemSnapshot state = watch_state({watch_mic(kMic, "H390 headset Mono")}, std::move(streams), kMic);
  watch.on_state(0, state);
  for (int i = 0; i < changes; ++i) {
    source_named(state, kMic)->volume_percent = i % 2 == 0 ? 31.0 + i : 100.0 - i;
    watch.on_state(10.0 + i * every_s, state);
  }
  watch.finish(10.0 + changes * every_s + 5, "duration reached");
  return watch.findings();
}

TEST(WatchFindings, VolumeFightingWhileZoomRecordsNamesZoomAndItsSwitch) {
  const auto findings = after_volume_changes(10, 2.0, {watch_app(12, "ZOOM VoiceEngine", "zoom", kMic)});
  ASSERT_EQ(findings_with(findings, "app.agc_fighting"), 1U);
  const Finding& f = *finding_with(findings, "app.agc_fighting");
  EXPECT_EQ(f.severity, Severity::warning);
  EXPECT_EQ(f.step, 1);
  EXPECT_EQ(f.device, kMic);
  EXPECT_NE(f.title.find("ZOOM VoiceEngine (zoom)"), std::string::npos) << f.title;
  EXPECT_NE(f.detail.find("changed 10 times"), std::string::npos) << f.detail;
  EXPECT_NE(f.detail.find("does not say who changed the volume"), std::string::npos) << f.detail;
  EXPECT_NE(f.detail.find("21:55:11 UTC"), std::string::npos) << f.detail;  // 01.234 + 10 s
  EXPECT_TRUE(steps_say(f, "Automatically adjust microphone volume"));
  EXPECT_TRUE(steps_say(f, "pactl set-source-volume '" + kMic + "' 100%"));
}

TEST(WatchFindings, FourChangesOrNobodyRecordingOrSlowChangesAreNotFighting) {
  EXPECT_EQ(
      finding_with(after_volume_changes(4, 2.0, {watch_app(12, "ZOOM VoiceEngine", "zoom", kMic)}), "app.agc_fighting"),
      nullptr);
  EXPECT_EQ(finding_with(after_volume_changes(10, 2.0, {}), "app.agc_fighting"), nullptr);
  // A paused (corked) stream records nothing.
  Stream paused = watch_app(12, "ZOOM VoiceEngine", "zoom", kMic);
  paused.corked = true;
  EXPECT_EQ(finding_with(after_volume_changes(10, 2.0, {paused}), "app.agc_fighting"), nullptr);
  // An app recording from another microphone does not count for this one.
  EXPECT_EQ(finding_with(after_volume_changes(10, 2.0, {watch_app(12, "ZOOM VoiceEngine", "zoom", "other")}),
                         "app.agc_fighting"),
            nullptr);
  // Ten changes, one every 16 s: never five within a minute.
  EXPECT_EQ(finding_with(after_volume_changes(10, 16.0, {watch_app(12, "ZOOM VoiceEngine", "zoom", kMic)}),
                         "app.agc_fighting"),
            nullptr);
  // Five within a minute (every 14 s) is.
  EXPECT_NE(finding_with(after_volume_changes(5, 14.0, {watch_app(12, "ZOOM VoiceEngine", "zoom", kMic)}),
                         "app.agc_fighting"),
            nullptr);
}

TEST(WatchFindings, EachAppGetsItsOwnSwitch) {
  const std::string chromium_switch = "--disable-features=WebRtcAllowInputVolumeAdjustment";
  EXPECT_NE(watch::agc_switch("Chromium", "chromium").find(chromium_switch), std::string::npos);
  EXPECT_NE(watch::agc_switch("Google Chrome", "chrome").find(chromium_switch), std::string::npos);
  EXPECT_NE(watch::agc_switch("Microsoft Edge", "msedge").find(chromium_switch), std::string::npos);
  EXPECT_NE(watch::agc_switch("Slack", "slack").find(chromium_switch), std::string::npos);
  EXPECT_NE(watch::agc_switch("Element", "element-desktop").find(chromium_switch), std::string::npos);
  EXPECT_NE(watch::agc_switch("WEBRTC VoiceEngine", "signal-desktop").find(chromium_switch), std::string::npos);
  EXPECT_NE(watch::agc_switch("Discord", "Discord").find("Automatic Gain Control"), std::string::npos);
  EXPECT_NE(watch::agc_switch("Microsoft Teams", "teams").find("Automatically adjust mic sensitivity"),
            std::string::npos);
  EXPECT_NE(watch::agc_switch("Skype", "skypeforlinux").find("Automatically adjust microphone settings"),
            std::string::npos);
  EXPECT_NE(watch::agc_switch("Firefox", "firefox").find("media.getusermedia.agc_enabled"), std::string::npos);
  EXPECT_NE(watch::agc_switch("Mumble", "mumble").find("automatic gain"), std::string::npos);
  // A program name is quoted where a command line is shown.
  EXPECT_NE(watch::agc_switch("Chromium", "chrom'; rm -rf ~").find("'chrom'\\''; rm -rf ~'"), std::string::npos);
  // A Windows program: its shortcut's Target, never a POSIX-quoted command.
  const std::string edge = watch::agc_switch("Microsoft Edge", "msedge.exe");
  EXPECT_NE(edge.find("shortcut > Properties"), std::string::npos) << edge;
  EXPECT_NE(edge.find(chromium_switch), std::string::npos) << edge;
  EXPECT_EQ(edge.find('\''), std::string::npos) << edge;
}

TEST(WatchFindings, BothRecordingAppsAreNamedWithTheirSwitches) {
  const auto findings = after_volume_changes(
      8, 1.0, {watch_app(12, "ZOOM VoiceEngine", "zoom", kMic), watch_app(13, "Chromium", "chromium", kMic)});
  const Finding* f = finding_with(findings, "app.agc_fighting");
  ASSERT_NE(f, nullptr);
  EXPECT_NE(f->detail.find("ZOOM VoiceEngine (zoom) and Chromium (chromium)"), std::string::npos) << f->detail;
  EXPECT_TRUE(steps_say(*f, "Automatically adjust microphone volume"));
  EXPECT_TRUE(steps_say(*f, "--disable-features=WebRtcAllowInputVolumeAdjustment"));
}

TEST(WatchFindings, AMicrophoneThatDisappearsAndComesBackUnderANewName) {
  const std::string back = "alsa_input.usb-Logitech_H390-00.analog-stereo";
  CallWatch watch({}, test::kWatchStartMs);
  SystemSnapshot state = watch_state({watch_mic(kMic, "H390 headset Mono", "alsa_card.usb-Logitech_H390-00")},
                                     {watch_app(12, "ZOOM VoiceEngine", "zoom", kMic)}, kMic);
  watch.on_state(0, state);
  SystemSnapshot gone = watch_state({}, {watch_app(12, "ZOOM VoiceEngine", "zoom", "")}, "");
  watch.on_state(5, gone);
  SystemSnapshot returned =
      watch_state({watch_mic(back, "H390 headset Analog Stereo", "alsa_card.usb-Logitech_H390-00")},
                  {watch_app(12, "ZOOM VoiceEngine", "zoom", kMic)}, back);
  watch.on_state(8, returned);
  watch.finish(10, "duration reached");
  const auto findings = watch.findings();
  ASSERT_EQ(findings_with(findings, "device.removed_during_call"), 1U);
  const Finding& f = *finding_with(findings, "device.removed_during_call");
  EXPECT_EQ(f.severity, Severity::error);
  EXPECT_EQ(f.device, kMic);
  EXPECT_NE(f.title.find("ZOOM VoiceEngine"), std::string::npos);
  EXPECT_NE(f.detail.find("came back as H390 headset Analog Stereo (" + back + ")"), std::string::npos) << f.detail;
  EXPECT_NE(f.detail.find("may not follow it back"), std::string::npos) << f.detail;
  EXPECT_TRUE(steps_say(f, "USB"));

  // Nobody recording from it: a device unplugged is no call problem.
  CallWatch idle({}, 0);
  idle.on_state(0, watch_state({watch_mic(kMic, "H390 headset Mono")}, {}, kMic));
  idle.on_state(5, watch_state({}, {}, ""));
  EXPECT_EQ(finding_with(idle.findings(), "device.removed_during_call"), nullptr);
}

TEST(WatchFindings, ABluetoothHeadsetFlippingProfilesUnderTheApp) {
  const std::string card = "bluez_card.00_1B_66_AA_BB_CC";
  const std::string headset_mic = "bluez_input.00_1B_66_AA_BB_CC.0";
  Card headset = watch_card(card, "WH-1000XM4", "headset-head-unit");
  headset.profiles = {{"a2dp-sink", "High Fidelity Playback (A2DP Sink)", 1, 0, true, 40},
                      {"headset-head-unit", "Headset Head Unit (HSP/HFP)", 1, 1, true, 30}};
  CallWatch watch({}, test::kWatchStartMs);
  SystemSnapshot state = watch_state({watch_mic(headset_mic, "WH-1000XM4", card, "bluetooth")},
                                     {watch_app(30, "Discord", "Discord", headset_mic)}, headset_mic);
  state.cards = {headset};
  watch.on_state(0, state);
  SystemSnapshot music = watch_state({}, {watch_app(30, "Discord", "Discord", headset_mic)}, "");
  music.cards = {headset};
  music.cards[0].active_profile = "a2dp-sink";
  watch.on_state(12, music);
  watch.finish(20, "duration reached");

  const auto events = watch.take_events();
  EXPECT_EQ(test::count_kind(events, EventKind::card_profile), 1U);
  const auto findings = watch.findings();
  const Finding* f = finding_with(findings, "device.profile_switched_during_call");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->severity, Severity::warning);
  EXPECT_NE(f->detail.find("Headset Head Unit (HSP/HFP) (headset-head-unit)"), std::string::npos) << f->detail;
  EXPECT_NE(f->detail.find("(a2dp-sink)"), std::string::npos) << f->detail;
  EXPECT_TRUE(steps_say(*f, "pactl set-card-profile '" + card + "' 'headset-head-unit'"));
  // The microphone went with it.
  EXPECT_NE(finding_with(findings, "device.removed_during_call"), nullptr);
}

TEST(WatchFindings, MovedMutedAndTurnedDownApps) {
  const std::string other = "alsa_input.pci-0000_00_1f.3.analog-stereo";
  CallWatch watch({}, test::kWatchStartMs);
  SystemSnapshot state =
      watch_state({watch_mic(kMic, "H390 headset Mono"), watch_mic(other, "Built-in Audio Analog Stereo", {}, "pci")},
                  {watch_app(12, "ZOOM VoiceEngine", "zoom", kMic), watch_app(14, "Firefox", "firefox", kMic),
                   watch_app(15, "Chromium", "chromium", kMic)},
                  kMic);
  watch.on_state(0, state);
  state.streams[0].source = other;
  watch.on_state(3, state);
  state.streams[1].muted = true;
  watch.on_state(4, state);
  state.streams[2].volume_percent = 20;
  watch.on_state(5, state);
  state.streams[2].volume_percent = 60;  // raised again, then lowered but not low
  watch.on_state(6, state);
  watch.finish(10, "duration reached");
  const auto findings = watch.findings();

  ASSERT_EQ(findings_with(findings, "app.moved_during_call"), 1U);
  const Finding& moved = *finding_with(findings, "app.moved_during_call");
  EXPECT_NE(moved.detail.find("moved from H390 headset Mono to Built-in Audio Analog Stereo"), std::string::npos)
      << moved.detail;
  EXPECT_EQ(moved.device, "stream:12");

  ASSERT_EQ(findings_with(findings, "app.muted_during_call"), 2U);
  bool firefox_muted = false;
  bool chromium_low = false;
  for (const Finding& f : findings) {
    if (f.id != "app.muted_during_call") continue;
    if (f.device == "stream:14") firefox_muted = steps_say(f, "pactl set-source-output-mute 14 0");
    if (f.device == "stream:15") {
      chromium_low = steps_say(f, "pactl set-source-output-volume 15 100%") &&
                     f.detail.find("turned down from 100 % to 20 %") != std::string::npos;
    }
  }
  EXPECT_TRUE(firefox_muted);
  EXPECT_TRUE(chromium_low);
}

// Windows: endpoint ids are no names for people, another endpoint is no
// "similar device", and the steps are settings pages, not pactl.
TEST(WatchFindings, WindowsEndpointsAreNamedByTheirFriendlyNames) {
  const std::string headset = "{0.0.1.00000000}.{4e8a1f2c-6a3b-4c55-9d0e-1a2b3c4d5e6f}";
  const std::string webcam = "{0.0.1.00000000}.{9b1c2d3e-0f4a-4b5c-8d6e-7f8091a2b3c4}";
  CallWatch watch({}, test::kWatchStartMs);
  SystemSnapshot state = watch_state({watch_mic(headset, "Headset Microphone (Jabra Evolve2 40)")},
                                     {watch_app(4242, "Zoom", "Zoom.exe", headset)}, headset);
  state.platform = "windows";
  watch.on_state(0, state);
  for (int i = 0; i < 6; ++i) {
    source_named(state, headset)->volume_percent = 20.0 + 10 * i;
    watch.on_state(1.0 + i, state);
  }
  SystemSnapshot other = watch_state({watch_mic(webcam, "Microphone (HD Pro Webcam C920)")},
                                     {watch_app(4242, "Zoom", "Zoom.exe", webcam)}, webcam);
  other.platform = "windows";
  watch.on_state(9, other);
  watch.finish(12, "duration reached");
  const auto findings = watch.findings();
  const Finding* removed = finding_with(findings, "device.removed_during_call");
  ASSERT_NE(removed, nullptr);
  EXPECT_EQ(removed->detail.find("{0.0.1"), std::string::npos) << removed->detail;
  EXPECT_NE(removed->detail.find("did not come back"), std::string::npos) << removed->detail;
  const Finding* agc = finding_with(findings, "app.agc_fighting");
  ASSERT_NE(agc, nullptr);
  EXPECT_TRUE(steps_say(*agc, "Automatically adjust microphone volume"));
  EXPECT_FALSE(steps_say(*agc, "pactl"));
  EXPECT_TRUE(steps_say(*agc, "Settings > System > Sound"));
}

TEST(WatchFindings, HostileNamesInFindingsAndEventsDoNotBreakAnything) {
  const std::string hostile = std::string("Zo\"om '$(reboot)'\x01\x1b[2J") + "\xff";
  CallWatch watch({}, 0);
  SystemSnapshot state =
      watch_state({watch_mic(hostile, hostile)}, {watch_app(12, hostile, hostile, hostile)}, hostile);
  watch.on_state(0, state);
  for (int i = 0; i < 6; ++i) {
    source_named(state, hostile)->volume_percent = 40.0 + 10 * i;
    watch.on_state(1.0 + i, state);
  }
  watch.on_state(8, watch_state({}, {}, ""));
  std::vector<Finding> findings;
  ASSERT_NO_THROW(findings = watch.findings());
  const Finding* agc = finding_with(findings, "app.agc_fighting");
  ASSERT_NE(agc, nullptr);
  // The only command line with the name has it quoted.
  EXPECT_TRUE(steps_say(*agc, "pactl set-source-volume 'Zo\"om '\\''$(reboot)'\\''"));
  for (const WatchEvent& e : watch.take_events()) {
    ASSERT_NO_THROW(static_cast<void>(describe_event(e)));
    ASSERT_TRUE(nlohmann::json::parse(event_to_json_line(e)).is_object());
  }
}

}  // namespace
}  // namespace micdoctor
