// The distribution (os-release(5)): install commands in findings are written for it.
#include "kernel_text/os_release.hpp"
#include "platform/linux/bounded_file.hpp"
#include "platform/linux/kernel_readers.hpp"

namespace micdoctor::linux_system {

Distribution read_distribution(const std::filesystem::path& root) {
  constexpr std::size_t kMaxOsRelease = std::size_t{16} * 1024;
  for (const char* path : {"/etc/os-release", "/usr/lib/os-release"}) {
    if (const auto text = read_bounded_file(under_root(root, path), kMaxOsRelease)) {
      return kernel_text::parse_os_release(*text);
    }
  }
  return {};
}

}  // namespace micdoctor::linux_system
