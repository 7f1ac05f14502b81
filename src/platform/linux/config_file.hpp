#pragma once
// A small configuration file of the person's own (a WirePlumber drop-in),
// read and written for the fixes: never through a symbolic link, written
// atomically, and only over the content that was read.
#include <string>

#include "fixes/change.hpp"

namespace micdoctor::linux_system {

// The largest file read (a drop-in is a few lines).
inline constexpr std::size_t kMaxConfigFileBytes = 64u << 10;

// value.name = the file's whole content; "" when it does not exist. Not read
// (value null, the reason in error) when it is a symbolic link, not a regular
// file, larger than kMaxConfigFileBytes, or unreadable.
CurrentValue read_config_file(const std::string& path);

// Makes the file hold wanted.name (wanted.flag false: removes it), if it
// still is `expected` (what read_config_file gave: flag = it exists, name = its
// content; so an empty file is restored as an empty file). New parent
// directories are made 0700; the content goes to a temporary file in the same
// directory, is synced, then renamed over the file (0644). False with the
// reason otherwise: a symbolic link, a file changed since it was read, an
// error of the file system.
bool write_config_file(const std::string& path, const SettingValue& expected, const SettingValue& wanted,
                       std::string& error);

}  // namespace micdoctor::linux_system
