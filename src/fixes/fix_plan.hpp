#pragma once
// From findings to changes: which setting of which object an automatic fix
// changes, and to what. Pure: reads a snapshot, changes nothing.
#include <optional>
#include <string>
#include <vector>

#include "fixes/change.hpp"
#include "model/finding.hpp"
#include "model/snapshot.hpp"

namespace micdoctor {

// Where a raised (or lowered) volume goes: 100 %, unity gain (0 dB), the level
// the hardware and the application were designed for.
inline constexpr double kFixedVolumePercent = 100.0;

// The change that answers one finding, or null when the finding has no
// automatic fix or nothing suitable exists (no microphone to make default).
// `asked_device` is the --device the person named ("" for none): the
// microphone they mean is what a default or a stream is pointed at.
std::optional<Change> change_for(const Finding& finding, const SystemSnapshot& snapshot,
                                 const std::string& asked_device);

// Every change that answers a finding, in the findings' (walk-through) order,
// each object and setting once.
std::vector<Change> plan_changes(const std::vector<Finding>& findings, const SystemSnapshot& snapshot,
                                 const std::string& asked_device);

// The snapshot as it would be after the change: what --dry-run plans the
// next fix from. A profile switch only changes the card's active profile (the
// sources it brings are the server's to create).
void apply_to_snapshot(SystemSnapshot& snapshot, Setting setting, const ChangeTarget& target,
                       const SettingValue& value);

// The current value of the setting a change is about, as the snapshot shows
// it (volumes as their loudest channel); null when the object is gone.
std::optional<SettingValue> value_in_snapshot(const SystemSnapshot& snapshot, Setting setting,
                                              const ChangeTarget& target);

}  // namespace micdoctor
