#pragma once
// Drivers, firmware and the audio services: what can be updated and from
// where, the versions installed, and the system services every microphone
// depends on. Plain data in the snapshot (model/snapshot.hpp), read by the
// platform layers, judged by the checks (step 4), listed by `micdoctor drivers`.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace micdoctor {

// ---- Linux: firmware through fwupd (D-Bus org.freedesktop.fwupd) ----

// One release fwupd offers for a device (GetUpgrades), newest first.
struct FirmwareRelease {
  std::string version;          // "1.12.5"
  std::string summary;          // one line: "Firmware for the Jabra Evolve2 65"
  std::string description;      // the release notes as plain text (markup removed), bounded
  std::string remote;           // where it comes from: "lvfs", "lvfs-testing", "vendor-directory"
  std::string urgency;          // "low", "medium", "high", "critical", "" when not said
  std::uint64_t size_bytes = 0; // 0 when not said
  int install_duration_s = 0;   // fwupd's InstallDuration; 0 when not said
};

// A device fwupd knows (GetDevices), with its current firmware.
struct FirmwareDevice {
  std::string id;         // fwupd's DeviceId (a sha1 in hex): what fwupd installs to
  std::string name;       // "Evolve2 65"
  std::string vendor;     // "Jabra"
  std::string version;    // the firmware version now
  std::string plugin;     // "jabra", "logitech_hidpp", ...
  std::string vendor_ids; // fwupd's VendorId: "USB:0x0B0E" (several joined by '|')
  std::vector<std::string> instance_ids;  // "USB\\VID_0B0E&PID_24B0" (GUID sources, as fwupd shows them)
  std::vector<std::string> flags;         // fwupd's device flags by name: "updatable", "needs-reboot", ...
  bool is_audio = false;  // a headset, microphone, webcam, dock or audio controller (the reader decides)
  std::vector<FirmwareRelease> upgrades;  // newest first; empty when up to date or unknown
  std::string upgrades_error;             // why the upgrades could not be asked ("" when they were)
};

struct FirmwareService {
  bool read = false;            // fwupd answered
  std::string error;            // why not, in words ("fwupd is not installed", a timeout), when it did not
  bool installed = false;       // fwupd's daemon is on this system (even if it did not answer)
  std::string daemon_version;   // "1.8.12"
  // The metadata fwupd matches devices against (its enabled download remotes):
  // "fresh", "stale" (older than 30 days), "missing" (never downloaded), "" unknown.
  std::string metadata;
  std::optional<int> metadata_age_days;
  std::string refresh_note;     // --refresh: why the metadata was not refreshed ("" when it was, or not asked)
  std::vector<FirmwareDevice> devices;
};

// ---- Linux: installed package versions (dpkg, rpm, pacman) ----

struct InstalledPackage {
  std::string name;     // "alsa-ucm-conf"
  std::string version;  // as the package manager writes it: "1.2.8-1", "2:1.2.8-1.fc38"
};

// Only the packages the checks ask about (the known-bad table's and the ones a
// detected device needs), never the whole database.
struct PackageDatabase {
  bool read = false;
  std::string manager;  // "dpkg", "rpm", "pacman"
  std::string error;    // why not, when it could not be read
  std::vector<InstalledPackage> packages;  // installed ones; a name asked for and absent is not installed
  std::vector<std::string> asked;          // the names looked up (so "absent" means "not installed")
};

// ---- Windows: the audio services (Service Control Manager) ----

struct ServiceState {
  std::string name;          // "Audiosrv", "AudioEndpointBuilder", "camsvc"
  std::string display_name;  // "Windows Audio"
  bool exists = false;       // false: no such service is installed
  // "running", "stopped", "start_pending", "stop_pending", "paused",
  // "pause_pending", "continue_pending"; "" when unknown.
  std::string state;
  // "automatic", "automatic_delayed", "manual", "disabled", "boot", "system"; "" when unknown.
  std::string start_type;
  std::string error;         // why it could not be read ("" when it was)
};

// ---- Windows: driver updates (Windows Update Agent) and the driver store ----

// One driver update Windows Update offers (IWindowsDriverUpdate), not installed.
struct DriverUpdate {
  std::string title;          // "Realtek Semiconductor Corp. - MEDIA - 6.0.9600.1"
  std::string hardware_id;    // DriverHardwareID: "HDAUDIO\\FUNC_01&VEN_10EC&DEV_0257&SUBSYS_10280A20"
  std::string provider;       // DriverProvider
  std::string manufacturer;   // DriverManufacturer
  std::string model;          // DriverModel: "Realtek(R) Audio"
  std::string driver_class;   // DriverClass: "MEDIA"
  std::string version;        // from the title when it ends in one ("6.0.9600.1"); "" when unknown
  std::string date;           // DriverVerDate, "2023-05-10"
  std::string update_id;      // Identity.UpdateID
};

struct WindowsDriverUpdates {
  bool searched = false;   // the search ran
  bool online = false;     // it asked Microsoft Update (else only the local cache)
  std::string error;       // why not, in words ("Windows Update is not available", HRESULT)
  // A policy that keeps driver updates away ("ExcludeWUDriversInQualityUpdate",
  // "DriverSearching", "DontSearchWindowsUpdate"); "" when none. Said, never worked around.
  std::string blocked_by;
  std::string blocked_detail;  // the registry value that says so, for people
  std::string install_setting;  // the person's own Device Installation Settings say "No" (SearchOrderConfig = 0), in words; "" when not: no block
  std::vector<DriverUpdate> updates;  // every driver update offered (the checks match them to devices)
};

// A driver package in the driver store for a device (SetupAPI's compatible
// driver list): how a device can go back to a previous driver.
struct StoredDriverPackage {
  std::string inf;       // "oem41.inf"
  std::string provider;  // "Realtek Semiconductor Corp."
  std::string version;   // "6.0.9088.1"
  std::string date;      // "2020-12-01"
};

}  // namespace micdoctor
