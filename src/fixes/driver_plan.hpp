#pragma once
// The fixes of drivers, firmware and services (issue 15): a Windows audio
// service's start type (service.start) and a device's firmware through fwupd
// (firmware.update). Pure: fix_plan calls these.
#include <optional>
#include <string>

#include "fixes/change.hpp"
#include "model/finding.hpp"
#include "model/snapshot.hpp"

namespace micdoctor {

// The start type a Windows audio service has on a fresh installation:
// "automatic" for Audiosrv and AudioEndpointBuilder, "manual" (trigger start)
// for camsvc; "automatic" for any other service.
std::string default_start_type(const std::string& service);

// service.start: the service the finding names (finding.device) back to its
// default start type. Null when the snapshot does not have the service.
std::optional<Change> service_start_change(const Finding& finding, const SystemSnapshot& snapshot);

// firmware.update: the device the finding names (finding.device = fwupd's
// DeviceId) to its newest offered release. Null when there is none.
std::optional<Change> firmware_update_change(const Finding& finding, const SystemSnapshot& snapshot);

// A service's start type, a device's firmware version, as the snapshot has them.
std::optional<SettingValue> driver_setting_value(const SystemSnapshot& snapshot, Setting setting,
                                                 const ChangeTarget& target);
void apply_driver_setting(SystemSnapshot& snapshot, Setting setting, const ChangeTarget& target,
                          const SettingValue& value);

}  // namespace micdoctor
