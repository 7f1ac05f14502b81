#include "cli/snapshot_file.hpp"

#ifdef _WIN32
#include <filesystem>
#include <fstream>
#else
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
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
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) throw SnapshotError(path + ": cannot open (" + std::string(std::strerror(errno)) + ")");
  struct stat info {};
  std::string text;
  std::string problem;
  if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
    problem = "not a regular file";
  } else if (static_cast<std::size_t>(info.st_size) > kMaxSnapshotBytes) {
    problem = "larger than 16 MiB: not a snapshot";
  } else {
    text.resize(static_cast<std::size_t>(info.st_size));
    std::size_t got = 0;
    while (got < text.size()) {
      const ssize_t n = ::read(fd, text.data() + got, text.size() - got);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      got += static_cast<std::size_t>(n);
    }
    text.resize(got);
  }
  ::close(fd);
  if (!problem.empty()) throw SnapshotError(path + ": " + problem);
  try {
    return snapshot_from_text(text);
  } catch (const SnapshotError& e) {
    throw SnapshotError(path + ": " + e.what());
  }
}

#endif

}  // namespace micdoctor::cli
