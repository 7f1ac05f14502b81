#include "cli/snapshot_file.hpp"

#ifdef _WIN32
#include <filesystem>
#include <fstream>
#else
#include <cstring>

#include "platform/linux/small_file.hpp"
#endif

#include "model/snapshot_json.hpp"

namespace micdoctor::cli {

// Reads a snapshot file: a regular file, bounded in size, valid JSON of our schema.
#ifdef _WIN32
SystemSnapshot load_snapshot_file(const std::string& path) {
  std::error_code error;
  const std::filesystem::path file = std::filesystem::u8path(path);
  if (!std::filesystem::is_regular_file(file, error)) {
    throw SnapshotError(path + (std::filesystem::exists(file, error) ? ": not a regular file" : ": cannot open (no such file)"));
  }
  const auto size = std::filesystem::file_size(file, error);
  if (error) throw SnapshotError(path + ": cannot open (" + error.message() + ")");
  if (size > kMaxSnapshotBytes) throw SnapshotError(path + ": larger than 16 MiB: not a snapshot");
  std::ifstream in(file, std::ios::binary);
  if (!in) throw SnapshotError(path + ": cannot open");
  std::string text(static_cast<std::size_t>(size), '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  try {
    return snapshot_from_text(text);
  } catch (const SnapshotError& e) {
    throw SnapshotError(path + ": " + e.what());
  }
}
#else
SystemSnapshot load_snapshot_file(const std::string& path) {
  using Problem = linux_system::SmallFile::Problem;
  const linux_system::SmallFile file = linux_system::read_small_file(path, kMaxSnapshotBytes);
  switch (file.problem) {
    case Problem::cannot_open: throw SnapshotError(path + ": cannot open (" + std::strerror(file.error) + ")");
    case Problem::not_regular: throw SnapshotError(path + ": not a regular file");
    case Problem::too_large: throw SnapshotError(path + ": larger than 16 MiB: not a snapshot");
    case Problem::none: break;
  }
  try {
    return snapshot_from_text(file.text);
  } catch (const SnapshotError& e) {
    throw SnapshotError(path + ": " + e.what());
  }
}
#endif

}  // namespace micdoctor::cli
