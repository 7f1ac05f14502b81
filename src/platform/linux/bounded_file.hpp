#pragma once
// Reads the start of a kernel-made file (/sys, /proc) or a configuration file
// under a machine root. Only regular files (a FIFO or a device would block),
// opened non-blocking, and at most `max_bytes`: procfs reports a size of 0,
// so the size is not trusted, and a file larger than the bound is cut.
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>

namespace micdoctor::linux_system {

std::optional<std::string> read_bounded_file(const std::filesystem::path& path, std::size_t max_bytes);

// A sysfs attribute's (or one-line /proc file's) first line, without trailing
// blanks; "" when missing or unreadable.
std::string read_attribute(const std::filesystem::path& path);

// `root` joined with an absolute machine path: ("/tmp/m", "/etc/os-release") → "/tmp/m/etc/os-release".
std::filesystem::path under_root(const std::filesystem::path& root, const std::string& machine_path);

}  // namespace micdoctor::linux_system
