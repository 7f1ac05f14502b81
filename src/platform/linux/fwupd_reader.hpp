#pragma once
// Firmware through fwupd (D-Bus org.freedesktop.fwupd on the system bus):
// devices, their releases and upgrades, the metadata's age; installing one
// release when the person asked for it by id. Bounded by a deadline; no
// daemon is a reason in words.
#include <chrono>
#include <string>

#include "model/drivers.hpp"

namespace micdoctor::linux_system {

struct FwupdReadOptions {
  // check: only ask a daemon that already runs (starting fwupd takes seconds);
  // `micdoctor drivers`: let D-Bus start it.
  bool start_daemon = false;
  // `micdoctor drivers --refresh`: refresh the metadata first.
  bool refresh = false;
  std::chrono::milliseconds deadline{500};
};

FirmwareService read_fwupd(const FwupdReadOptions& options);

// Installs `version` on the device fwupd knows as `device_id`; false with the
// reason in `error`. Only ever called for fix --only firmware.update.
bool install_firmware(const std::string& device_id, const std::string& version, std::string& error);

}  // namespace micdoctor::linux_system
