#pragma once
// Known-bad versions: kernel and audio package versions with known microphone
// regressions (data/known-bad-versions.json, schema "micdoctor.known-bad/1",
// each entry with its public source), and the packages a detected device
// needs. The table is compiled into the binary (CMake embeds the data file)
// and parsed at first use; a malformed entry is skipped with its reason, a
// malformed file gives an empty table with its reason. Pure.
#include <string>
#include <string_view>
#include <vector>

#include "checks/install_command.hpp"
#include "model/snapshot.hpp"

namespace micdoctor {

// Every package name the checks ask the package database about: the
// known-bad table's and the ones a detected device may need (SOF firmware,
// alsa-ucm-conf, a Bluetooth HFP backend), under each distribution's names.
std::vector<std::string> packages_of_interest();

namespace checks {

inline constexpr std::string_view kKnownBadSchema = "micdoctor.known-bad/1";

// Which systems an entry concerns, beyond the version: "" any; "sof" a SOF
// card or a controller bound to a SOF driver; "module" a card, controller or
// loaded module named in values ("snd_soc_sof_sdw"; '-' and '_' alike);
// "pci" / "usb" a controller or card with one of the vendor:product ids in
// values ("8086:a0c8"); "bluetooth_headset" a paired or connected headset
// with the hands-free or headset profile.
struct HardwareCondition {
  std::string kind;
  std::vector<std::string> values;
};

// The package names of a component on one distribution family, in the order
// to look for them (the first installed one is judged).
struct FamilyPackages {
  std::vector<std::string> debian, fedora, arch, suse;
};

struct KnownBadEntry {
  std::string id;          // "alsa-ucm-conf-1.2.6-sof-hdmi-include"
  std::string component;   // "kernel", "alsa-ucm-conf", "sof-firmware", "pipewire", "wireplumber", "pulseaudio"
  FamilyPackages packages; // empty for the kernel
  std::string first_bad;   // the first upstream version with the problem
  std::string first_fixed; // the first upstream version without it again
  std::string last_good;   // the version to go back to ("" when not known)
  HardwareCondition hardware;
  std::string breaks;      // what breaks, in plain words
  std::string source;      // the public bug report or changelog (https)
  std::vector<std::string> also;  // more sources
};

struct RejectedEntry {
  std::size_t index = 0;  // its place in "entries"
  std::string id;         // "" when it had none
  std::string reason;     // in words: "first_fixed \"1.2\" is not after first_bad \"1.2.6\""
};

struct KnownBadTable {
  std::vector<KnownBadEntry> entries;
  std::vector<RejectedEntry> rejected;
  std::string error;  // why the whole file was refused ("" when it was read)
};

// Parses and validates a table; never throws.
KnownBadTable parse_known_bad_table(std::string_view json);

// The table shipped in the binary (data/known-bad-versions.json), parsed once.
const KnownBadTable& shipped_known_bad_table();
std::string_view shipped_known_bad_json();  // generated at build time

// The package database each family keeps ("dpkg", "rpm", "pacman"; "" unknown):
// the names package_name gives exist only in that one.
std::string package_manager_of(PackageFamily family);

// The package names of an entry (or any list) for a family; all families for
// an unknown one.
std::vector<std::string> names_for(const FamilyPackages& packages, PackageFamily family);

// Whether an installed version lies in [first_bad, first_fixed), epochs set aside.
bool version_affected(const KnownBadEntry& entry, std::string_view installed);

// The running kernel's upstream version: Debian's from /proc/version
// ("... Debian 6.1.55-1 (2023-09-29)" -> "6.1.55-1"), Ubuntu's from
// /proc/version_signature, kept after a newline in version_text ("Ubuntu
// 6.8.0-45.45-generic 6.8.12" -> "6.8.12"), else the leading
// numbers of the release ("6.5.6-300.fc39.x86_64" -> "6.5.6"); "" unknown.
std::string running_kernel_version(const KernelState& kernel);
// Whether running_kernel_version only guessed "x.y.0" from an ABI name
// ("6.9.0-45-generic": Ubuntu's or Debian's kernel without its real version
// known): the real version is x.y.z for some z the release does not say.
bool kernel_version_is_guessed(const KernelState& kernel);

// Whether the snapshot shows the hardware an entry concerns.
bool hardware_matches(const HardwareCondition& condition, const SystemSnapshot& snapshot);

// A SOF card, or a controller bound to a SOF driver.
bool has_sof_audio(const KernelState& kernel);
// A paired or connected Bluetooth device with the hands-free or headset profile.
const BluetoothDevice* bluetooth_headset(const BluetoothState& bluetooth);

}  // namespace checks
}  // namespace micdoctor
