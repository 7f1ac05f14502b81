#include "platform/linux/bluez_reader.hpp"

#include <systemd/sd-bus.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <memory>
#include <nlohmann/json.hpp>

#include "platform/linux/dbus_call.hpp"
#include "platform/linux/small_file.hpp"

namespace micdoctor::linux_system {
namespace {

namespace fs = std::filesystem;

constexpr const char* kAdapterInterface = "org.bluez.Adapter1";
constexpr const char* kDeviceInterface = "org.bluez.Device1";
constexpr std::size_t kMaxObjects = 4096;
constexpr std::size_t kMaxReplyFileBytes = 4u << 20;

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// -- the live bus (sd-bus, bounded: dbus_call.hpp) ----------------------------

using dbus::Bus;
using dbus::call_within;
using dbus::Deadline;
using dbus::Message;
using dbus::name_has_owner;

// Reads one a{sv} property value of a known type, else skips it.
int read_string_property(sd_bus_message* m, std::string& out) {
  const char* value = nullptr;
  int r = sd_bus_message_enter_container(m, 'v', "s");
  if (r < 0) return r;
  r = sd_bus_message_read(m, "s", &value);
  if (r >= 0 && value != nullptr) out = value;
  return r < 0 ? r : sd_bus_message_exit_container(m);
}
int read_bool_property(sd_bus_message* m, bool& out) {
  int value = 0;
  int r = sd_bus_message_enter_container(m, 'v', "b");
  if (r < 0) return r;
  r = sd_bus_message_read(m, "b", &value);
  out = value != 0;
  return r < 0 ? r : sd_bus_message_exit_container(m);
}
int read_strings_property(sd_bus_message* m, std::vector<std::string>& out) {
  int r = sd_bus_message_enter_container(m, 'v', "as");
  if (r < 0) return r;
  char** values = nullptr;
  r = sd_bus_message_read_strv(m, &values);
  if (r >= 0 && values != nullptr) {
    for (char** v = values; *v != nullptr; ++v) {
      out.push_back(lower(*v));
      free(*v);  // NOLINT(cppcoreguidelines-no-malloc): sd-bus allocates the strv with malloc
    }
  }
  free(values);  // NOLINT(cppcoreguidelines-no-malloc)
  return r < 0 ? r : sd_bus_message_exit_container(m);
}

// The properties of one interface: a{sv}. Device1's are kept.
int read_properties(sd_bus_message* m, bool device, BluetoothDevice& out) {
  int r = sd_bus_message_enter_container(m, 'a', "{sv}");
  if (r < 0) return r;
  std::string alias;
  std::string name;
  while ((r = sd_bus_message_enter_container(m, 'e', "sv")) > 0) {
    const char* key_text = nullptr;
    r = sd_bus_message_read(m, "s", &key_text);
    if (r < 0) return r;
    const std::string key = key_text != nullptr ? key_text : "";
    char type = 0;
    const char* contents = nullptr;
    r = sd_bus_message_peek_type(m, &type, &contents);
    if (r < 0) return r;
    const std::string signature = contents != nullptr ? contents : "";
    if (device && key == "Address" && signature == "s") r = read_string_property(m, out.address);
    else if (device && key == "Alias" && signature == "s") r = read_string_property(m, alias);
    else if (device && key == "Name" && signature == "s") r = read_string_property(m, name);
    else if (device && key == "Connected" && signature == "b") r = read_bool_property(m, out.connected);
    else if (device && key == "Paired" && signature == "b") r = read_bool_property(m, out.paired);
    else if (device && key == "UUIDs" && signature == "as") r = read_strings_property(m, out.uuids);
    else r = sd_bus_message_skip(m, "v");
    if (r < 0) return r;
    r = sd_bus_message_exit_container(m);
    if (r < 0) return r;
  }
  if (r < 0) return r;
  out.name = !alias.empty() ? alias : name;
  return sd_bus_message_exit_container(m);
}

// GetManagedObjects' reply: a{oa{sa{sv}}}.
int read_managed_objects(sd_bus_message* m, BluetoothState& state) {
  int r = sd_bus_message_enter_container(m, 'a', "{oa{sa{sv}}}");
  if (r < 0) return r;
  std::size_t objects = 0;
  while (objects++ < kMaxObjects && (r = sd_bus_message_enter_container(m, 'e', "oa{sa{sv}}")) > 0) {
    const char* path = nullptr;
    if ((r = sd_bus_message_read(m, "o", &path)) < 0) return r;
    if ((r = sd_bus_message_enter_container(m, 'a', "{sa{sv}}")) < 0) return r;
    BluetoothDevice device;
    bool is_device = false;
    while ((r = sd_bus_message_enter_container(m, 'e', "sa{sv}")) > 0) {
      const char* interface = nullptr;
      if ((r = sd_bus_message_read(m, "s", &interface)) < 0) return r;
      const std::string name = interface != nullptr ? interface : "";
      if (name == kAdapterInterface) state.adapter_present = true;
      if (name == kDeviceInterface) is_device = true;
      if ((r = read_properties(m, name == kDeviceInterface, device)) < 0) return r;
      if ((r = sd_bus_message_exit_container(m)) < 0) return r;
    }
    if (r < 0) return r;
    if (is_device) state.devices.push_back(std::move(device));
    if ((r = sd_bus_message_exit_container(m)) < 0) return r;  // a{sa{sv}}
    if ((r = sd_bus_message_exit_container(m)) < 0) return r;  // the entry
  }
  return r;
}

BluetoothState read_live_bluetooth(std::chrono::milliseconds timeout) {
  const Deadline deadline(timeout);
  BluetoothState state;
  sd_bus* raw_bus = nullptr;
  int r = sd_bus_open_system(&raw_bus);
  const Bus bus(raw_bus);
  if (r < 0) {
    state.error = std::string("the system D-Bus could not be reached (") + std::strerror(-r) + ")";
    return state;
  }
  std::string why;
  const bool bluez = name_has_owner(bus.get(), "org.bluez", deadline, why);
  if (!why.empty()) {
    state.error = "the system D-Bus did not answer (" + why + ")";
    return state;
  }
  state.ofono_running = name_has_owner(bus.get(), "org.ofono", deadline, why);
  if (!bluez) {
    state.error = "BlueZ (the Bluetooth service, org.bluez) is not running on the system bus";
    return state;
  }
  sd_bus_message* raw_call = nullptr;
  r = sd_bus_message_new_method_call(bus.get(), &raw_call, "org.bluez", "/", "org.freedesktop.DBus.ObjectManager",
                                     "GetManagedObjects");
  const Message call(raw_call);
  if (r < 0) {
    state.error = std::string("BlueZ could not be asked for its devices (") + std::strerror(-r) + ")";
    return state;
  }
  const Message reply = call_within(bus.get(), call.get(), deadline, why);
  if (!reply) {
    state.error = "BlueZ did not list its devices (" + why + ")";
    return state;
  }
  r = read_managed_objects(reply.get(), state);
  if (r < 0) {
    state.error = std::string("BlueZ's list of devices could not be read (") + std::strerror(-r) + ")";
    return state;
  }
  state.read = true;
  return state;
}

// -- recorded replies (busctl --json=short) -----------------------------------

// busctl writes a variant as {"type":"s","data":...}; a bare value is taken as is.
const nlohmann::json& variant_data(const nlohmann::json& value) {
  if (value.is_object() && value.contains("type") && value.contains("data")) return value["data"];
  return value;
}

BluetoothDevice device_from_json(const nlohmann::json& properties) {
  BluetoothDevice device;
  std::string alias;
  std::string name;
  for (const auto& [key, raw] : properties.items()) {
    const nlohmann::json& value = variant_data(raw);
    if (key == "Address" && value.is_string()) device.address = value.get<std::string>();
    else if (key == "Alias" && value.is_string()) alias = value.get<std::string>();
    else if (key == "Name" && value.is_string()) name = value.get<std::string>();
    else if (key == "Connected" && value.is_boolean()) device.connected = value.get<bool>();
    else if (key == "Paired" && value.is_boolean()) device.paired = value.get<bool>();
    else if (key == "UUIDs" && value.is_array()) {
      for (const auto& uuid : value) {
        if (uuid.is_string()) device.uuids.push_back(lower(uuid.get<std::string>()));
      }
    }
  }
  device.name = !alias.empty() ? alias : name;
  return device;
}

}  // namespace

BluetoothState bluetooth_from_json(const std::string& managed_objects_json, const std::string& names_json) {
  BluetoothState state;
  const nlohmann::json reply = nlohmann::json::parse(managed_objects_json, nullptr, false);
  const nlohmann::json* objects = &reply;
  if (reply.is_object() && reply.contains("data") && reply["data"].is_array() && !reply["data"].empty()) {
    objects = &reply["data"][0];
  }
  if (!objects->is_object()) {
    state.error = "the recorded BlueZ reply is not a map of objects";
    return state;
  }
  for (const auto& [path, interfaces] : objects->items()) {
    if (!interfaces.is_object()) continue;
    if (interfaces.contains(kAdapterInterface)) state.adapter_present = true;
    if (interfaces.contains(kDeviceInterface) && interfaces[kDeviceInterface].is_object()) {
      state.devices.push_back(device_from_json(interfaces[kDeviceInterface]));
    }
  }
  if (!names_json.empty()) {
    const nlohmann::json names_reply = nlohmann::json::parse(names_json, nullptr, false);
    const nlohmann::json& names = names_reply.is_object() && names_reply.contains("data") && names_reply["data"].is_array() &&
                                          !names_reply["data"].empty()
                                      ? names_reply["data"][0]
                                      : names_reply;
    if (names.is_array()) {
      state.ofono_running = std::any_of(names.begin(), names.end(), [](const nlohmann::json& n) {
        return n.is_string() && n.get<std::string>() == "org.ofono";
      });
    }
  }
  state.read = true;
  return state;
}

BluetoothState read_bluetooth(const fs::path& root, std::chrono::milliseconds timeout) {
  if (root == "/") return read_live_bluetooth(timeout);
  const SmallFile objects = read_small_file((root / "dbus/bluez.json").string(), kMaxReplyFileBytes);
  if (objects.problem != SmallFile::Problem::none) {
    BluetoothState state;
    state.error = "no BlueZ reply recorded in this machine (dbus/bluez.json)";
    return state;
  }
  const SmallFile names = read_small_file((root / "dbus/names.json").string(), kMaxReplyFileBytes);
  return bluetooth_from_json(objects.text, names.problem == SmallFile::Problem::none ? names.text : std::string());
}

}  // namespace micdoctor::linux_system
