#pragma once
// The Linux platform layer's one entry point for reading: every layer of
// the stack into one snapshot. Read only; it never changes anything.
#include <chrono>

#include "model/snapshot.hpp"

namespace micdoctor::linux_system {

struct ReadOptions {
  std::chrono::milliseconds server_timeout{2000};
};

SystemSnapshot read_linux_snapshot(const ReadOptions& options);

}  // namespace micdoctor::linux_system
