#pragma once
// The fwupd command line a person pastes to update one device's firmware,
// shared by firmware.update_available's steps and `micdoctor drivers`.
#include <string>

namespace micdoctor::checks {

// "fwupdmgr update <id>", the id shell-quoted: it comes from fwupd's reply
// (a device's plugin chooses it) and goes into a pasted command.
std::string fwupdmgr_update_command(const std::string& device_id);

}  // namespace micdoctor::checks
