#pragma once
// The kernel's messages about sound, and the firmware files it asked for.
// Read without root: journald's kernel messages of this boot when the user
// may read the system journal, else the kernel ring buffer (klogctl, then
// /dev/kmsg) when kernel.dmesg_restrict allows it. When neither can be read,
// KernelLog::unreadable says why in plain words.
#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "model/below_server.hpp"

namespace micdoctor::linux_system {

// At most this many sound lines are kept: the first kKernelLogBootLines of
// the boot and the newest of the rest, each distinct message once.
inline constexpr std::size_t kMaxKernelLogLines = 400;
inline constexpr std::size_t kKernelLogBootLines = 150;

// root "/": the live system. Any other root is a fixture machine: its
// root/kernel.log (dmesg or journalctl -k output) is read, source "file";
// without one, the journal files in root/var/log/journal (the kernel's
// messages of the newest boot in them, source "journald").
KernelLog read_kernel_log(const std::filesystem::path& root, std::chrono::milliseconds timeout);

// Whether a kernel message is about sound: the lines read_kernel_log keeps.
bool is_sound_kernel_line(const std::string& line);

// The firmware files the kernel asked for and failed to load (the firmware
// loader's "Direct firmware load for X failed with error -2", SOF's "request
// firmware X failed err: -2" and "tplg request firmware X failed err: -2"),
// each once, in the order first seen, with whether it is under
// root/lib/firmware now (updates/ and the .xz/.zst forms the loader also reads).
std::vector<FirmwareFile> firmware_requests(const KernelLog& log, const std::filesystem::path& root);

}  // namespace micdoctor::linux_system
