#pragma once
// Installed package versions from the distribution's package database (dpkg,
// rpm, pacman) under a machine root: only the names asked for. Read only,
// bounded in time and size; a missing or malformed database is a reason in
// words, never a crash.
#include <filesystem>
#include <string>
#include <vector>

#include "model/drivers.hpp"

namespace micdoctor::linux_system {

PackageDatabase read_package_database(const std::filesystem::path& root, const std::vector<std::string>& names);

}  // namespace micdoctor::linux_system
