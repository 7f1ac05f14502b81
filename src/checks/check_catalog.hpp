#pragma once
// Every finding id micdoctor check can report, the walk-through step it
// belongs to, and every automatic fix id: data, in one table each. The ids
// are a contract (docs/checks.md, held to this table by tests/unit/docs_test.cpp); tests and other tools match on them.
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "model/finding.hpp"

namespace micdoctor {

enum class CheckId {
  server_unreachable,
  permission_sandbox_denied,
  permission_device_node,
  app_stream_muted,
  app_stream_volume_low,
  device_none,
  device_muted,
  device_volume_low,
  device_profile_without_input,
  device_is_monitor,
  default_is_monitor,
  default_missing,
  default_not_preferred,
  app_wrong_source,
  driver_unbound,
  driver_no_card,
  driver_info,
  device_port_unavailable,
  test_failed,
  check_crashed,
  check_not_judged,
  // Windows
  permission_os_denied,
  permission_user_denied,
  permission_desktop_apps_denied,
  permission_app_denied,
  permission_policy_denied,
  device_disabled,
  device_unplugged,
  default_communications_differs,
  driver_problem,
  driver_missing,
  // Below the sound server (Linux; also from alsa-info dumps)
  driver_dmic_needs_sof,
  firmware_missing,
  driver_ucm_missing,
  codec_mic_pin_unconfigured,
  jack_headset_mic_missing,
  mixer_capture_off,
  mixer_capture_low,
  mixer_boost_high,
  mixer_input_select,
  hardware_micmute_on,
  bluetooth_no_headset_profile,
  usb_autosuspend,
  default_stale,
  // During the call (micdoctor watch): judged from what happened over time
  app_agc_fighting,
  device_removed_during_call,
  device_profile_switched_during_call,
  app_moved_during_call,
  app_muted_during_call,
  signal_went_silent,
  signal_clipping_bursts,
  // Filter microphones (noise suppression, echo cancelling, remapping)
  filter_silences_mic,
  filter_master_missing,
  // Drivers, firmware and the audio services (micdoctor drivers; step 4)
  firmware_update_available,
  driver_known_bad_version,
  firmware_package_missing,
  driver_update_available,
  driver_recently_changed,
  service_audio_stopped,
  service_camsvc_disabled,
};

struct CheckDefinition {
  CheckId check;
  std::string_view id;    // the contract id
  int step;               // 0 server, 1 application, 2 device, 3 default input, 4 driver, 5 hardware
  std::string_view when;  // the contract meaning, as in docs/checks.md
};

std::span<const CheckDefinition> check_definitions();
const CheckDefinition& definition(CheckId check);

// The walk-through a support expert follows; step 0 is the sound server itself.
inline constexpr int kLastStep = 5;
std::string_view step_title(int step);

// Automatic fixes (applied by `micdoctor fix`, a later command).
enum class FixId {
  source_unmute,
  source_raise_volume,
  source_lower_volume,
  source_set_port,
  default_set,
  card_set_profile,
  stream_move,
  stream_unmute,
  stream_raise_volume,
  // Windows: the current user's microphone privacy switches (HKCU, no administrator needed)
  privacy_allow_user,
  privacy_allow_desktop_apps,
  // The ALSA mixer (alsa-lib, no root) and the user's WirePlumber configuration
  mixer_capture_on,
  mixer_raise_capture,
  mixer_lower_boost,
  mixer_select_input,
  bluetooth_enable_headset_roles,
  // Windows: a disabled or stopped audio service (administrator); Linux: a
  // firmware update through fwupd, only when asked for by id, never undone
  service_start,
  firmware_update,
};
std::string_view fix_id(FixId fix);
std::span<const FixId> all_fixes();
std::optional<FixId> fix_from_id(std::string_view id);

// A finding from the catalogue: id and step filled in.
Finding make_check_finding(CheckId check, Severity severity, std::string title, std::string detail,
                           std::string device = {});

// A step whose evidence another fault hid (a mute hides the hardware from the
// test): check.not_judged on that step, with the reason in words ("the
// microphone is muted, so the test heard only silence"). The reports show the
// step as "?" with the reason, never as fine.
Finding make_not_judged(int step, const std::string& reason, std::string device = {});
bool is_not_judged(const Finding& finding);
// The reason given to make_not_judged.
std::string not_judged_reason(const Finding& finding);

}  // namespace micdoctor
