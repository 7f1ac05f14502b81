#pragma once
// The fixes below the sound server (issue 13): the ALSA mixer (capture switch
// on, capture volume up, boost down, input selector) and a WirePlumber user
// drop-in that enables Bluetooth headset roles. Pure: fix_plan calls these.
#include <optional>
#include <string>

#include "checks/check_catalog.hpp"
#include "fixes/change.hpp"
#include "model/finding.hpp"
#include "model/snapshot.hpp"

namespace micdoctor {

// Where the fixes take a mixer volume: a capture volume to 0 dB (or this
// share of its range when it has no dB scale); a boost down to the step
// nearest +20 dB, never up.
inline constexpr double kCaptureTargetDb = 0.0;
inline constexpr double kCaptureTargetShare = 0.75;
inline constexpr double kBoostTargetDb = 20.0;

// The headset roles the drop-in enables (WirePlumber's own default set).
inline constexpr const char* kHeadsetRoles = "[ hsp_hs hsp_ag hfp_hf hfp_ag ]";
// Every role: PipeWire's bluez5 plugin takes bluez5.roles before
// bluez5.headset-roles (spa backend-native.c), so a user's "bluez5.roles =
// [ a2dp_sink a2dp_source ]" is overridden only by a later bluez5.roles.
inline constexpr const char* kAllBluetoothRoles = "[ a2dp_sink a2dp_source bap_sink bap_source hsp_hs hsp_ag hfp_hf hfp_ag ]";

// The element a finding's device ("PCH:Capture,0") names in the snapshot, or nullptr.
const MixerElement* find_mixer_element(const SystemSnapshot& snapshot, const std::string& element_id);

// The change for a mixer fix (finding.device = the element's id), or null
// when the element is not in the snapshot or has nothing to change.
// mixer.select_input picks the item the finding's detail names in double
// quotes ("Mic") when the selector has it, else the first item whose name
// says "Mic" that is not selected now.
std::optional<Change> mixer_change(const Finding& finding, const SystemSnapshot& snapshot, FixId fix);

// The drop-in for bluetooth.enable_headset_roles, for the WirePlumber the
// snapshot names (0.4: Lua in bluetooth.lua.d; 0.5 and later: SPA-JSON in
// wireplumber.conf.d), or null when it is not known or not installed.
std::optional<Change> headset_roles_change(const SystemSnapshot& snapshot);

// The drop-in's path and content for a WirePlumber version ("0.4.13", "0.5.2"),
// or false when micdoctor does not know that version's format.
// It sets bluez5.roles (every role) and, for 0.4, bluez5.headset-roles too;
// with native_backend also bluez5.hfphsp-backend = "native" (when the cause is
// a backend set to none).
bool headset_roles_drop_in(const UserAudioConfig& config, std::string& path, std::string& content,
                           bool native_backend = false);

// Whether a path can be one of micdoctor's own WirePlumber drop-ins
// (<wireplumber dir>/bluetooth.lua.d/99-micdoctor-*.lua or
// <wireplumber dir>/wireplumber.conf.d/99-micdoctor-*.conf): the only files a
// config_file change (and so a journal's undo) may write or remove.
bool is_micdoctor_drop_in_path(const std::string& path);

// Whether WirePlumber's (or PipeWire's) configuration sets bluez5.hfphsp-backend to none.
bool backend_set_to_none(const std::vector<AudioConfigSetting>& settings);

// value_in_snapshot / apply_to_snapshot for the settings below the server.
// A configuration file reads as "" (absent) unless the snapshot shows a
// setting from it: then its content is not known, and null stops the plan
// (micdoctor never plans over a file it did not write).
std::optional<SettingValue> below_server_value(const SystemSnapshot& snapshot, Setting setting, const ChangeTarget& target);
void apply_below_server(SystemSnapshot& snapshot, Setting setting, const ChangeTarget& target, const SettingValue& value);

}  // namespace micdoctor
