#pragma once
#include <string>

#include "model/snapshot.hpp"

namespace micdoctor::cli {

// Reads an alsa-info.sh dump (check --alsa-info FILE): a regular file, or
// standard input for "-", at most 16 MiB, into a snapshot. Throws
// AlsaInfoError naming the file and what is wrong with it.
SystemSnapshot load_alsa_info_file(const std::string& path);

}  // namespace micdoctor::cli
