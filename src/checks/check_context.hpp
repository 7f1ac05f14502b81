#pragma once
// What every check gets (the snapshot and the source in use) and the small
// helpers they share. Internal to src/checks.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "checks/check_catalog.hpp"
#include "model/finding.hpp"
#include "model/snapshot.hpp"

namespace micdoctor::checks {

struct CheckInput {
  const SystemSnapshot& snapshot;
  const Source* target;  // the source applications will record from (asked for, or default); may be null
  bool target_was_asked; // the person named it with --device
};

// One walk-through check: appends what it finds. Checks never touch the system.
using CheckFunction = void (*)(const CheckInput&, std::vector<Finding>&);

// Volumes at or below this are "low" (contract); at or below the second, nearly silent.
inline constexpr double kLowVolumePercent = 25.0;
inline constexpr double kSilentVolumePercent = 10.0;
// Where a raised volume goes: unity gain, the level the hardware was designed for.
inline constexpr double kTargetVolumePercent = 100.0;

// How much a person probably wants this input: 3 headset or Bluetooth,
// 2 USB, 1 other hardware (built-in), 0 virtual, -1 monitor.
int preference_rank(const Source& source);
// Not disabled, absent or unplugged (Windows endpoint states; a Linux source
// is always present).
bool is_present(const Source& source);
// Hardware that could deliver sound now: not a monitor, present, its jack not unplugged.
bool is_ready(const Source& source);
// The best ready input (highest rank, then the server's order), or null.
const Source* best_input(const SystemSnapshot& snapshot);
// The input-capable profile a person would pick for a card: available, then
// the server's own priority (which already prefers mSBC/duplex profiles). Null
// when the card cannot capture at all.
const Profile* best_input_profile(const Card& card);
// A monitor of an output with no sound card behind it (a null sink used as a
// virtual microphone for OBS, PulseEffects_mic.monitor): the server gives the
// monitor of a real output its card (PulseAudio) or its device.bus (PipeWire).
bool monitors_a_virtual_output(const Source& source);
// Streams opened by applications (not the server's own module streams).
bool is_application_stream(const Stream& stream);

// A Windows endpoint id, "{0.0.1.00000000}.{GUID}": an address for
// programs (and --device), not a name for people.
bool is_endpoint_id(const std::string& name);
// Text for people: "USB Headset Microphone" (name), "Zoom (stream #12)"
// (a Windows session: "Zoom (Zoom.exe, process 4242)"). A
// Windows endpoint with a friendly name is named by it alone; its id is in
// the device table (check -v) and the JSON.
std::string source_label(const Source& source);
std::string stream_label(const Stream& stream);
std::string stream_device_id(const Stream& stream);  // "stream:12"
std::string volume_text(double percent, const std::optional<double>& db);

// Whether `part` occurs in `text` (std::string::contains is C++23).
bool contains(std::string_view text, std::string_view part);

// ASCII lower case, for matching app, program and device names.
std::string lowercase(std::string_view text);

// Single-quotes an argument for a POSIX shell, so a pasted command is safe
// whatever the device is called.
std::string shell_quote(std::string_view text);

}  // namespace micdoctor::checks
