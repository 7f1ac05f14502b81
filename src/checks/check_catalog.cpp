#include "checks/check_catalog.hpp"

#include <array>

namespace micdoctor {
namespace {

constexpr std::array kDefinitions = {
    CheckDefinition{CheckId::server_unreachable, "server.unreachable", 0,
                    "no PulseAudio/PipeWire server answers"},
    CheckDefinition{CheckId::permission_sandbox_denied, "permission.sandbox_denied", 1,
                    "a sandboxed app (Flatpak/Snap) is not allowed to record"},
    CheckDefinition{CheckId::permission_device_node, "permission.device_node", 1,
                    "no server and /dev/snd is missing or not accessible to this user"},
    CheckDefinition{CheckId::app_stream_muted, "app.stream_muted", 1, "an application's recording stream is muted"},
    CheckDefinition{CheckId::app_stream_volume_low, "app.stream_volume_low", 1,
                    "an application's recording stream volume is at or below 25 %"},
    CheckDefinition{CheckId::device_none, "device.none", 2, "no capture device at all, or only monitors of outputs"},
    CheckDefinition{CheckId::device_muted, "device.muted", 2, "the source that will be used is muted"},
    CheckDefinition{CheckId::device_volume_low, "device.volume_low", 2, "its volume is at or below 25 %"},
    CheckDefinition{CheckId::device_profile_without_input, "device.profile_without_input", 2,
                    "a card that can capture sits in a profile with no input"},
    CheckDefinition{CheckId::device_is_monitor, "device.is_monitor", 2,
                    "the source chosen with --device is a monitor of an output, not a microphone"},
    CheckDefinition{CheckId::default_is_monitor, "default.is_monitor", 3,
                    "the default source is a monitor of an output"},
    CheckDefinition{CheckId::default_missing, "default.missing", 3,
                    "no default source, or it names a source that does not exist"},
    CheckDefinition{CheckId::default_not_preferred, "default.not_preferred", 3,
                    "a headset, USB or Bluetooth microphone is ready, but the default is another input"},
    CheckDefinition{CheckId::app_wrong_source, "app.wrong_source", 3, "an application records from a monitor source"},
    CheckDefinition{CheckId::driver_unbound, "driver.unbound", 4, "an audio device is present with no driver bound"},
    CheckDefinition{CheckId::driver_no_card, "driver.no_card", 4,
                    "a driver is bound to an audio controller but created no sound card"},
    CheckDefinition{CheckId::driver_info, "driver.info", 4, "the driver and module in use"},
    CheckDefinition{CheckId::device_port_unavailable, "device.port_unavailable", 5,
                    "the active port of the source in use reports nothing plugged in"},
    CheckDefinition{CheckId::test_failed, "test.failed", 5,
                    "the microphone test could not record (the source vanished, the server died, no audio came)"},
    CheckDefinition{CheckId::check_crashed, "check.crashed", 0, "one of micdoctor's own checks failed"},
    CheckDefinition{CheckId::check_not_judged, "check.not_judged", 5,
                    "a step could not be judged because another fault hid its evidence (the reason is in the detail)"},
    CheckDefinition{CheckId::permission_os_denied, "permission.os_denied", 1,
                    "Windows: microphone access is off for the whole device"},
    CheckDefinition{CheckId::permission_user_denied, "permission.user_denied", 1,
                    "Windows: microphone access is off for apps of this user"},
    CheckDefinition{CheckId::permission_desktop_apps_denied, "permission.desktop_apps_denied", 1,
                    "Windows: desktop apps may not use the microphone"},
    CheckDefinition{CheckId::permission_app_denied, "permission.app_denied", 1,
                    "Windows: a named app is denied the microphone"},
    CheckDefinition{CheckId::permission_policy_denied, "permission.policy_denied", 1,
                    "Windows: a group policy forbids apps the microphone"},
    CheckDefinition{CheckId::device_disabled, "device.disabled", 2, "Windows: a capture endpoint is disabled"},
    CheckDefinition{CheckId::device_unplugged, "device.unplugged", 2, "Windows: a capture endpoint reports unplugged"},
    CheckDefinition{CheckId::default_communications_differs, "default.communications_differs", 3,
                    "Windows: the communications default is another device than the console default"},
    CheckDefinition{CheckId::driver_problem, "driver.problem", 4,
                    "Windows: the audio device reports a problem code"},
    CheckDefinition{CheckId::driver_missing, "driver.missing", 4, "Windows: the audio device has no driver"},
    CheckDefinition{CheckId::driver_dmic_needs_sof, "driver.dmic_needs_sof", 4,
                    "the built-in digital microphones need the SOF (or AMD ACP) driver, and the legacy HDA driver runs"},
    CheckDefinition{CheckId::firmware_missing, "firmware.missing", 4,
                    "the kernel asked for a sound firmware or topology file that is not installed"},
    CheckDefinition{CheckId::driver_ucm_missing, "driver.ucm_missing", 4,
                    "a card that needs a UCM configuration (SOF and other DSP cards) has none"},
    CheckDefinition{CheckId::codec_mic_pin_unconfigured, "codec.mic_pin_unconfigured", 4,
                    "the firmware marks the codec's microphone pin as not connected (Pin Default [N/A])"},
    CheckDefinition{CheckId::jack_headset_mic_missing, "jack.headset_mic_missing", 5,
                    "a headset is plugged into a combo jack but only the headphone side is used"},
    CheckDefinition{CheckId::mixer_capture_off, "mixer.capture_off", 2, "an ALSA capture switch on the path is off"},
    CheckDefinition{CheckId::mixer_capture_low, "mixer.capture_low", 2,
                    "an ALSA capture volume on the path is at or near its minimum"},
    CheckDefinition{CheckId::mixer_boost_high, "mixer.boost_high", 2,
                    "the capture path adds +30 dB or more of analogue boost"},
    CheckDefinition{CheckId::mixer_input_select, "mixer.input_select", 2,
                    "an ALSA input selector is on an input other than the microphone"},
    CheckDefinition{CheckId::hardware_micmute_on, "hardware.micmute_on", 2,
                    "the microphone mute key is on (its LED is lit)"},
    CheckDefinition{CheckId::bluetooth_no_headset_profile, "bluetooth.no_headset_profile", 2,
                    "a Bluetooth headset that has a microphone offers no headset (HFP/HSP) profile"},
    CheckDefinition{CheckId::usb_autosuspend, "usb.autosuspend", 4,
                    "a USB microphone may be suspended by USB power management"},
    CheckDefinition{CheckId::default_stale, "default.stale", 3,
                    "the remembered default input names a device that no longer exists"},
    CheckDefinition{CheckId::app_agc_fighting, "app.agc_fighting", 1,
                    "during a watch, a source's volume changed 5 or more times within 60 s while an app recorded it"},
    CheckDefinition{CheckId::device_removed_during_call, "device.removed_during_call", 2,
                    "during a watch, a microphone an app recorded from disappeared"},
    CheckDefinition{CheckId::device_profile_switched_during_call, "device.profile_switched_during_call", 2,
                    "during a watch, a card changed profile while an app recorded from it"},
    CheckDefinition{CheckId::app_moved_during_call, "app.moved_during_call", 1,
                    "during a watch, a recording app was moved to another source"},
    CheckDefinition{CheckId::app_muted_during_call, "app.muted_during_call", 1,
                    "during a watch, a recording app's stream was muted or turned down"},
    CheckDefinition{CheckId::signal_went_silent, "signal.went_silent", 5,
                    "during a watch, the microphone went silent while an app recorded it"},
    CheckDefinition{CheckId::signal_clipping_bursts, "signal.clipping_bursts", 5,
                    "during a watch, the microphone's signal clipped in repeated bursts"},
    CheckDefinition{CheckId::filter_silences_mic, "filter.silences_mic", 3,
                    "the source in use is a filter that delivers silence, or a voice 20 dB quieter, while its microphone hears the voice"},
    CheckDefinition{CheckId::filter_master_missing, "filter.master_missing", 2,
                    "the source in use is a filter whose microphone (its master) is gone"},
    CheckDefinition{CheckId::firmware_update_available, "firmware.update_available", 4,
                    "fwupd offers a firmware update for an audio device (headset, dock, webcam)"},
    CheckDefinition{CheckId::driver_known_bad_version, "driver.known_bad_version", 4,
                    "an installed kernel or audio package version has a known microphone regression"},
    CheckDefinition{CheckId::firmware_package_missing, "firmware.package_missing", 4,
                    "a package a detected device needs (SOF firmware, alsa-ucm-conf, a Bluetooth HFP backend) is not installed"},
    CheckDefinition{CheckId::driver_update_available, "driver.update_available", 4,
                    "Windows: Windows Update offers a driver update for an audio device"},
    CheckDefinition{CheckId::driver_recently_changed, "driver.recently_changed", 4,
                    "Windows: the audio device's driver changed within the last days and the previous one can be rolled back"},
    CheckDefinition{CheckId::service_audio_stopped, "service.audio_stopped", 0,
                    "Windows: the Windows Audio or Audio Endpoint Builder service is stopped or disabled"},
    CheckDefinition{CheckId::service_camsvc_disabled, "service.camsvc_disabled", 1,
                    "Windows: the Capability Access Manager service (camsvc) is disabled or stopped"},
};

constexpr std::array<std::string_view, kLastStep + 1> kStepTitles = {
    "Sound server",
    "The application may use the microphone",
    "The microphone is on and not muted",
    "It is the input applications record from",
    "Its driver works",
    "The hardware works",
};

}  // namespace

std::span<const CheckDefinition> check_definitions() { return kDefinitions; }

const CheckDefinition& definition(CheckId check) {
  for (const CheckDefinition& d : kDefinitions) {
    if (d.check == check) return d;
  }
  return kDefinitions.back();
}

std::string_view step_title(int step) {
  if (step < 0 || step > kLastStep) return "Other";
  return kStepTitles[static_cast<std::size_t>(step)];
}

std::string_view fix_id(FixId fix) {
  switch (fix) {
    case FixId::source_unmute: return "source.unmute";
    case FixId::source_raise_volume: return "source.raise_volume";
    case FixId::source_lower_volume: return "source.lower_volume";
    case FixId::source_set_port: return "source.set_port";
    case FixId::default_set: return "default.set";
    case FixId::card_set_profile: return "card.set_profile";
    case FixId::stream_move: return "stream.move";
    case FixId::stream_unmute: return "stream.unmute";
    case FixId::stream_raise_volume: return "stream.raise_volume";
    case FixId::privacy_allow_user: return "privacy.allow_user";
    case FixId::privacy_allow_desktop_apps: return "privacy.allow_desktop_apps";
    case FixId::mixer_capture_on: return "mixer.capture_on";
    case FixId::mixer_raise_capture: return "mixer.raise_capture";
    case FixId::mixer_lower_boost: return "mixer.lower_boost";
    case FixId::mixer_select_input: return "mixer.select_input";
    case FixId::bluetooth_enable_headset_roles: return "bluetooth.enable_headset_roles";
    case FixId::service_start: return "service.start";
    case FixId::firmware_update: return "firmware.update";
  }
  return "";
}

std::span<const FixId> all_fixes() {
  static constexpr std::array kFixes = {FixId::source_unmute,      FixId::source_raise_volume, FixId::source_lower_volume,
                                        FixId::source_set_port,    FixId::default_set,         FixId::card_set_profile,
                                        FixId::stream_move,        FixId::stream_unmute,       FixId::stream_raise_volume,
                                        FixId::privacy_allow_user, FixId::privacy_allow_desktop_apps,
                                        FixId::mixer_capture_on,   FixId::mixer_raise_capture, FixId::mixer_lower_boost,
                                        FixId::mixer_select_input, FixId::bluetooth_enable_headset_roles,
                                        FixId::service_start, FixId::firmware_update};
  return kFixes;
}

std::optional<FixId> fix_from_id(std::string_view id) {
  for (const FixId fix : all_fixes()) {
    if (fix_id(fix) == id) return fix;
  }
  return std::nullopt;
}

Finding make_check_finding(CheckId check, Severity severity, std::string title, std::string detail,
                           std::string device) {
  const CheckDefinition& d = definition(check);
  Finding finding;
  finding.id = std::string(d.id);
  finding.severity = severity;
  finding.step = d.step;
  finding.title = std::move(title);
  finding.detail = std::move(detail);
  finding.device = std::move(device);
  return finding;
}

namespace {
constexpr std::string_view kNotJudgedTitle = "Not judged: ";
}  // namespace

Finding make_not_judged(int step, const std::string& reason, std::string device) {
  Finding f = make_check_finding(CheckId::check_not_judged, Severity::info, std::string(kNotJudgedTitle) + reason,
                                 "Another fault hid what this step looks at (" + reason +
                                     "). Fix the fault above, then check again.",
                                 std::move(device));
  f.step = step;
  return f;
}

bool is_not_judged(const Finding& finding) { return finding.id == definition(CheckId::check_not_judged).id; }

std::string not_judged_reason(const Finding& finding) {
  const std::string_view title = finding.title;
  return std::string(title.substr(0, kNotJudgedTitle.size()) == kNotJudgedTitle ? title.substr(kNotJudgedTitle.size())
                                                                                : title);
}

}  // namespace micdoctor
