#include "cli/output_file.hpp"

#include <cerrno>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <system_error>

#ifdef _WIN32
#include <fcntl.h>
#include <io.h>
#include <windows.h>

#include <cstdint>
#else
#include <fcntl.h>
#include <unistd.h>
#endif

namespace micdoctor::cli {

std::optional<ReportFormat> parse_report_format(const std::string& name) {
  if (name == "text") return ReportFormat::text;
  if (name == "json") return ReportFormat::json;
  if (name == "html") return ReportFormat::html;
  if (name == "markdown") return ReportFormat::markdown;
  return std::nullopt;
}

namespace {

std::string utf8(const std::filesystem::path& path) {
  const std::u8string text = path.u8string();
  return std::string(text.begin(), text.end());
}

// The system's reason for the last failure, as a clause: "permission denied".
std::string reason_from_errno(int error) {
  if (error == 0) return "the system gave no reason";
  std::string text = std::strerror(error);
  if (!text.empty()) text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
  return text;
}

// Why `path` cannot be written, in the words a user can act on. `error` is
// the errno of the failed attempt; the directory is looked at first, since
// "no such file or directory" does not say which part is missing.
std::string why_unwritable(const std::filesystem::path& target, int error) {
  std::error_code code;
  if (std::filesystem::is_directory(target, code)) return "it is a directory";
  const std::filesystem::path parent = target.has_parent_path() ? target.parent_path() : std::filesystem::path(".");
  const auto status = std::filesystem::status(parent, code);
  if (status.type() == std::filesystem::file_type::not_found) return "no such directory: " + utf8(parent);
  if (status.type() != std::filesystem::file_type::unknown && !std::filesystem::is_directory(status)) {
    return utf8(parent) + " is not a directory";
  }
  if (error == ENOSPC) return "the disk is full";
  return reason_from_errno(error);
}

std::filesystem::path temporary_beside(const std::filesystem::path& target) {
  std::filesystem::path temporary = target;
  temporary += ".micdoctor-partial";
  return temporary;
}

// Creates the probe file beside the target without following a link planted
// at its name and without touching an existing file: O_EXCL|O_NOFOLLOW on
// POSIX, CREATE_NEW on Windows. True when it was created (and removed again).
bool create_and_remove_probe(const std::filesystem::path& probe, int& error) {
#ifdef _WIN32
  const HANDLE handle = CreateFileW(probe.wstring().c_str(), GENERIC_WRITE, 0, nullptr, CREATE_NEW,
                                    FILE_ATTRIBUTE_TEMPORARY | FILE_FLAG_DELETE_ON_CLOSE, nullptr);
  if (handle == INVALID_HANDLE_VALUE) {
    switch (GetLastError()) {
      case ERROR_FILE_EXISTS:
      case ERROR_ALREADY_EXISTS: error = EEXIST; break;
      case ERROR_ACCESS_DENIED: error = EACCES; break;
      case ERROR_PATH_NOT_FOUND: error = ENOENT; break;
      case ERROR_DISK_FULL: error = ENOSPC; break;
      default: error = EIO; break;
    }
    return false;
  }
  CloseHandle(handle);
  return true;
#else
  errno = 0;
  const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) {
    error = errno;
    return false;
  }
  ::close(fd);
  ::unlink(probe.c_str());
  return true;
#endif
}

// What is at `target` (nothing, a file, a device...), or false with the
// reason when it is a directory: a report is never written in place of one.
bool status_unless_directory(const std::filesystem::path& target, const std::string& path,
                             std::filesystem::file_status& status, std::string& error) {
  std::error_code code;
  status = std::filesystem::status(target, code);
  if (!std::filesystem::is_directory(status)) return true;
  error = "cannot write " + path + " (it is a directory)";
  return false;
}

bool exists_and_writable(const std::filesystem::path& target) {
#ifdef _WIN32
  (void)target;
  return false;
#else
  return ::access(target.c_str(), W_OK) == 0;
#endif
}

}  // namespace

bool check_writable(const std::string& path, std::string& error) {
  const std::filesystem::path target = std::filesystem::u8path(path);
  std::filesystem::file_status status;
  if (!status_unless_directory(target, path, status, error)) return false;
  // An existing file the user may write (or a device such as /dev/null) needs
  // no probe: a probe beside /dev/null would need a writable /dev.
  const bool exists = std::filesystem::exists(status);
  if (exists && (!std::filesystem::is_regular_file(status) || exists_and_writable(target))) return true;
  int failure = 0;
  if (create_and_remove_probe(temporary_beside(target), failure)) return true;
  if (failure == EEXIST) return true;  // something sits at the probe's name: the real write will tell
  error = "cannot write " + path + " (" + why_unwritable(target, failure) + ")";
  return false;
}

namespace {

struct FileCloser {
  void operator()(std::FILE* file) const { std::fclose(file); }
};
using File = std::unique_ptr<std::FILE, FileCloser>;

// Opens a new file for writing, never following a link planted at its name
// and never truncating what is there. POSIX: a stale file or link of that
// name is removed first (unlink removes the link, not what it points to).
// Windows: nothing is removed (Wine's delete follows a unix link to its
// target); if the name is taken, a numbered name beside it is used instead,
// and `path` is set to the name used.
File create_exclusive(std::filesystem::path& path) {
#ifdef _WIN32
  const std::filesystem::path base = path;
  for (int attempt = 0; attempt < 100; ++attempt) {
    if (attempt > 0) {
      path = base;
      path += "-";
      path += std::to_string(attempt);
    }
    const HANDLE handle = CreateFileW(path.wstring().c_str(), GENERIC_WRITE, 0, nullptr, CREATE_NEW,
                                      FILE_ATTRIBUTE_NORMAL, nullptr);
    if (handle == INVALID_HANDLE_VALUE) {
      const DWORD failure = GetLastError();
      if (failure == ERROR_FILE_EXISTS || failure == ERROR_ALREADY_EXISTS) continue;
      errno = failure == ERROR_ACCESS_DENIED ? EACCES : EIO;
      return File();
    }
    const int fd = _open_osfhandle(reinterpret_cast<intptr_t>(handle), _O_WRONLY | _O_BINARY);
    if (fd < 0) {
      CloseHandle(handle);
      return File();
    }
    File file(_fdopen(fd, "wb"));
    if (!file) _close(fd);
    return file;
  }
  errno = EEXIST;
  return File();
#else
  ::unlink(path.c_str());
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0) return File();
  File file(::fdopen(fd, "wb"));
  if (!file) ::close(fd);
  return file;
#endif
}

bool write_all(std::FILE* file, const std::string& text) {
  return std::fwrite(text.data(), 1, text.size(), file) == text.size() && std::fflush(file) == 0;
}

}  // namespace

bool write_report(const std::string& text, const std::string& path, std::string& error) {
  if (path.empty()) {
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
    return true;
  }
  const std::filesystem::path target = std::filesystem::u8path(path);
  std::filesystem::file_status status;
  if (!status_unless_directory(target, path, status, error)) return false;
  // A device or pipe (/dev/null, /dev/stdout, a FIFO) is written in place:
  // renaming a file over it would replace the device itself.
  if (std::filesystem::exists(status) && !std::filesystem::is_regular_file(status)) {
    errno = 0;
    const File out(std::fopen(path.c_str(), "wb"));
    if (!out || !write_all(out.get(), text)) {
      error = "cannot write " + path + " (" + reason_from_errno(errno) + ")";
      return false;
    }
    return true;
  }
  std::filesystem::path temporary = temporary_beside(target);
  {
    errno = 0;
    const File out = create_exclusive(temporary);
    if (!out) {
      error = "cannot write " + path + " (" + why_unwritable(target, errno) + ")";
      return false;
    }
    if (!write_all(out.get(), text)) {
      error = "writing " + path + " failed (" + why_unwritable(target, errno) + ")";
      std::error_code ignored;
      std::filesystem::remove(temporary, ignored);
      return false;
    }
  }
  std::error_code code;
  std::filesystem::rename(temporary, target, code);
  if (code) {
    std::string reason = code.message();
    if (!reason.empty()) reason[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(reason[0])));
    error = "cannot replace " + path + " (" + reason + ")";
    std::filesystem::remove(temporary, code);
    return false;
  }
  return true;
}

ReportStream::~ReportStream() {
  if (file_ == nullptr || file_ == stdout) return;
  std::fclose(file_);
  if (!temporary_.empty()) {
    std::error_code ignored;
    std::filesystem::remove(temporary_, ignored);
  }
}

bool ReportStream::open(const std::string& path, std::string& error) {
  path_ = path;
  if (path.empty()) {
    file_ = stdout;
    return true;
  }
  const std::filesystem::path target = std::filesystem::u8path(path);
  std::filesystem::file_status status;
  if (!status_unless_directory(target, path, status, error)) return false;
  errno = 0;
  if (std::filesystem::exists(status) && !std::filesystem::is_regular_file(status)) {
    file_ = std::fopen(path.c_str(), "wb");  // a device or pipe, in place
  } else {
    temporary_ = temporary_beside(target);
    file_ = create_exclusive(temporary_).release();
    if (file_ == nullptr) temporary_.clear();
  }
  if (file_ == nullptr) {
    error = "cannot write " + path + " (" + why_unwritable(target, errno) + ")";
    return false;
  }
  return true;
}

bool ReportStream::write(const std::string& text) {
  if (file_ == nullptr || failed_) return false;
  failed_ = !write_all(file_, text);
  return !failed_;
}

bool ReportStream::commit(std::string& error) {
  if (file_ == nullptr) return false;
  if (file_ == stdout) return !failed_;
  const bool closed = std::fclose(file_) == 0;
  file_ = nullptr;
  const std::filesystem::path target = std::filesystem::u8path(path_);
  if (failed_ || !closed) {
    error = "writing " + path_ + " failed (" + why_unwritable(target, errno) + ")";
    std::error_code ignored;
    if (!temporary_.empty()) std::filesystem::remove(temporary_, ignored);
    temporary_.clear();
    return false;
  }
  if (temporary_.empty()) return true;
  std::error_code code;
  std::filesystem::rename(temporary_, target, code);
  const bool renamed = !code;
  if (!renamed) {
    error = "cannot replace " + path_ + " (" + code.message() + ")";
    std::filesystem::remove(temporary_, code);
  }
  temporary_.clear();
  return renamed;
}

}  // namespace micdoctor::cli
