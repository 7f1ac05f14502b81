#include "platform/linux/small_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

namespace micdoctor::linux_system {

SmallFile read_small_file(const std::string& path, std::size_t max_bytes, bool no_follow) {
  SmallFile file;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | (no_follow ? O_NOFOLLOW : 0));
  if (fd < 0) {
    file.problem = SmallFile::Problem::cannot_open;
    file.error = errno;
    return file;
  }
  struct stat info {};
  if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
    file.problem = SmallFile::Problem::not_regular;
  } else if (static_cast<std::size_t>(info.st_size) > max_bytes) {
    file.problem = SmallFile::Problem::too_large;
  } else {
    file.text.resize(static_cast<std::size_t>(info.st_size));
    std::size_t got = 0;
    while (got < file.text.size()) {
      const ssize_t n = ::read(fd, file.text.data() + got, file.text.size() - got);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      got += static_cast<std::size_t>(n);
    }
    file.text.resize(got);
  }
  ::close(fd);
  return file;
}

}  // namespace micdoctor::linux_system
