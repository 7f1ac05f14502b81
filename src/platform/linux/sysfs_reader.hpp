#pragma once
// The kernel's side of a snapshot, from sysfs (no root needed): sound cards
// with their driver and module, audio functions with no driver bound, and
// audio controllers whose driver made no card.
#include <filesystem>

#include "model/snapshot.hpp"

namespace micdoctor::linux_system {

// sysfs_root is "/sys" on a real system; tests pass a directory laid out the same way.
KernelState read_kernel_state(const std::filesystem::path& sysfs_root = "/sys");

}  // namespace micdoctor::linux_system
