#pragma once
// The Linux platform layer's one entry point for reading: every layer of
// the stack into one snapshot. Read only; it never changes anything.
#include <chrono>
#include <filesystem>

#include "model/snapshot.hpp"

namespace micdoctor::linux_system {

// MICDOCTOR_TEST_MACHINE_ROOT (an absolute path) when set, else "/": the
// test hook that reads a fixture machine instead of this one (docs/testing.md).
std::filesystem::path machine_root();

struct ReadOptions {
  std::chrono::milliseconds server_timeout{2000};
  // The machine whose files are read: "/" here; tests point it at a fixture
  // machine (a directory tree shaped like the real one) with machine_root().
  std::filesystem::path root = machine_root();
  // Each reader below the server (kernel log, BlueZ) gives up after this.
  std::chrono::milliseconds reader_timeout{500};
  // fwupd (platform_drivers): check asks only a daemon that already runs;
  // `micdoctor drivers` lets D-Bus start it and may refresh its metadata.
  bool start_fwupd = false;
  bool refresh_fwupd = false;
  std::chrono::milliseconds fwupd_timeout{500};
};

SystemSnapshot read_linux_snapshot(const ReadOptions& options);

}  // namespace micdoctor::linux_system
