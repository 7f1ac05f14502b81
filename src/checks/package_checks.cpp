// Step 4, from the package database: installed versions with a known
// microphone regression (driver.known_bad_version, matched against the
// reviewed table data/known-bad-versions.json and the running kernel), and
// packages a detected device needs that are not installed
// (firmware.package_missing). Only what the database was asked about is
// judged; micdoctor never installs anything, it gives the command.
#include <algorithm>

#include "checks/checks.hpp"
#include "checks/install_command.hpp"
#include "checks/known_bad_versions.hpp"

namespace micdoctor::checks {
namespace {

const InstalledPackage* installed(const PackageDatabase& db, const std::string& name) {
  for (const InstalledPackage& package : db.packages) {
    if (package.name == name) return &package;
  }
  return nullptr;
}

bool was_asked(const PackageDatabase& db, const std::string& name) {
  return std::find(db.asked.begin(), db.asked.end(), name) != db.asked.end();
}

std::string component_words(const std::string& component) {
  if (component == "kernel") return "Linux kernel";
  if (component == "alsa-ucm-conf") return "sound card configuration (alsa-ucm-conf)";
  if (component == "sof-firmware") return "SOF sound firmware";
  if (component == "pipewire") return "PipeWire sound server";
  if (component == "wireplumber") return "WirePlumber session manager";
  if (component == "pulseaudio") return "PulseAudio sound server";
  return component;
}

std::string sources_text(const KnownBadEntry& entry) {
  std::string text = "Source: " + entry.source;
  for (const std::string& url : entry.also) text += ", " + url;
  return text + ".";
}

std::string range_text(const KnownBadEntry& entry) {
  return "The problem came with " + entry.first_bad + " and was fixed in " + entry.first_fixed + ".";
}

void kernel_finding(const CheckInput& input, const KnownBadEntry& entry, std::vector<Finding>& out) {
  const KernelState& kernel = input.snapshot.kernel;
  const std::string version = running_kernel_version(kernel);
  if (version.empty() || !version_affected(entry, version)) return;
  if (kernel_version_is_guessed(kernel)) {
    // "6.9.0-45-generic" with neither Debian's nor Ubuntu's real version known:
    // the kernel is some 6.9.z. A range that starts or ends at a point release
    // (fixed in 6.9.3) cannot be judged, so a match is claimed only when every
    // 6.9.z lies in the range.
    const std::string last_of_series = version.substr(0, version.size() - 1) + "99999";
    if (!version_affected(entry, last_of_series)) return;
  }
  std::string where = " (release " + kernel.release + ")";
  if (kernel.version_text.find(" Debian ") != std::string::npos) {
    where = " (from /proc/version; the release is " + kernel.release + ")";
  } else if (kernel.version_text.find("\nUbuntu ") != std::string::npos) {
    where = " (from /proc/version_signature; the release is " + kernel.release + ")";
  }
  Finding f = make_check_finding(
      CheckId::driver_known_bad_version, Severity::warning,
      "The running Linux kernel has a known microphone problem on this hardware",
      entry.breaks + " The running kernel is " + version + where + ". " + range_text(entry) + " " + sources_text(entry),
      "kernel");
  const PackageFamily family = package_family(input.snapshot.distribution);
  switch (family) {
    case PackageFamily::debian: f.manual_steps.push_back("Update the kernel: sudo apt update && sudo apt full-upgrade"); break;
    case PackageFamily::fedora: f.manual_steps.push_back("Update the kernel: sudo dnf upgrade --refresh kernel"); break;
    case PackageFamily::arch: f.manual_steps.push_back("Update the kernel: sudo pacman -Syu"); break;
    case PackageFamily::suse: f.manual_steps.push_back("Update the kernel: sudo zypper refresh && sudo zypper update"); break;
    case PackageFamily::unknown: f.manual_steps.push_back("Update the kernel with your distribution's updater"); break;
  }
  f.manual_steps.push_back("Reboot into the new kernel (" + entry.first_fixed + " or later).");
  if (!entry.last_good.empty()) {
    f.manual_steps.push_back("Until an update is offered: choose an older kernel (" + entry.last_good +
                             " or before) in the boot menu's advanced options.");
  }
  out.push_back(std::move(f));
}

void package_finding(const CheckInput& input, const KnownBadEntry& entry, std::vector<Finding>& out) {
  const PackageDatabase& db = input.snapshot.packages;
  const PackageFamily family = package_family(input.snapshot.distribution);
  for (const std::string& name : names_for(entry.packages, family)) {
    const InstalledPackage* package = installed(db, name);
    if (package == nullptr || !version_affected(entry, package->version)) continue;
    Finding f = make_check_finding(
        CheckId::driver_known_bad_version, Severity::warning,
        "The installed " + component_words(entry.component) + " has a known microphone problem",
        entry.breaks + " Installed: " + package->name + " " + package->version + " (" + db.manager + "). " +
            range_text(entry) + " If your distribution patched the fix into this version, this does not apply. " +
            sources_text(entry),
        package->name);
    const std::string upgrade = upgrade_command(family, package->name);
    f.manual_steps.push_back(upgrade.empty() ? "Update " + package->name + " to " + entry.first_fixed +
                                                   " or later with your distribution's updater"
                                             : "Update " + package->name + " to " + entry.first_fixed +
                                                   " or later: " + upgrade);
    if (!entry.last_good.empty()) {
      std::string back = "If no fixed version is offered yet, go back to " + entry.last_good +
                         " (the last version before the problem)";
      if (family == PackageFamily::debian) back += ": apt list -a " + package->name + " shows the versions you can install";
      if (family == PackageFamily::fedora) back += ": sudo dnf downgrade " + package->name;
      if (family == PackageFamily::arch) back += ": from /var/cache/pacman/pkg with sudo pacman -U";
      f.manual_steps.push_back(back);
    }
    f.manual_steps.push_back(entry.component == "alsa-ucm-conf" || entry.component == "pipewire" ||
                                     entry.component == "wireplumber"
                                 ? "Then restart the sound server: systemctl --user restart wireplumber pipewire "
                                   "pipewire-pulse  (PulseAudio: pulseaudio -k)"
                                 : "Then reboot.");
    out.push_back(std::move(f));
    return;  // one finding per entry, for the first installed name
  }
}

}  // namespace

void check_known_bad_versions(const CheckInput& input, std::vector<Finding>& out) {
  if (input.snapshot.is_windows()) return;
  for (const KnownBadEntry& entry : shipped_known_bad_table().entries) {
    if (!hardware_matches(entry.hardware, input.snapshot)) continue;
    if (entry.component == "kernel") {
      kernel_finding(input, entry, out);
    } else if (input.snapshot.packages.read) {
      package_finding(input, entry, out);
    }
  }
}

namespace {

// The sound server in use (or, with none answering, the one installed):
// "pipewire", "pulseaudio" or "" when unknown.
std::string server_program(const SystemSnapshot& snapshot) {
  if (snapshot.server.reachable) {
    if (snapshot.server.name.find("PipeWire") != std::string::npos) return "pipewire";
    if (lowercase(snapshot.server.name).find("pulseaudio") != std::string::npos) return "pulseaudio";
    return "";
  }
  const auto& installed = snapshot.server.installed;
  if (std::find(installed.begin(), installed.end(), "pipewire-pulse") != installed.end() ||
      std::find(installed.begin(), installed.end(), "wireplumber") != installed.end()) {
    return "pipewire";
  }
  if (std::find(installed.begin(), installed.end(), "pulseaudio") != installed.end()) return "pulseaudio";
  return "";
}

struct Need {
  SystemPackage package;
  std::string why;     // the evidence, in words
  std::string device;  // what it is about
};

std::vector<Need> needs(const SystemSnapshot& snapshot) {
  std::vector<Need> found;
  const KernelState& kernel = snapshot.kernel;
  if (has_sof_audio(kernel)) {
    std::string what;
    for (const AudioController& c : kernel.controllers) {
      if (lowercase(c.driver).starts_with("sof")) what = "the audio controller " + c.vendor_id + ":" + c.product_id +
                                                           " at " + c.address + " runs the SOF driver " + c.driver;
    }
    if (what.empty()) what = "a sound card of the SOF driver is present";
    found.push_back(Need{SystemPackage::sof_firmware, "This computer's sound runs on Intel's or AMD's SOF driver (" +
                                                          what + "), which loads its firmware from the SOF firmware package.",
                         "sof"});
    found.push_back(Need{SystemPackage::ucm_conf, "A SOF sound card needs a UCM configuration (from alsa-ucm-conf) for the "
                                                  "sound server to find its built-in microphone (" + what + ").",
                         "sof"});
  }
  if (const BluetoothDevice* headset = bluetooth_headset(snapshot.bluetooth)) {
    const std::string server = server_program(snapshot);
    const std::string words = "The Bluetooth headset \"" + headset->name + "\" (" + headset->address + ", " +
                              (headset->connected ? "connected" : "paired") +
                              ") offers the hands-free profile, the one that carries its microphone";
    if (server == "pipewire") {
      found.push_back(Need{SystemPackage::pipewire_bluetooth, words + "; PipeWire needs its Bluetooth plugin for it.",
                           "bluetooth:" + headset->address});
    } else if (server == "pulseaudio") {
      found.push_back(Need{SystemPackage::pulseaudio_bluetooth, words + "; PulseAudio needs its Bluetooth modules for it.",
                           "bluetooth:" + headset->address});
    }
  }
  return found;
}

// What the kernel-file checks already asked to install (firmware.missing,
// driver.ucm_missing, driver.dmic_needs_sof): their evidence is the files,
// stronger than the package database's, and one install step is said once.
std::vector<std::string> steps_said_elsewhere(const CheckInput& input) {
  std::vector<Finding> elsewhere;
  check_dsp_driver(input, elsewhere);
  check_firmware(input, elsewhere);
  check_ucm(input, elsewhere);
  std::vector<std::string> steps;
  for (const Finding& f : elsewhere) steps.insert(steps.end(), f.manual_steps.begin(), f.manual_steps.end());
  return steps;
}

}  // namespace

void check_missing_packages(const CheckInput& input, std::vector<Finding>& out) {
  const SystemSnapshot& snapshot = input.snapshot;
  const PackageDatabase& db = snapshot.packages;
  if (snapshot.is_windows() || !db.read) return;
  const PackageFamily family = package_family(snapshot.distribution);
  // The names below are this family's: another family's database (dpkg
  // installed on Fedora or Arch, say) never holds them, so "missing" would be false.
  if (db.manager != package_manager_of(family)) return;
  std::vector<std::string> said;
  bool said_read = false;
  for (const Need& need : needs(snapshot)) {
    const std::string name = package_name(family, need.package);
    // Unknown family or no package of that name there: nothing to judge.
    if (name.empty() || !was_asked(db, name) || installed(db, name) != nullptr) continue;
    const std::string step = install_step(snapshot.distribution, need.package);
    if (!said_read) {
      said = steps_said_elsewhere(input);
      said_read = true;
    }
    if (std::any_of(said.begin(), said.end(), [&](const std::string& s) { return s.starts_with(step); })) continue;
    Finding f = make_check_finding(CheckId::firmware_package_missing, Severity::error,
                                   "A package this computer's microphone needs is not installed",
                                   need.why + " The package " + name + " is not installed (" + db.manager + ").",
                                   need.device);
    f.manual_steps.push_back(step);
    f.manual_steps.push_back(need.package == SystemPackage::sof_firmware
                                 ? "Reboot: the driver loads its firmware when it starts."
                                 : "Then restart the sound server, no reboot needed: systemctl --user restart wireplumber "
                                   "pipewire pipewire-pulse  (PulseAudio: pulseaudio -k)");
    out.push_back(std::move(f));
  }
}

}  // namespace micdoctor::checks
