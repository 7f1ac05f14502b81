#pragma once
// The JSON form of drivers, firmware and services (model/drivers.hpp) in the
// snapshot. Internal to src/model; snapshot_json.cpp calls these.
#include <nlohmann/json.hpp>

#include "model/json_fields.hpp"
#include "model/snapshot.hpp"

namespace micdoctor::json_detail {

// Linux: "firmware" (fwupd) and "packages"; Windows: "services" and "driver_updates".
void add_snapshot_drivers(const SystemSnapshot& snapshot, nlohmann::ordered_json& out);
void read_snapshot_drivers(const Fields& root, SystemSnapshot& snapshot);

// An endpoint driver's hardware ids, install date and driver store packages.
void add_endpoint_driver_extras(const EndpointDriver& driver, nlohmann::ordered_json& out);
void read_endpoint_driver_extras(const Fields& fields, EndpointDriver& driver);

// The JSON forms `micdoctor drivers` reuses for its own document.
nlohmann::ordered_json firmware_device_json(const FirmwareDevice& device);
nlohmann::ordered_json driver_update_json(const DriverUpdate& update);
nlohmann::ordered_json service_json(const ServiceState& service);
nlohmann::ordered_json stored_package_json(const StoredDriverPackage& package);

}  // namespace micdoctor::json_detail
