#include "platform/linux/bounded_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "platform/linux/file_descriptor.hpp"

namespace micdoctor::linux_system {

std::optional<std::string> read_bounded_file(const std::filesystem::path& path, std::size_t max_bytes) {
  const FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY));
  if (fd.get() < 0) return std::nullopt;
  struct stat info {};
  if (::fstat(fd.get(), &info) != 0 || !S_ISREG(info.st_mode)) return std::nullopt;
  std::string text(max_bytes, '\0');
  std::size_t got = 0;
  while (got < text.size()) {
    const ssize_t n = ::read(fd.get(), text.data() + got, text.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && got == 0) return std::nullopt;  // e.g. EACCES-like errors from sysfs attributes
    if (n <= 0) break;
    got += static_cast<std::size_t>(n);
  }
  text.resize(got);
  return text;
}

std::string read_attribute(const std::filesystem::path& path) {
  std::string line = read_bounded_file(path, 4096).value_or("");
  const auto end = line.find_first_of("\r\n");
  if (end != std::string::npos) line.resize(end);
  while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) line.pop_back();
  return line;
}

std::filesystem::path under_root(const std::filesystem::path& root, const std::string& machine_path) {
  return root / std::filesystem::path(machine_path).relative_path();
}

}  // namespace micdoctor::linux_system
