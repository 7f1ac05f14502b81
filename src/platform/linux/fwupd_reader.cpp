#include "platform/linux/fwupd_reader.hpp"

#include <systemd/sd-bus.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <memory>

#include "platform/linux/dbus_call.hpp"
#include "platform/linux/fwupd_parse.hpp"
#include "platform/linux/process.hpp"

namespace micdoctor::linux_system {
namespace {


constexpr const char* kService = "org.freedesktop.fwupd";
constexpr const char* kInterface = "org.freedesktop.fwupd";
// Where Debian (and Fedora, Arch: /usr/lib/fwupd) put the daemon.
constexpr std::array<const char*, 3> kDaemonPaths = {"/usr/libexec/fwupd/fwupd", "/usr/lib/fwupd/fwupd",
                                                     "/usr/lib/x86_64-linux-gnu/fwupd/fwupd"};
// fwupd's error when a device has no newer release (FWUPD_ERROR_NOTHING_TO_DO).
constexpr const char* kNothingToDo = "org.freedesktop.fwupd.NothingToDo";

// -- sd-bus, bounded (dbus_call.hpp) ------------------------------------------

using dbus::Bus;
using dbus::call_within;
using dbus::Deadline;
using dbus::Message;
using dbus::new_call;

// -- decoding a{sv} (every value type checked; sizes bounded) ------------------

std::string bounded(const char* text) {
  if (text == nullptr) return {};
  const std::size_t n = strnlen(text, kFwupdMaxStringBytes);
  return std::string(text, n);
}

int read_variant(sd_bus_message* m, const std::string& signature, FwupdProperties& out, const std::string& key) {
  int r = 0;
  if (signature == "s" || signature == "o") {
    const char* text = nullptr;
    if ((r = sd_bus_message_enter_container(m, 'v', signature.c_str())) < 0) return r;
    if ((r = sd_bus_message_read_basic(m, signature[0], &text)) < 0) return r;
    out[key] = bounded(text);
  } else if (signature == "t" || signature == "u" || signature == "q" || signature == "y") {
    if ((r = sd_bus_message_enter_container(m, 'v', signature.c_str())) < 0) return r;
    std::uint64_t value = 0;
    if (signature == "t") {
      r = sd_bus_message_read_basic(m, 't', &value);
    } else if (signature == "u") {
      std::uint32_t v = 0;
      r = sd_bus_message_read_basic(m, 'u', &v);
      value = v;
    } else if (signature == "q") {
      std::uint16_t v = 0;
      r = sd_bus_message_read_basic(m, 'q', &v);
      value = v;
    } else {
      std::uint8_t v = 0;
      r = sd_bus_message_read_basic(m, 'y', &v);
      value = v;
    }
    if (r < 0) return r;
    out[key] = value;
  } else if (signature == "b") {
    if ((r = sd_bus_message_enter_container(m, 'v', "b")) < 0) return r;
    int value = 0;
    if ((r = sd_bus_message_read_basic(m, 'b', &value)) < 0) return r;
    out[key] = value != 0;
  } else if (signature == "as") {
    if ((r = sd_bus_message_enter_container(m, 'v', "as")) < 0) return r;
    if ((r = sd_bus_message_enter_container(m, 'a', "s")) < 0) return r;
    std::vector<std::string> items;
    const char* text = nullptr;
    while ((r = sd_bus_message_read_basic(m, 's', &text)) > 0) {
      if (items.size() < kFwupdMaxStrings) items.push_back(bounded(text));
    }
    if (r < 0) return r;
    if ((r = sd_bus_message_exit_container(m)) < 0) return r;
    out[key] = std::move(items);
  } else {
    return sd_bus_message_skip(m, "v");  // a type fwupd does not use for the keys we read
  }
  return sd_bus_message_exit_container(m);
}

// One a{sv}.
int read_properties(sd_bus_message* m, FwupdProperties& out) {
  int r = sd_bus_message_enter_container(m, 'a', "{sv}");
  if (r < 0) return r;
  std::size_t entries = 0;
  while ((r = sd_bus_message_enter_container(m, 'e', "sv")) > 0) {
    const char* key_text = nullptr;
    if ((r = sd_bus_message_read_basic(m, 's', &key_text)) < 0) return r;
    const std::string key = bounded(key_text);
    char type = 0;
    const char* contents = nullptr;
    if ((r = sd_bus_message_peek_type(m, &type, &contents)) < 0) return r;
    if (++entries > kFwupdMaxEntries) r = sd_bus_message_skip(m, "v");
    else r = read_variant(m, contents != nullptr ? contents : "", out, key);
    if (r < 0) return r;
    if ((r = sd_bus_message_exit_container(m)) < 0) return r;
  }
  if (r < 0) return r;
  return sd_bus_message_exit_container(m);
}

// A reply of aa{sv}: at most kFwupdMaxEntries maps (the rest is not read).
int read_property_list(sd_bus_message* m, std::vector<FwupdProperties>& out) {
  int r = sd_bus_message_enter_container(m, 'a', "a{sv}");
  if (r < 0) return r;
  while (out.size() < kFwupdMaxEntries) {
    char type = 0;
    const char* contents = nullptr;
    r = sd_bus_message_peek_type(m, &type, &contents);
    if (r <= 0) break;
    FwupdProperties properties;
    if ((r = read_properties(m, properties)) < 0) return r;
    out.push_back(std::move(properties));
  }
  return r < 0 ? r : 0;
}

// Calls a no-argument (or one string argument) method returning aa{sv}.
bool call_list(sd_bus* bus, const char* member, const std::string* argument, const Deadline& deadline,
               std::vector<FwupdProperties>& out, std::string& why, std::string* error_name = nullptr) {
  const Message call = new_call(bus, kService, "/", kInterface, member, why);
  if (!call) return false;
  if (argument != nullptr) {
    const int r = sd_bus_message_append_basic(call.get(), 's', argument->c_str());
    if (r < 0) {
      why = std::strerror(-r);
      return false;
    }
  }
  const Message reply = call_within(bus, call.get(), deadline, why, error_name);
  if (!reply) return false;
  if (sd_bus_message_has_signature(reply.get(), "aa{sv}") == 0) {
    why = "an answer of the wrong type";
    return false;
  }
  const int r = read_property_list(reply.get(), out);
  if (r < 0) {
    why = std::string("an answer that could not be read (") + std::strerror(-r) + ")";
    return false;
  }
  return true;
}

bool name_has_owner(sd_bus* bus, const Deadline& deadline, std::string& why) {
  return dbus::name_has_owner(bus, kService, deadline, why);
}

std::string daemon_version(sd_bus* bus, const Deadline& deadline, std::string& why) {
  const Message call =
      new_call(bus, kService, "/", "org.freedesktop.DBus.Properties", "Get", why);
  if (!call) return {};
  if (sd_bus_message_append(call.get(), "ss", kInterface, "DaemonVersion") < 0) return {};
  const Message reply = call_within(bus, call.get(), deadline, why);
  if (!reply) return {};
  const char* version = nullptr;
  if (sd_bus_message_read(reply.get(), "v", "s", &version) < 0) {
    why = "an answer of the wrong type";
    return {};
  }
  return bounded(version);
}

bool daemon_installed() {
  for (const char* path : kDaemonPaths) {
    if (access(path, X_OK) == 0) return true;
  }
  return false;
}

const char* const kHowToInstall =
    "fwupd (the firmware update service) is not installed, so firmware updates of headsets, docks and webcams "
    "cannot be looked up";

bool wants_upgrades(const FirmwareDevice& device) {
  return device.is_audio && std::any_of(device.flags.begin(), device.flags.end(), [](const std::string& f) {
           return f == "updatable" || f == "updatable-hidden";
         });
}

// `fwupdmgr refresh` downloads the metadata itself (with the system's proxy
// settings) and hands it to the daemon (UpdateMetadata over D-Bus): the same
// path as fwupd-refresh.service. Its own output is not kept.
std::string refresh_metadata(const Deadline& deadline) {
  if (!program_on_path("fwupdmgr")) return "fwupdmgr is not installed, so the metadata was not refreshed";
  if (run_program({"fwupdmgr", "refresh", "--force", "--no-unreported-check", "--no-metadata-check"},
                  deadline.remaining(), 64u << 10)) {
    return {};
  }
  return "the firmware metadata could not be refreshed in time (no network, or LVFS could not be reached)";
}

}  // namespace

FirmwareService read_fwupd(const FwupdReadOptions& options) {
  const Deadline deadline(options.deadline);
  FirmwareService service;
  service.installed = daemon_installed();
  sd_bus* raw_bus = nullptr;
  const int r = sd_bus_open_system(&raw_bus);
  const Bus bus(raw_bus);
  if (r < 0) {
    service.error = std::string("the system D-Bus could not be reached (") + std::strerror(-r) + ")";
    return service;
  }
  std::string why;
  // Without start_daemon, only a daemon that already runs is asked: a call
  // to a name without an owner would make D-Bus start fwupd.
  if (!options.start_daemon) {
    const bool running = name_has_owner(bus.get(), deadline, why);
    if (!why.empty()) {
      service.error = "the system D-Bus did not answer (" + why + ")";
      return service;
    }
    if (!running) {
      service.error = service.installed ? "fwupd (the firmware update service) is installed but not running"
                                        : kHowToInstall;
      return service;
    }
  }
  if (options.refresh) service.refresh_note = refresh_metadata(deadline);
  service.daemon_version = daemon_version(bus.get(), deadline, why);
  if (service.daemon_version.empty() && !why.empty()) {
    service.error = !service.installed ? std::string(kHowToInstall) : "fwupd did not answer (" + why + ")";
    return service;
  }
  std::vector<FwupdProperties> devices;
  why.clear();
  if (!call_list(bus.get(), "GetDevices", nullptr, deadline, devices, why)) {
    service.error = "fwupd did not list its devices (" + why + ")";
    return service;
  }
  for (const FwupdProperties& properties : devices) service.devices.push_back(fwupd_device(properties));
  for (FirmwareDevice& device : service.devices) {
    if (!wants_upgrades(device) || device.id.empty()) continue;
    std::vector<FwupdProperties> releases;
    std::string error_name;
    why.clear();
    if (!call_list(bus.get(), "GetUpgrades", &device.id, deadline, releases, why, &error_name)) {
      // NothingToDo: up to date (or no release known for it): no upgrades, no error.
      if (error_name != kNothingToDo) device.upgrades_error = why;
      continue;
    }
    for (const FwupdProperties& properties : releases) {
      if (device.upgrades.size() >= kFwupdMaxReleases) break;
      FirmwareRelease release = fwupd_release(properties);
      if (!release.version.empty()) device.upgrades.push_back(std::move(release));
    }
  }
  std::vector<FwupdProperties> remotes;
  why.clear();
  if (call_list(bus.get(), "GetRemotes", nullptr, deadline, remotes, why)) {
    fwupd_metadata_state(remotes, static_cast<std::int64_t>(std::time(nullptr)), service);
  }
  service.read = true;
  return service;
}

namespace {

// fwupdmgr's exit codes (fwupd's src/fu-util-common.h: EXIT_NOTHING_TO_DO 2,
// EXIT_NOT_FOUND 3), in words; "" for the others.
std::string fwupdmgr_exit_words(const std::string& outcome) {
  if (outcome == "exited with status 1") return " (it failed or was refused: its message is above)";
  if (outcome == "exited with status 2") return " (nothing to do: that version is not offered for this device now)";
  if (outcome == "exited with status 3") return " (fwupd does not know this device or version)";
  if (outcome.starts_with("could not be started")) return " (is fwupd's command installed?)";
  return "";
}

}  // namespace

bool install_firmware(const std::string& device_id, const std::string& version, std::string& error) {
  // fwupd's own Install method takes a cabinet file's descriptor: micdoctor
  // would have to download and check the archive itself. `fwupdmgr install`
  // does exactly that (the release's URI from the metadata, its checksum),
  // then asks the daemon, which asks polkit: the person authenticates.
  if (device_id.empty() || version.empty() || device_id.front() == '-' || version.front() == '-') {
    error = "not a device id and version fwupd knows";
    return false;
  }
  if (!program_on_path("fwupdmgr")) {
    error = "fwupdmgr (fwupd's command) is not installed";
    return false;
  }
  // Attached to the person's terminal: polkit's agent asks for the password
  // there, and fwupdmgr shows its progress. No deadline: killing it mid-flash
  // could leave the device unusable, and fwupd bounds the flash itself.
  const std::string outcome =
      run_attached({"fwupdmgr", "install", "--assume-yes", "--no-reboot-check", device_id, version});
  if (!outcome.empty()) {
    error = "fwupdmgr " + outcome + fwupdmgr_exit_words(outcome) +
            "; 'fwupdmgr get-history' says what fwupd did";
    return false;
  }
  return true;
}

}  // namespace micdoctor::linux_system
