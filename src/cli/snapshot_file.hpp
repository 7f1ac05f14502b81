#pragma once
#include <string>

#include "model/snapshot.hpp"

namespace micdoctor::cli {

// Reads a saved snapshot or check report (--snapshot FILE): a regular file,
// bounded in size, valid JSON of our schema. Throws SnapshotError naming the
// file and what is wrong with it.
SystemSnapshot load_snapshot_file(const std::string& path);

}  // namespace micdoctor::cli
