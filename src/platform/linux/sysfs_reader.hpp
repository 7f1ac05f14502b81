#pragma once
// The kernel's side of a snapshot, from sysfs and /proc (no root needed):
// sound cards with their driver and module, audio functions with no driver
// bound, audio controllers whose driver made no card, and the layer below
// the sound server (kernel_readers.hpp).
#include <filesystem>

#include "model/snapshot.hpp"

namespace micdoctor::linux_system {

// `root` is the machine's root: "/" on a real system; tests pass a fixture
// machine laid out the same way (root/sys, root/proc, root/etc, root/usr/share/alsa).
// Reads sysfs (cards, controllers, unbound and cardless devices, USB power,
// mute LEDs, NHLT, the DMI chassis type), /proc (the kernel release, /proc/asound cards and codec
// pages, the command line), modprobe.d and alsa-ucm-conf's ucm2 folder.
// Not the kernel log, firmware, the mixer: other readers fill those.
KernelState read_kernel_state(const std::filesystem::path& root = "/");

}  // namespace micdoctor::linux_system
