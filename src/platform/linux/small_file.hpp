#pragma once
// Reads a small file that other programs or people may have put there: only a
// regular file (a FIFO or device would block or never end), only up to a
// bound, never following it into a read that could hang.
#include <cstddef>
#include <string>

namespace micdoctor::linux_system {

struct SmallFile {
  enum class Problem { none, cannot_open, not_regular, too_large };
  Problem problem = Problem::none;
  int error = 0;     // errno, for cannot_open
  std::string text;  // the contents, when there is no problem
};

// `no_follow`: a symbolic link is refused (cannot_open, ELOOP), as for files we own.
SmallFile read_small_file(const std::string& path, std::size_t max_bytes, bool no_follow = false);

}  // namespace micdoctor::linux_system
