#pragma once
// Pure text helpers for the Windows driver findings and readers, kept out of
// the platform layer so they are unit-tested on any system: the driver version
// in a Windows Update title, hardware id matching, version order, and the words
// for a microphone held in exclusive mode.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/snapshot.hpp"

namespace micdoctor::checks {

// Where Windows lists optional driver updates (driver.update_available and
// `micdoctor drivers` both send people there).
inline constexpr const char* kOptionalUpdatesPathWindows11 =
    "Windows 11: Settings > Windows Update > Advanced options > Optional updates > Driver updates";
inline constexpr const char* kOptionalUpdatesPathWindows10 =
    "Windows 10: Settings > Update & Security > Windows Update > View optional updates > Driver updates";

// "Realtek Semiconductor Corp. - MEDIA - 6.0.9600.1" -> "6.0.9600.1": Windows
// Update's driver titles end in the driver version. "" when the title does not
// end in a dotted number (some titles are only a name).
std::string driver_version_from_title(std::string_view title);

// Whether an update's DriverHardwareID is one of a device's ids: the same
// text, case not minding. Windows matches an INF's hardware id exactly against
// the device's hardware ids and compatible ids, never by prefix: an offer for a
// composite USB device ("USB\\VID_0B0E&PID_0305") is not for its audio
// interface ("USB\\VID_0B0E&PID_0305&MI_00").
bool hardware_id_matches(std::string_view update_id, std::string_view device_id);

// The device's id an update is for ("" when it is not for this device): one
// of its hardware ids, else one of its compatible ids, or without either list
// (an older snapshot) the enumerator and device part of its instance id.
// driver.update_available and `micdoctor drivers` both match offers to
// devices with this.
std::string matching_hardware_id(const DriverUpdate& update, const EndpointDriver& device);

// The Windows Update search run so that nothing escapes it: an exception
// becomes the result's error (the search runs on its own thread, where an
// escaping exception would end the process).
WindowsDriverUpdates search_without_throwing(const std::function<WindowsDriverUpdates()>& search, bool online);

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
