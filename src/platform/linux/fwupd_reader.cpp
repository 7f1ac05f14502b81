#include "platform/linux/fwupd_reader.hpp"

namespace micdoctor::linux_system {

// Placeholders until the reader lands (issue 15, helper "fwupd").
FirmwareService read_fwupd(const FwupdReadOptions&) {
  FirmwareService service;
  service.error = "not read yet";
  return service;
}

bool install_firmware(const std::string&, const std::string&, std::string& error) {
  error = "not available yet";
  return false;
}

}  // namespace micdoctor::linux_system
