#include "platform/linux/config_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "fixes/below_server_plan.hpp"

namespace micdoctor::linux_system {
namespace {

struct Fd {
  int fd = -1;
  explicit Fd(int f) : fd(f) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

std::string reason(int code) { return std::strerror(code); }

std::string parent_of(const std::string& path) {
  const std::size_t slash = path.rfind('/');
  return slash == std::string::npos || slash == 0 ? std::string(slash == 0 ? "/" : ".") : path.substr(0, slash);
}

// Makes every missing directory above `path`, 0700 (what is new is private).
bool make_parents(const std::string& path, std::string& error) {
  const std::string parent = parent_of(path);
  struct stat st {};
  if (::stat(parent.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return true;
    error = parent + " is not a directory";
    return false;
  }
  if (parent == path || !make_parents(parent, error)) return false;
  if (::mkdir(parent.c_str(), 0700) != 0 && errno != EEXIST) {
    error = "could not make the directory " + parent + ": " + reason(errno);
    return false;
  }
  return true;
}

bool write_atomically(const std::string& path, const std::string& content, std::string& error) {
  if (!make_parents(path, error)) return false;
  std::vector<char> temp(path.begin(), path.end());
  const std::string suffix = ".micdoctor-XXXXXX";
  temp.insert(temp.end(), suffix.begin(), suffix.end());
  temp.push_back('\0');
  const Fd fd(::mkostemp(temp.data(), O_CLOEXEC));
  if (fd.fd < 0) {
    error = "could not write in " + parent_of(path) + ": " + reason(errno);
    return false;
  }
  const std::string temp_path(temp.data());
  std::size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = ::write(fd.fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      error = "could not write " + temp_path + ": " + reason(errno);
      ::unlink(temp_path.c_str());
      return false;
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fchmod(fd.fd, 0644) != 0 || ::fsync(fd.fd) != 0 || ::rename(temp_path.c_str(), path.c_str()) != 0) {
    error = "could not write " + path + ": " + reason(errno);
    ::unlink(temp_path.c_str());
    return false;
  }
  const Fd dir(::open(parent_of(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir.fd >= 0) ::fsync(dir.fd);
  return true;
}

}  // namespace

CurrentValue read_config_file(const std::string& path) {
  CurrentValue now;
  const Fd fd(::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK));
  if (fd.fd < 0) {
    if (errno == ENOENT || errno == ENOTDIR) {
      now.value = SettingValue{};
      return now;
    }
    now.error = errno == ELOOP ? path + " is a symbolic link; micdoctor does not follow it"
                               : "could not read " + path + ": " + reason(errno);
    return now;
  }
  struct stat st {};
  if (::fstat(fd.fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    now.error = path + " is not a regular file";
    return now;
  }
  std::string content;
  char buffer[4096];
  for (;;) {
    const ssize_t n = ::read(fd.fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      now.error = "could not read " + path + ": " + reason(errno);
      return now;
    }
    if (n == 0) break;
    content.append(buffer, static_cast<std::size_t>(n));
    if (content.size() > kMaxConfigFileBytes) {
      now.error = path + " is larger than 64 KiB: not a drop-in micdoctor wrote";
      return now;
    }
  }
  now.value = SettingValue{};
  now.value->flag = true;  // it exists, even empty
  now.value->name = std::move(content);
  return now;
}

bool write_config_file(const std::string& path, const SettingValue& expected, const SettingValue& wanted,
                       std::string& error) {
  if (!is_micdoctor_drop_in_path(path)) {
    error = "\"" + path + "\" is not a drop-in file of micdoctor's; micdoctor writes and removes no other file";
    return false;
  }
  const CurrentValue now = read_config_file(path);
  if (!now.value) {
    error = now.error;
    return false;
  }
  if (now.value->name != expected.name || now.value->flag != expected.flag) {
    error = path + " changed since micdoctor read it; left as it is";
    return false;
  }
  if (wanted.flag) return write_atomically(path, wanted.name, error);
  if (!expected.flag) return true;  // no file, and none wanted
  if (::unlink(path.c_str()) != 0) {
    error = "could not remove " + path + ": " + reason(errno);
    return false;
  }
  return true;
}

}  // namespace micdoctor::linux_system
