#pragma once
// Whether this user can open the kernel's sound devices (/dev/snd/*).
#include <filesystem>

#include "model/snapshot.hpp"

namespace micdoctor::linux_system {

DeviceNodes read_device_nodes(const std::filesystem::path& dev_snd = "/dev/snd");

}  // namespace micdoctor::linux_system
