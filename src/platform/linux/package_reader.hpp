#pragma once
// Installed package versions from the distribution's package database (dpkg,
// rpm, pacman) under a machine root: only the names asked for. Read only,
// bounded in time and size; a missing or malformed database is a reason in
// words, never a crash.
//
// - dpkg: <root>/var/lib/dpkg/status, read streaming (it is several MB);
//   a package counts when its Status is "install ok installed" (or "hold ok
//   installed": held at its version, still installed).
// - pacman: <root>/var/lib/pacman/local/<name>-<version>-<rel>/desc.
// - rpm: Fedora 33+ keeps an sqlite database that only the rpm library reads
//   reliably: the `rpm` program is asked (through run_program, with a
//   deadline), and only when the root is "/".
#include <chrono>
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "model/drivers.hpp"

namespace micdoctor::linux_system {

PackageDatabase read_package_database(const std::filesystem::path& root, const std::vector<std::string>& names);

// The bounds every reader keeps (tests shrink them).
struct PackageReadLimits {
  std::size_t max_bytes = std::size_t{64} << 20;  // a real dpkg status file is 2-10 MB
  std::chrono::milliseconds time{3000};
  std::size_t max_entries = 20000;                 // pacman's package directories
};

// The readers one by one (read_package_database picks the one the root has).
PackageDatabase read_dpkg_status(const std::filesystem::path& status, const std::vector<std::string>& names,
                                 const PackageReadLimits& limits = {});
PackageDatabase read_pacman_local(const std::filesystem::path& local, const std::vector<std::string>& names,
                                  const PackageReadLimits& limits = {});
// `rpm -qa --qf '%{NAME} %|EPOCH?{%{EPOCH}:}:{}|%{VERSION}-%{RELEASE}\n'` output, kept to the names.
std::vector<InstalledPackage> parse_rpm_query(const std::string& output, const std::vector<std::string>& names);

}  // namespace micdoctor::linux_system
