#pragma once
// Pure text helpers for the Windows driver findings and readers, kept out of
// the platform layer so they are unit-tested on any system: the driver version
// in a Windows Update title, hardware id matching, version order, and the words
// for a microphone held in exclusive mode.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/snapshot.hpp"

namespace micdoctor::checks {

// "Realtek Semiconductor Corp. - MEDIA - 6.0.9600.1" -> "6.0.9600.1": Windows
// Update's driver titles end in the driver version. "" when the title does not
// end in a dotted number (some titles are only a name).
std::string driver_version_from_title(std::string_view title);

// Whether an update's DriverHardwareID fits one of a device's hardware ids:
// the same enumerator and, part by part ('&'-separated), a prefix of it, case
// not minding. "HDAUDIO\\FUNC_01&VEN_10EC&DEV_0257" fits
// "HDAUDIO\\FUNC_01&VEN_10EC&DEV_0257&SUBSYS_10280A20&REV_1000"; "...DEV_0256" does not.
bool hardware_id_matches(std::string_view update_id, std::string_view device_id);

// The device's hardware id an update is for ("" when it is not for this
// device): its hardware ids, or without them (an older snapshot) the
// enumerator and device part of its instance id. driver.update_available and
// `micdoctor drivers` both match offers to devices with this.
std::string matching_hardware_id(const DriverUpdate& update, const EndpointDriver& device);

// Dotted driver versions compared number by number ("6.0.9600.1" > "6.0.9239.1");
// nullopt when either is not a dotted number.
std::optional<int> compare_driver_versions(std::string_view a, std::string_view b);

// Who holds a microphone that refused our capture with AUDCLNT_E_DEVICE_IN_USE.
struct ExclusiveHolder {
  std::string application;  // "Audacity" (the session's name or the executable's)
  std::int64_t process_id = 0;
};

struct ExclusiveModeFacts {
  std::string microphone;                // "Microphone (USB Audio Device)"
  std::vector<ExclusiveHolder> holders;  // the other processes with a session on it (may be empty)
  std::string sessions_error;            // why the sessions could not be listed ("" when they could)
  // The endpoint's "Allow applications to take exclusive control of this
  // device" ({b3f8fa53-0004-438e-9003-51a46e139bfc},3); nullopt when not set
  // (Windows then allows it).
  std::optional<bool> exclusive_allowed;
};

// The capture error in plain words: the microphone is held exclusively, by
// whom where known, and the steps to turn exclusive control off.
std::string exclusive_mode_message(const ExclusiveModeFacts& facts);

}  // namespace micdoctor::checks
