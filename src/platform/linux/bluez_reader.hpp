#pragma once
// Bluetooth as BlueZ sees it, over the system D-Bus (sd-bus; the bus address
// comes from DBUS_SYSTEM_BUS_ADDRESS when set): the adapters, the devices
// with their service UUIDs and connection, and whether an HFP backend
// (oFono) is on the bus. Bounded by a timeout; no bus or no BlueZ gives
// read = false with the reason in words.
#include <chrono>
#include <filesystem>
#include <string>

#include "model/below_server.hpp"

namespace micdoctor::linux_system {

// root "/": the live system bus. Any other root is a fixture machine:
// root/dbus/bluez.json holds BlueZ's reply to
//   busctl --json=short call org.bluez / org.freedesktop.DBus.ObjectManager GetManagedObjects
// ({"type":"a{oa{sa{sv}}}","data":[{ object path: { interface: { property: {"type":..,"data":..} } } }]};
// the bare object-path map is accepted too), and root/dbus/names.json, when
// there, the bus's names (busctl --json=short call org.freedesktop.DBus / org.freedesktop.DBus ListNames):
// "org.ofono" among them means oFono runs.
BluetoothState read_bluetooth(const std::filesystem::path& root, std::chrono::milliseconds timeout);

// The same from the text of those two replies (names_json may be empty).
BluetoothState bluetooth_from_json(const std::string& managed_objects_json, const std::string& names_json);

}  // namespace micdoctor::linux_system
