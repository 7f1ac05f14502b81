#pragma once
// The readers of the layer below the sound server, each reading one part of
// a machine under `root` ("/" on a real system; a fixture machine's directory
// in tests). read_kernel_state (sysfs_reader.hpp) calls the ones that fill
// KernelState; each tolerates missing, unreadable and malformed files and
// reads a bounded amount.
#include <filesystem>
#include <vector>

#include "model/snapshot.hpp"

namespace micdoctor::linux_system {

// /proc/asound/cards → each card's alsa_driver and long_name; /proc/asound/cardN/codec#M → state.codecs.
void read_asound(const std::filesystem::path& root, KernelState& state);

// The parameters of the loaded sound modules (/sys/module/M/parameters/P).
std::vector<ModuleParameter> read_module_parameters(const std::filesystem::path& root);

// Sound module options from modprobe.d (/etc, /run, /usr/local/lib, /lib, /usr/lib; a file in an
// earlier directory hides one of the same name in a later one, as kmod does) and /proc/cmdline.
std::vector<ModuleOption> read_module_options(const std::filesystem::path& root);

// /sys/class/leds/*micmute*.
std::vector<MuteLed> read_mute_leds(const std::filesystem::path& root);

// alsa-ucm-conf under /usr/share/alsa/ucm2: state.ucm_installed and each card's
// ucm_config_found / ucm_config (the cards' alsa_driver and long_name must be read first).
void read_ucm(const std::filesystem::path& root, KernelState& state);

// /etc/os-release, else /usr/lib/os-release.
Distribution read_distribution(const std::filesystem::path& root = "/");

}  // namespace micdoctor::linux_system
