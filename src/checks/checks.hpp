#pragma once
// The walk-through checks, one file per step (src/checks/*_checks.cpp). Each
// is a pure function of the snapshot; run_checks() calls them in order.
#include <vector>

#include "checks/check_context.hpp"

namespace micdoctor::checks {

void check_server(const CheckInput& input, std::vector<Finding>& out);            // step 0
// Windows: the audio services (service_checks): service.audio_stopped (step 0),
// service.camsvc_disabled (step 1).
void check_services(const CheckInput& input, std::vector<Finding>& out);          // steps 0-1, Windows only
void check_sandboxes(const CheckInput& input, std::vector<Finding>& out);         // step 1
void check_device_nodes(const CheckInput& input, std::vector<Finding>& out);      // step 1
void check_app_streams(const CheckInput& input, std::vector<Finding>& out);       // step 1
void check_devices_exist(const CheckInput& input, std::vector<Finding>& out);     // step 2
void check_target_is_monitor(const CheckInput& input, std::vector<Finding>& out);       // step 2
void check_source_mute_and_volume(const CheckInput& input, std::vector<Finding>& out);  // step 2
void check_card_profiles(const CheckInput& input, std::vector<Finding>& out);     // step 2
void check_micmute(const CheckInput& input, std::vector<Finding>& out);           // step 2 (mixer_checks)
void check_mixer(const CheckInput& input, std::vector<Finding>& out);             // step 2 (mixer_checks)
void check_bluetooth_headsets(const CheckInput& input, std::vector<Finding>& out);  // step 2
void check_filter_master(const CheckInput& input, std::vector<Finding>& out);     // step 2 (filter_checks)
void check_default_source(const CheckInput& input, std::vector<Finding>& out);    // step 3
void check_app_sources(const CheckInput& input, std::vector<Finding>& out);       // step 3
void check_remembered_default(const CheckInput& input, std::vector<Finding>& out);  // step 3 (default_checks)
void check_drivers(const CheckInput& input, std::vector<Finding>& out);           // step 4
void check_dsp_driver(const CheckInput& input, std::vector<Finding>& out);        // step 4 (kernel_checks)
void check_firmware(const CheckInput& input, std::vector<Finding>& out);          // step 4 (kernel_checks)
void check_ucm(const CheckInput& input, std::vector<Finding>& out);               // step 4 (kernel_checks)
void check_codec_pins(const CheckInput& input, std::vector<Finding>& out);        // step 4 (kernel_checks)
void check_usb_power(const CheckInput& input, std::vector<Finding>& out);         // step 4 (kernel_checks)
void check_firmware_updates(const CheckInput& input, std::vector<Finding>& out);  // step 4 (firmware_checks: fwupd)
void check_known_bad_versions(const CheckInput& input, std::vector<Finding>& out);  // step 4 (package_checks)
void check_missing_packages(const CheckInput& input, std::vector<Finding>& out);    // step 4 (package_checks)
void check_ports(const CheckInput& input, std::vector<Finding>& out);             // step 5
void check_combo_jack(const CheckInput& input, std::vector<Finding>& out);        // step 5 (hardware_checks)
void check_windows(const CheckInput& input, std::vector<Finding>& out);           // steps 1-4, Windows only
void check_windows_drivers(const CheckInput& input, std::vector<Finding>& out);   // step 4, Windows only (windows_driver_checks)
// Windows: the apps' recording sessions (windows_app_checks); check_app_streams
// and check_app_sources hand a Windows snapshot to these.
void check_windows_app_streams(const CheckInput& input, std::vector<Finding>& out);  // step 1
void check_windows_app_sources(const CheckInput& input, std::vector<Finding>& out);  // step 3

// Windows: Windows Audio or its Endpoint Builder is installed and not running
// (service.audio_stopped); check_server then leaves the unreachable device list
// to that finding, which explains it.
bool audio_service_down(const SystemSnapshot& snapshot);

// Windows: the shared findings' manual steps in Windows terms (Settings paths
// instead of pactl). Does nothing on other platforms.
void use_windows_words(const SystemSnapshot& snapshot, std::vector<Finding>& findings);

}  // namespace micdoctor::checks
