// Step 4, firmware of headsets, docks and webcams through fwupd: an update
// the vendor published on LVFS for an audio device (firmware.update_available).
// micdoctor installs it only when asked for by id (fix --only firmware.update).
#include <algorithm>
#include <cstdint>
#include <string>

#include "checks/check_catalog.hpp"
#include "checks/checks.hpp"
#include "checks/firmware_command.hpp"

namespace micdoctor::checks {
namespace {

// "about 2 minutes", "about 40 seconds"; "" when fwupd did not say.
std::string duration_text(int seconds) {
  if (seconds <= 0) return {};
  if (seconds < 90) return "about " + std::to_string(seconds) + " seconds";
  return "about " + std::to_string((seconds + 30) / 60) + " minutes";
}

std::string size_text(std::uint64_t bytes) {
  if (bytes == 0) return {};
  constexpr std::uint64_t kKiB = 1024;
  if (bytes < kKiB * kKiB) return std::to_string((bytes + kKiB / 2) / kKiB) + " KiB";
  return std::to_string((bytes + kKiB * kKiB / 2) / (kKiB * kKiB)) + " MiB";
}

// Where a release comes from, in words: fwupd's remote ids of LVFS.
std::string source_text(const std::string& remote) {
  if (remote == "lvfs") return "the Linux Vendor Firmware Service (LVFS), where the vendor published it";
  if (remote == "lvfs-testing") return "the testing channel of the Linux Vendor Firmware Service (LVFS), not yet a stable release";
  if (remote.empty()) return "a source fwupd did not name";
  return "fwupd's source \"" + remote + "\"";
}

std::string metadata_text(const FirmwareService& fwupd) {
  if (fwupd.metadata == "stale") {
    return "fwupd's list of firmware is " + std::to_string(fwupd.metadata_age_days.value_or(0)) +
           " days old: a newer release may exist (refresh it: micdoctor drivers --refresh, or fwupdmgr refresh).";
  }
  if (fwupd.metadata == "missing") {
    return "fwupd has not downloaded its list of firmware for every source it uses (refresh it: micdoctor drivers "
           "--refresh, or fwupdmgr refresh).";
  }
  return {};
}

Finding update_finding(const FirmwareDevice& device, const FirmwareService& fwupd) {
  const FirmwareRelease& newest = device.upgrades.front();
  const std::string name = device.vendor.empty() ? device.name : device.vendor + " " + device.name;
  std::string detail = "\"" + name + "\" runs firmware " + (device.version.empty() ? "(version unknown)" : device.version) +
                       "; version " + newest.version + " is available from " + source_text(newest.remote) + ".";
  if (!newest.summary.empty()) detail += " Release: " + newest.summary + ".";
  if (!newest.description.empty()) detail += " Release notes: " + newest.description;
  if (newest.urgency == "high" || newest.urgency == "critical") detail += " The vendor marks it " + newest.urgency + ".";
  const std::string duration = duration_text(newest.install_duration_s);
  const std::string size = size_text(newest.size_bytes);
  if (!duration.empty() || !size.empty()) {
    detail += " Installing takes " + (duration.empty() ? std::string("an unknown time") : duration) +
              (size.empty() ? "" : " (" + size + " to download)") + ".";
  }
  if (const std::string metadata = metadata_text(fwupd); !metadata.empty()) detail += " " + metadata;
  Finding f = make_check_finding(CheckId::firmware_update_available, Severity::warning,
                                 "A firmware update is available for \"" + name + "\"", detail, device.id);
  f.advice = "A firmware update from the vendor can fix microphone problems of this device. micdoctor installs it "
             "only when you ask for it by name, because a firmware update cannot be undone by micdoctor.";
  f.fix = std::string(fix_id(FixId::firmware_update));
  f.manual_steps.push_back("Keep the device connected (and the computer on power) while it updates" +
                           (duration.empty() ? std::string() : ": " + duration) + ".");
  f.manual_steps.push_back("Install it with micdoctor: micdoctor fix --only firmware.update");
  f.manual_steps.push_back("Or with fwupd itself: " + fwupdmgr_update_command(device.id));
  if (std::find(device.flags.begin(), device.flags.end(), "needs-reboot") != device.flags.end()) {
    f.manual_steps.push_back("Restart the computer afterwards: fwupd says this device needs it.");
  }
  return f;
}

}  // namespace

std::string fwupdmgr_update_command(const std::string& device_id) {
  return "fwupdmgr update " + shell_quote(device_id);
}

void check_firmware_updates(const CheckInput& input, std::vector<Finding>& out) {
  const FirmwareService& fwupd = input.snapshot.firmware;
  if (!fwupd.read) return;  // no fwupd: `micdoctor drivers` says so and how to install it
  for (const FirmwareDevice& device : fwupd.devices) {
    if (!device.is_audio || device.upgrades.empty() || device.id.empty()) continue;
    out.push_back(update_finding(device, fwupd));
  }
}

}  // namespace micdoctor::checks
