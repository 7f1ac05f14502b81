#pragma once
// `micdoctor drivers`: every audio device of a snapshot with its driver, its
// firmware and what can be updated from where, the audio services, the state
// of the sources of updates, and what the checks say about them. Pure: from a
// SystemSnapshot to plain data the renderers (report/drivers_report.hpp) print.
#include <optional>
#include <string>
#include <vector>

#include "model/finding.hpp"
#include "model/snapshot.hpp"

namespace micdoctor::drivers {

// One update for a device, and where it comes from.
struct AvailableUpdate {
  std::string kind = {};         // "firmware" (fwupd, Linux) or "driver" (Windows Update)
  std::string version = {};      // "1.12.5"; "" when the offer does not say
  std::string date = {};         // the driver's date (Windows), "" otherwise
  std::string summary = {};      // the release's summary (fwupd) or the update's title (Windows Update)
  std::string source = {};       // "LVFS" (fwupd remote "lvfs"), the remote's name, or "Windows Update"
  std::string how = {};          // where to install it, for people
  std::string hardware_id = {};  // Windows: the update's DriverHardwareID that matched the device
  std::string urgency = {};      // fwupd: "low" ... "critical"; "" when not said
  int install_duration_s = 0;  // fwupd: how long installing takes; 0 when not said
};

// A device's driver. Linux: the kernel module and the running kernel (in-tree
// modules carry the kernel's version). Windows: provider, version, date, INF.
struct DriverFacts {
  std::string name;      // "snd_hda_intel" / the device's driver as Windows names the device
  std::string version;   // Linux: the kernel release; Windows: the driver version
  std::string provider;  // Windows
  std::string date;      // Windows
  std::string inf;       // Windows
  std::string installed;                   // Windows: when installed on the device
  std::optional<int> installed_days_ago;   // Windows
  int problem_code = 0;  // Windows CM_PROB_*: 0 none
  bool bound = true;     // false: no driver bound (Linux unbound device; Windows no driver installed)
};

// The device's firmware as fwupd reports it (Linux).
struct FirmwareFacts {
  std::string version;
  std::string fwupd_device_id;  // what `fix --only firmware.update` installs to
  std::string vendor;
  std::string plugin;
  std::vector<std::string> flags;
  std::string upgrades_error;   // why fwupd could not say what is offered ("" when it could)
};

struct AudioDevice {
  std::string bus;      // "pci", "usb", "bluetooth", "hdaudio", "platform", "" when unknown
  std::string kind;     // "sound card", "audio controller", "audio device with no driver",
                        // "audio controller with no sound card", "Bluetooth audio device",
                        // "device fwupd knows", "capture endpoint device"
  std::string name;
  std::string address;  // bus address or Bluetooth address; Windows: the device instance id
  std::string vendor_id;   // hex, lower case, no prefix ("" unknown)
  std::string product_id;
  std::vector<std::string> ids;        // hardware ids (Windows), fwupd instance ids, PCI class/subsystem
  std::vector<std::string> endpoints;  // Windows: the capture endpoints it is behind
  std::optional<int> card;             // Linux: the kernel card number
  DriverFacts driver;
  std::optional<FirmwareFacts> firmware;
  std::vector<AvailableUpdate> updates;
  std::vector<StoredDriverPackage> rollback;  // Windows: other packages in the driver store
};

// Where updates and versions come from, and whether it could be asked.
struct UpdateSource {
  std::string name = {};    // "fwupd", "fwupd metadata", "package database", "Windows Update"
  bool ok = false;     // it answered and is usable
  std::string state = {};   // one word: "running", "not installed", "not running", "fresh", "stale", "missing",
                       // "unknown", "read", "not read", "searched", "not searched", "blocked";
                       // "not asked": a saved snapshot (or dump) taken without asking this source
  std::string detail = {};  // in words, with the numbers
  std::string action = {};  // what to do about it ("" when nothing)
};

struct DriverInventory {
  std::string platform;        // "linux", "windows"
  std::string origin;          // the snapshot's: "live", "snapshot"
  std::string kernel_release;  // Linux: the running kernel ("" unknown)
  std::vector<AudioDevice> devices;
  std::vector<ServiceState> services;   // Windows
  std::vector<UpdateSource> sources;
  std::vector<Finding> findings;        // what `check` says about drivers (step 4) and the audio services
  // No device at all: said plainly, not an error. The reason in words.
  std::string no_sound_hardware;        // "" when there are devices
  // The devices could not be listed at all (Windows' audio services down, no
  // /sys): why, in words. Not the same as no hardware; "" when they were listed.
  std::string devices_unread;
};

// The whole inventory. Runs the checks (run_checks) for its findings.
DriverInventory take_inventory(const SystemSnapshot& snapshot);
// The same with the checks' findings given: keeps those of step 4 and the
// audio services' (service.audio_stopped, service.camsvc_disabled).
DriverInventory take_inventory(const SystemSnapshot& snapshot, std::vector<Finding> findings);

// Whether Windows Update's offer is for this device, as driver.update_available
// decides it (checks::matching_hardware_id: case not minding, the offer's id
// may be a less specific prefix of one of the device's).
bool update_matches(const EndpointDriver& device, const DriverUpdate& update);

// fwupd's instance id "USB\\VID_0B0E&PID_24B0" (or "PCI\\VEN_8086&DEV_A0C8"):
// the bus ("usb"), vendor and product in lower-case hex; nullopt when it is not of that shape.
struct BusIds {
  std::string bus;
  std::string vendor_id;
  std::string product_id;
};
std::optional<BusIds> parse_instance_id(const std::string& instance_id);

// The one sentence a report starts with.
std::string inventory_verdict(const DriverInventory& inventory);

}  // namespace micdoctor::drivers
