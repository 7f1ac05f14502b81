// Test-only: writes the watch page (watch_to_html) of a fixture call to a
// file, for tests/report/test_watch_html.py to load in headless Chromium.
// The call: four minutes on a USB headset; an app whose name is HOSTILE
// records it, its volume is pulled about (five changes in the same second
// among them), a Bluetooth card named HOSTILE flips profile, the microphone
// goes silent for 20 s and clips twice, a device named HOSTILE disappears.
// Usage: watch_html_sample OUTPUT.html HOSTILE
#include <cmath>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "checks/check_catalog.hpp"
#include "report/watch_html.hpp"

namespace {

using namespace micdoctor;

constexpr std::int64_t kStartMs = 1'796'334'901'000;  // 2026-12-03 21:55:01 UTC

WatchEvent event(double elapsed_s, EventKind kind, std::string subject, std::string from = {}, std::string to = {}) {
  WatchEvent e;
  e.elapsed_s = elapsed_s;
  e.unix_ms = kStartMs + static_cast<std::int64_t>(elapsed_s * 1000);
  e.kind = kind;
  e.subject = std::move(subject);
  e.from = std::move(from);
  e.to = std::move(to);
  return e;
}

WatchEvent with(WatchEvent e, std::string key, double number) {
  e.details.push_back({std::move(key), {}, number});
  return e;
}

WatchTimeline timeline(const std::string& hostile) {
  WatchTimeline t;
  t.started_unix_s = static_cast<double>(kStartMs) / 1000;
  t.duration_s = 240;
  t.metered_source = "alsa_input.usb-headset";
  // Speech-like: syllables around -26 dBFS with pauses, silent from 100 to 120 s, loud at the clipping bursts.
  for (int i = 0; i < 2400; ++i) {
    const double s = i / 10.0;
    float rms = static_cast<float>(-30 + 6 * std::sin(s * 2.1) * std::sin(s * 0.37));
    float peak = rms + 14;
    if (s >= 100 && s < 120) rms = peak = -120;
    if ((s >= 148 && s < 150) || (s >= 178.5 && s < 180)) peak = 0, rms = -8;
    t.levels.push_back({s, rms, peak});
  }
  const std::string mic = "alsa_input.usb-headset";
  t.events = {
      event(0, EventKind::watch_started, mic),
      event(0.2, EventKind::meter_started, mic),
      event(4, EventKind::app_started, hostile, "", mic),
      event(30, EventKind::source_volume, mic, "100 %", "80 %"),
      // Five changes within one second: the call app's gain control.
      event(61.0, EventKind::source_volume, mic, "80 %", "60 %"),
      event(61.2, EventKind::source_volume, mic, "60 %", "40 %"),
      event(61.4, EventKind::source_volume, mic, "40 %", "20 %"),
      event(61.6, EventKind::source_volume, mic, "20 %", "5 %"),
      event(61.8, EventKind::source_mute, mic, "unmuted", "muted"),
      event(80, EventKind::card_profile, hostile, "a2dp-sink", "headset-head-unit"),
      event(100, EventKind::signal_silence_started, mic),
      with(event(120, EventKind::signal_silence_ended, mic), "seconds", 20),
      with(with(event(150, EventKind::signal_clipping, mic), "clipped_samples", 4800), "seconds", 2),
      with(with(event(180, EventKind::signal_clipping, mic), "clipped_samples", 3000), "seconds", 1.5),
      event(200, EventKind::app_moved, hostile, mic, hostile),
      event(210, EventKind::device_removed, hostile),
      event(240, EventKind::watch_ended, "", "", ""),
  };
  t.events[2].details.push_back({hostile, hostile, std::nullopt});
  return t;
}

std::vector<Finding> findings(const std::string& hostile) {
  Finding agc = make_check_finding(CheckId::app_agc_fighting, Severity::warning,
                                   "The call app " + hostile + " keeps changing your microphone's volume",
                                   "The volume changed 6 times within 60 s while " + hostile + " recorded.",
                                   "alsa_input.usb-headset");
  agc.advice = "Turn off the app's automatic microphone volume.";
  agc.manual_steps = {"In " + hostile + ": turn off \"Automatically adjust microphone volume\".",
                      "Chromium and Electron apps: start them with --disable-features=WebRtcAllowInputVolumeAdjustment"};
  Finding silent = make_check_finding(CheckId::signal_went_silent, Severity::error, "Your microphone went silent",
                                      "At 1:40 for 20 s, while " + hostile + " recorded; just before: nothing.",
                                      "alsa_input.usb-headset");
  silent.advice = "Check the headset's cable and its mute switch.";
  Finding moved = make_check_finding(CheckId::app_moved_during_call, Severity::warning, hostile + " was moved",
                                     "At 3:20 from the headset to " + hostile + ".", hostile);
  return {agc, silent, moved};
}

SystemSnapshot last_state(const std::string& hostile) {
  SystemSnapshot s;
  s.server.reachable = true;
  s.server.name = "pulseaudio";
  s.server.version = "16.1";
  Source mic;
  mic.name = "alsa_input.usb-headset";
  mic.description = "USB Headset " + hostile;
  s.sources.push_back(mic);
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s OUTPUT.html HOSTILE\n", argv[0]);
    return 2;
  }
  const std::string hostile = argv[2];
  std::ofstream out(argv[1], std::ios::binary);
  out << watch_to_html(timeline(hostile), findings(hostile), last_state(hostile));
  return out.good() ? 0 : 1;
}
