#include "drivers/driver_inventory.hpp"

#include <algorithm>
#include <cctype>
#include <string_view>

#include "alsainfo/alsa_info.hpp"
#include "checks/check_catalog.hpp"
#include "checks/firmware_command.hpp"
#include "checks/install_command.hpp"
#include "checks/run_checks.hpp"
#include "checks/windows_driver_text.hpp"

namespace micdoctor::drivers {
namespace {

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

bool same_hex(const std::string& a, const std::string& b) {
  // sysfs writes "0b0e", fwupd "0B0E"; some readers keep a "0x".
  auto plain = [](const std::string& id) {
    const std::string l = lower(id);
    return l.rfind("0x", 0) == 0 ? l.substr(2) : l;
  };
  return !a.empty() && plain(a) == plain(b);
}

// ---- Linux ----

AudioDevice& find_or_add(std::vector<AudioDevice>& devices, const std::string& bus, const std::string& address) {
  if (!address.empty()) {
    for (AudioDevice& d : devices) {
      if (d.address == address && d.bus == bus) return d;
    }
  }
  AudioDevice& added = devices.emplace_back();
  added.bus = bus;
  added.address = address;
  return added;
}

std::string remote_label(const std::string& remote) {
  if (remote == "lvfs") return "LVFS";
  if (remote == "lvfs-testing") return "LVFS (testing)";
  return remote.empty() ? "fwupd" : remote;
}

void add_firmware(AudioDevice& device, const FirmwareDevice& fw) {
  device.firmware = FirmwareFacts{fw.version, fw.id, fw.vendor, fw.plugin, fw.flags, fw.upgrades_error};
  for (const std::string& id : fw.instance_ids) {
    if (std::find(device.ids.begin(), device.ids.end(), id) == device.ids.end()) device.ids.push_back(id);
  }
  for (const FirmwareRelease& release : fw.upgrades) {
    AvailableUpdate update;
    update.kind = "firmware";
    update.version = release.version;
    update.summary = release.summary;
    update.source = remote_label(release.remote);
    update.urgency = release.urgency;
    update.install_duration_s = release.install_duration_s;
    update.how = "micdoctor fix --only firmware.update (or: " + checks::fwupdmgr_update_command(fw.id) +
                 "); a firmware update cannot be undone by micdoctor";
    device.updates.push_back(std::move(update));
  }
}

bool bluetooth_audio(const BluetoothDevice& device) {
  static constexpr std::string_view kAudioProfiles[] = {
      "00001108",  // Headset
      "0000110a",  // A2DP source
      "0000110b",  // A2DP sink
      "00001112",  // Headset audio gateway
      "0000111e",  // Handsfree
      "0000111f",  // Handsfree audio gateway
      "00001131",  // Headset HS
  };
  return std::any_of(device.uuids.begin(), device.uuids.end(), [](const std::string& uuid) {
    const std::string short_form = lower(uuid.substr(0, 8));
    return std::find(std::begin(kAudioProfiles), std::end(kAudioProfiles), short_form) != std::end(kAudioProfiles);
  });
}

void linux_devices(const SystemSnapshot& s, DriverInventory& inv) {
  const std::string& release = s.kernel.release;
  for (const KernelCard& card : s.kernel.cards) {
    AudioDevice& d = find_or_add(inv.devices, card.bus, card.address);
    d.kind = "sound card";
    d.card = card.number;
    d.name = !card.long_name.empty() ? card.long_name : card.id;
    d.vendor_id = lower(card.vendor_id);
    d.product_id = lower(card.product_id);
    d.driver.name = !card.module.empty() ? card.module : card.driver;
    d.driver.version = release;
  }
  for (const AudioController& c : s.kernel.controllers) {
    AudioDevice& d = find_or_add(inv.devices, c.bus, c.address);
    if (d.kind.empty()) {
      d.kind = "audio controller";
      d.name = c.bus == "pci" ? "PCI audio controller" : "USB audio device";
      d.driver.name = c.driver;
      d.driver.version = c.driver.empty() ? "" : release;
      d.driver.bound = !c.driver.empty();
    }
    if (d.vendor_id.empty()) d.vendor_id = lower(c.vendor_id);
    if (d.product_id.empty()) d.product_id = lower(c.product_id);
    if (!c.pci_class.empty()) d.ids.push_back("PCI class " + c.pci_class);
    if (!c.subsystem.empty()) d.ids.push_back("subsystem " + c.subsystem);
  }
  for (const UnboundAudioDevice& u : s.kernel.unbound) {
    AudioDevice& d = find_or_add(inv.devices, u.bus, u.address);
    d.kind = "audio device with no driver";
    if (d.name.empty() || d.name == "PCI audio controller" || d.name == "USB audio device") d.name = u.kind;
    d.vendor_id = lower(u.vendor_id);
    d.product_id = lower(u.product_id);
    d.driver = DriverFacts{};
    d.driver.bound = false;
  }
  for (const CardlessAudioDevice& c : s.kernel.cardless) {
    AudioDevice& d = find_or_add(inv.devices, c.bus, c.address);
    d.kind = "audio controller with no sound card";
    if (d.name.empty()) d.name = c.bus == "pci" ? "PCI audio controller" : "USB audio device";
    if (d.vendor_id.empty()) d.vendor_id = lower(c.vendor_id);
    if (d.product_id.empty()) d.product_id = lower(c.product_id);
    d.driver.name = c.driver;
    d.driver.version = release;
  }
  for (const BluetoothDevice& b : s.bluetooth.devices) {
    if (!b.connected || !bluetooth_audio(b)) continue;
    AudioDevice& d = find_or_add(inv.devices, "bluetooth", b.address);
    d.kind = "Bluetooth audio device";
    d.name = b.name;
    d.driver.name = "BlueZ";  // the audio goes through BlueZ and the sound server, not a kernel sound driver
  }
  for (const FirmwareDevice& fw : s.firmware.devices) {
    if (!fw.is_audio) continue;
    AudioDevice* joined = nullptr;
    for (const std::string& instance : fw.instance_ids) {
      const std::optional<BusIds> ids = parse_instance_id(instance);
      if (!ids) continue;
      for (AudioDevice& d : inv.devices) {
        if (d.bus == ids->bus && same_hex(d.vendor_id, ids->vendor_id) && same_hex(d.product_id, ids->product_id)) {
          joined = &d;
          break;
        }
      }
      if (joined != nullptr) break;
    }
    if (joined == nullptr) {
      joined = &inv.devices.emplace_back();
      joined->kind = "device fwupd knows";
      joined->name = fw.vendor.empty() ? fw.name : fw.vendor + " " + fw.name;
      for (const std::string& instance : fw.instance_ids) {
        if (const std::optional<BusIds> ids = parse_instance_id(instance)) {
          joined->bus = ids->bus;
          joined->vendor_id = ids->vendor_id;
          joined->product_id = ids->product_id;
          break;
        }
      }
    }
    add_firmware(*joined, fw);
  }
}

void linux_sources(const SystemSnapshot& s, DriverInventory& inv) {
  const FirmwareService& fw = s.firmware;
  UpdateSource daemon{.name = "fwupd"};
  if (!fw.read && !fw.installed && fw.error.empty()) {
    // A live reading always says why fwupd did not answer: this is a saved
    // snapshot (or a dump) taken without asking it.
    daemon.state = "not asked";
    daemon.detail = "This snapshot holds no answer from fwupd: it was not asked when the snapshot was taken";
  } else if (fw.read) {
    daemon.ok = true;
    daemon.state = "running";
    daemon.detail = "fwupd " + (fw.daemon_version.empty() ? std::string("(version unknown)") : fw.daemon_version) +
                    " answered; it knows " + std::to_string(fw.devices.size()) + " device(s)";
  } else if (!fw.installed) {
    daemon.state = "not installed";
    daemon.detail = "fwupd is not installed, so firmware updates of headsets, docks and webcams cannot be looked up" +
                    (fw.error.empty() ? std::string() : " (" + fw.error + ")");
    const std::string command = checks::install_command(checks::package_family(s.distribution), "fwupd");
    daemon.action = command.empty() ? "Install your distribution's fwupd package"
                                    : "Install fwupd: " + command;
  } else if (fw.error.starts_with("the system D-Bus")) {
    // The reader's words when the bus itself failed (fwupd_reader.cpp): fwupd
    // is reached, and started when needed, through the system D-Bus, so
    // starting fwupd by hand would not help.
    daemon.state = "no system D-Bus";
    daemon.detail = "fwupd is installed but could not be asked, because " + fw.error +
                    ": programs reach fwupd only through the system D-Bus";
    daemon.action = "Restart the computer: that starts the system D-Bus (inside a container there usually is none, "
                    "and firmware updates cannot be looked up there)";
  } else {
    daemon.state = "not running";
    daemon.detail = "fwupd is installed but did not answer" + (fw.error.empty() ? std::string() : ": " + fw.error);
    daemon.action = "Start it: sudo systemctl start fwupd";
  }
  inv.sources.push_back(std::move(daemon));
  if (fw.read) {
    UpdateSource metadata{.name = "fwupd metadata", .ok = fw.metadata == "fresh",
                          .state = fw.metadata.empty() ? "unknown" : fw.metadata};
    const std::string age =
        fw.metadata_age_days ? " (" + std::to_string(*fw.metadata_age_days) + " days old)" : std::string();
    if (fw.metadata == "fresh") {
      metadata.detail = "The list of firmware releases is up to date" + age;
    } else if (fw.metadata == "stale") {
      metadata.detail = "The list of firmware releases is out of date" + age + ": newer firmware may be missing from it";
      metadata.action = "Refresh it: micdoctor drivers --refresh (or: fwupdmgr refresh)";
    } else if (fw.metadata == "missing") {
      metadata.detail = "The list of firmware releases was never downloaded: no update can be found without it";
      metadata.action = "Download it: micdoctor drivers --refresh (or: fwupdmgr refresh)";
    } else {
      metadata.detail = "fwupd did not say how old its list of firmware releases is";
    }
    inv.sources.push_back(std::move(metadata));
  }
  const PackageDatabase& db = s.packages;
  UpdateSource packages{.name = "package database", .ok = db.read, .state = db.read ? "read" : "not read"};
  if (db.read) {
    packages.detail = (db.manager.empty() ? std::string("The package database") : db.manager) + " read: " +
                      std::to_string(db.packages.size()) + " of the " + std::to_string(db.asked.size()) +
                      " package(s) asked about are installed";
  } else if (db.error.empty()) {
    packages.state = "not asked";
    packages.detail = "This snapshot holds no installed versions: the package database was not read when it was taken";
  } else {
    packages.detail = "The installed versions could not be read: " + db.error;
  }
  inv.sources.push_back(std::move(packages));
}

// ---- Windows ----

std::string bus_of_instance(const std::string& instance_id) {
  std::string prefix = lower(instance_id.substr(0, instance_id.find('\\')));
  if (prefix.rfind("bth", 0) == 0) return "bluetooth";  // BTHENUM, BTHHFENUM, BTHLEDEVICE
  if (prefix == "swd" || prefix == "root") return "software";
  return prefix;
}

void windows_devices(const SystemSnapshot& s, DriverInventory& inv) {
  for (const EndpointDriver& e : s.drivers) {
    const std::string key = e.instance_id.empty() ? e.endpoint : e.instance_id;
    AudioDevice& d = find_or_add(inv.devices, bus_of_instance(e.instance_id), key);
    if (!e.endpoint.empty()) d.endpoints.push_back(e.endpoint);
    if (!d.kind.empty()) continue;  // a second endpoint of the same device
    d.kind = "capture endpoint device";
    d.name = e.device_name;
    d.ids = e.hardware_ids;
    d.driver = DriverFacts{e.device_name, e.version, e.provider, e.date, e.inf, e.installed, e.installed_days_ago,
                           e.problem_code, e.has_driver};
    d.rollback = e.store_packages;
    for (const DriverUpdate& u : s.driver_updates.updates) {
      if (!update_matches(e, u)) continue;
      d.updates.push_back(AvailableUpdate{
          .kind = "driver", .version = u.version, .date = u.date, .summary = u.title, .source = "Windows Update",
          .how = std::string(checks::kOptionalUpdatesPathWindows11) + "; " + checks::kOptionalUpdatesPathWindows10 +
                 " (installing stays with Windows Update)",
          .hardware_id = u.hardware_id});
    }
  }
}

// A capture endpoint whose device Windows gave no driver details for (Wine
// gives none): still a device, listed with what is known.
void endpoints_without_details(const SystemSnapshot& s, DriverInventory& inv) {
  for (const Source& source : s.sources) {
    const bool described = std::any_of(s.drivers.begin(), s.drivers.end(),
                                       [&](const EndpointDriver& e) { return e.endpoint == source.name; });
    if (described) continue;
    AudioDevice& d = inv.devices.emplace_back();
    d.bus = source.bus;
    d.kind = "capture endpoint device";
    d.name = source.description.empty() ? source.name : source.description;
    d.address = source.name;
    d.endpoints = {source.name};
  }
}

void windows_sources(const SystemSnapshot& s, DriverInventory& inv) {
  const WindowsDriverUpdates& wu = s.driver_updates;
  UpdateSource source{.name = "Windows Update"};
  if (!wu.blocked_by.empty()) {
    source.state = "blocked";
    source.detail = "A policy keeps driver updates away from Windows Update (" + wu.blocked_by +
                    (wu.blocked_detail.empty() ? std::string() : ": " + wu.blocked_detail) + ")";
    source.action = "Ask whoever manages this computer; micdoctor does not work around the policy";
  } else if (wu.searched) {
    source.ok = true;
    source.state = "searched";
    source.detail = std::string(wu.online ? "Microsoft Update was asked" : "Only Windows Update's local cache was asked") +
                    ": " + std::to_string(wu.updates.size()) + " driver update(s) offered for this computer";
    if (!wu.online) source.action = "Ask Microsoft Update too: micdoctor drivers --refresh";
  } else if (wu.error.empty()) {
    source.state = "not asked";
    source.detail = "This snapshot holds no answer from Windows Update: it was not asked when the snapshot was taken";
  } else {
    source.state = "not searched";
    source.detail = "Windows Update could not be searched: " + wu.error;
  }
  inv.sources.push_back(std::move(source));
}

bool about_drivers(const Finding& f) {
  return f.step == 4 || f.id == definition(CheckId::service_audio_stopped).id ||
         f.id == definition(CheckId::service_camsvc_disabled).id;
}

}  // namespace

std::optional<BusIds> parse_instance_id(const std::string& instance_id) {
  const std::string l = lower(instance_id);
  const std::size_t slash = l.find('\\');
  if (slash == std::string::npos) return std::nullopt;
  const std::string bus = l.substr(0, slash);
  const char* vendor_key = bus == "pci" ? "ven_" : "vid_";
  const char* product_key = bus == "pci" ? "dev_" : "pid_";
  auto value = [&](const char* key) -> std::string {
    const std::size_t at = l.find(key, slash);
    if (at == std::string::npos) return {};
    const std::size_t start = at + 4;
    std::size_t end = start;
    while (end < l.size() && std::isxdigit(static_cast<unsigned char>(l[end])) != 0) ++end;
    return l.substr(start, end - start);
  };
  BusIds ids{bus, value(vendor_key), value(product_key)};
  if ((bus != "usb" && bus != "pci") || ids.vendor_id.empty() || ids.product_id.empty()) return std::nullopt;
  return ids;
}

bool update_matches(const EndpointDriver& device, const DriverUpdate& update) {
  // The same match as driver.update_available's, so the listing and the finding agree.
  return !checks::matching_hardware_id(update, device).empty();
}

DriverInventory take_inventory(const SystemSnapshot& snapshot) {
  // What `check` would say: a dump (a saved report of one) has no sound server state to judge.
  return take_inventory(snapshot,
                        snapshot.origin == "alsa-info" ? run_alsa_info_checks(snapshot) : run_checks(snapshot));
}

DriverInventory take_inventory(const SystemSnapshot& snapshot, std::vector<Finding> findings) {
  DriverInventory inv;
  inv.platform = snapshot.platform;
  inv.origin = snapshot.origin;
  if (snapshot.is_windows()) {
    windows_devices(snapshot, inv);
    endpoints_without_details(snapshot, inv);
    inv.services = snapshot.services;
    windows_sources(snapshot, inv);
    if (inv.devices.empty() && !snapshot.server.reachable && !snapshot.server.error.empty()) {
      // Not "no hardware": Windows could not be asked (its audio services stopped, say).
      inv.devices_unread = snapshot.server.error;
    } else if (inv.devices.empty()) {
      inv.no_sound_hardware = "Windows reports no capture endpoint";
    }
  } else {
    inv.kernel_release = snapshot.kernel.release;
    linux_devices(snapshot, inv);
    linux_sources(snapshot, inv);
    if (inv.devices.empty() && !snapshot.kernel.read) {
      inv.devices_unread = "the kernel's view of the hardware (/sys) could not be read, and no Bluetooth headset "
                           "is connected";
    } else if (inv.devices.empty()) {
      inv.no_sound_hardware = "the kernel lists no sound card and no audio controller, and no Bluetooth headset is "
                              "connected";
    }
  }
  for (Finding& f : findings) {
    if (about_drivers(f)) inv.findings.push_back(std::move(f));
  }
  return inv;
}

std::string inventory_verdict(const DriverInventory& inv) {
  const Finding* worst = nullptr;
  for (const Finding& f : inv.findings) {
    if (is_problem(f) && (worst == nullptr || f.severity > worst->severity)) worst = &f;
  }
  if (worst != nullptr) return worst->title;
  if (!inv.devices_unread.empty()) return "The sound devices could not be listed: " + inv.devices_unread + ".";
  if (!inv.no_sound_hardware.empty()) return "No sound hardware was found: " + inv.no_sound_hardware + ".";
  const auto updates = std::count_if(inv.devices.begin(), inv.devices.end(),
                                     [](const AudioDevice& d) { return !d.updates.empty(); });
  if (updates > 0) return "Updates are offered for " + std::to_string(updates) + " audio device(s); nothing else is wrong.";
  return "Nothing is wrong with the audio drivers, firmware or services as far as micdoctor can see.";
}

}  // namespace micdoctor::drivers
