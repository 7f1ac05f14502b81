#pragma once
// Module options for the sound modules, as configuration sets them:
// modprobe.d(5) files ("options snd-hda-intel model=dell-headset-multi index=0",
// '#' comments, a '\' at the end of a line continuing it) and the kernel
// command line ("snd_intel_dspcfg.dsp_driver=1", /proc/cmdline).
//
// Module and parameter names are normalised to underscores, as the kernel
// and kmod treat '-' and '_' alike ("snd-hda-intel" is "snd_hda_intel").
// Only sound modules are kept: snd*, soundwire* (snd_intel_dspcfg among them).
#include <string>
#include <string_view>
#include <vector>

#include "model/below_server.hpp"

namespace micdoctor::kernel_text {

// At most this many options from one file or command line.
inline constexpr std::size_t kMaxModuleOptions = 256;

// `file` is where the text came from; it is copied into each option.
std::vector<ModuleOption> parse_modprobe_conf(std::string_view text, const std::string& file);

// The options' file is "/proc/cmdline".
std::vector<ModuleOption> parse_kernel_cmdline(std::string_view cmdline);

// "snd-hda-intel" → "snd_hda_intel".
std::string with_underscores(std::string_view name);

// snd*, soundwire*: the modules whose options shape sound.
bool is_sound_module(std::string_view module);

}  // namespace micdoctor::kernel_text
