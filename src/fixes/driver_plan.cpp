#include "fixes/driver_plan.hpp"

#include <string>

#include "checks/checks.hpp"

namespace micdoctor {
namespace {

// The service by name (const or not), only when it is installed.
template <typename Services>
auto find_service(Services& services, const std::string& name) -> decltype(&services.front()) {
  for (auto& s : services) {
    if (s.exists && s.name == name) return &s;
  }
  return nullptr;
}

const FirmwareDevice* find_firmware_device(const FirmwareService& firmware, const std::string& id) {
  for (const FirmwareDevice& d : firmware.devices) {
    if (d.id == id) return &d;
  }
  return nullptr;
}

SettingValue named(const std::string& name) {
  SettingValue value;
  value.name = name;
  return value;
}

}  // namespace

std::string default_start_type(const std::string& service) {
  return service == "camsvc" ? "manual" : "automatic";
}

std::optional<Change> service_start_change(const Finding& finding, const SystemSnapshot& snapshot) {
  const ServiceState* service = find_service(snapshot.services, finding.device);
  if (service == nullptr) return std::nullopt;
  Change c;
  c.setting = Setting::service_start_type;
  c.target.name = service->name;
  c.to = named(default_start_type(service->name));
  c.to.flag = true;  // and running: a stopped service set to its usual start type is still stopped
  const std::string display = service->display_name.empty() ? service->name : service->display_name;
  c.summary = "Set the service \"" + display + "\" to start " + c.to.name + " and start it";
  return c;
}

std::optional<Change> firmware_update_change(const Finding& finding, const SystemSnapshot& snapshot) {
  const FirmwareDevice* device = find_firmware_device(snapshot.firmware, finding.device);
  if (device == nullptr || device->upgrades.empty()) return std::nullopt;
  const FirmwareRelease& newest = device->upgrades.front();
  Change c;
  c.setting = Setting::firmware_version;
  c.target.name = device->id;
  c.to = named(newest.version);
  const std::string name = device->vendor.empty() ? device->name : device->vendor + " " + device->name;
  c.summary = "Install firmware " + newest.version + " on \"" + name + "\" (now " + device->version + ")";
  c.cost = "A firmware update cannot be undone by micdoctor (only fwupd can install an older version, if the vendor "
           "allows it: fwupdmgr downgrade); it takes " +
           (newest.install_duration_s > 0 ? "about " + std::to_string(newest.install_duration_s) + " seconds"
                                           : std::string("a time fwupd did not say")) +
           "; keep the device connected until it is done";
  return c;
}

std::optional<SettingValue> driver_setting_value(const SystemSnapshot& snapshot, Setting setting,
                                                 const ChangeTarget& target) {
  if (setting == Setting::service_start_type) {
    const ServiceState* service = find_service(snapshot.services, target.name);
    if (service == nullptr) return std::nullopt;
    SettingValue value = named(service->start_type);
    value.flag = service->state == "running";
    return value;
  }
  if (setting == Setting::firmware_version) {
    const FirmwareDevice* device = find_firmware_device(snapshot.firmware, target.name);
    if (device == nullptr) return std::nullopt;
    return named(device->version);
  }
  return std::nullopt;
}

void apply_driver_setting(SystemSnapshot& snapshot, Setting setting, const ChangeTarget& target,
                          const SettingValue& value) {
  if (setting == Setting::service_start_type) {
    ServiceState* service = find_service(snapshot.services, target.name);
    if (service == nullptr) return;
    service->start_type = value.name;
    if (value.flag && value.name != "disabled") service->state = "running";
    if (snapshot.is_windows() && !snapshot.server.reachable && !checks::audio_service_down(snapshot)) {
      // The device list failed because the audio services did not run (the
      // failure is their symptom: service.audio_stopped explains
      // server.unreachable). Once both run, what Windows lists is not known
      // to a snapshot: neither that it fails nor that it is empty. So the
      // simulated list was not asked for (nothing tried, no error): the
      // checks claim no fault about the devices (server.unreachable and
      // device.none stay silent). A real fix reads the system again.
      snapshot.server.tried.clear();
      snapshot.server.error.clear();
    }
  } else if (setting == Setting::firmware_version) {
    for (FirmwareDevice& d : snapshot.firmware.devices) {
      if (d.id != target.name) continue;
      d.version = value.name;
      d.upgrades.clear();
    }
  }
}

}  // namespace micdoctor
