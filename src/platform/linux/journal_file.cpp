#include "platform/linux/journal_file.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "platform/linux/file_descriptor.hpp"
#include "platform/linux/small_file.hpp"

namespace micdoctor::linux_system {
namespace {

std::string errno_text(int error) { return std::strerror(error); }

[[noreturn]] void unwritable(const std::string& what) {
  throw JournalError(JournalError::Kind::unwritable, what);
}

// mkdir -p, each new level 0700 (the journal names devices and apps).
void make_directories(const std::string& directory) {
  std::string partial;
  std::size_t from = 0;
  while (from <= directory.size()) {
    const std::size_t slash = directory.find('/', from);
    partial = directory.substr(0, slash == std::string::npos ? directory.size() : slash);
    from = slash == std::string::npos ? directory.size() + 1 : slash + 1;
    if (partial.empty()) continue;
    if (::mkdir(partial.c_str(), 0700) != 0 && errno != EEXIST) {
      unwritable("cannot create " + partial + " (" + errno_text(errno) + ")");
    }
  }
  struct stat info {};
  if (::stat(directory.c_str(), &info) != 0) unwritable("cannot use " + directory + " (" + errno_text(errno) + ")");
  if (!S_ISDIR(info.st_mode)) unwritable(directory + " is not a directory");
  if (::access(directory.c_str(), W_OK | X_OK) != 0) {
    unwritable("cannot write in " + directory + " (" + errno_text(errno) + ")");
  }
}

}  // namespace

std::string JournalFile::default_directory() {
  const char* state = std::getenv("XDG_STATE_HOME");
  // The XDG spec: a relative path is invalid and must be ignored.
  if (state != nullptr && state[0] == '/') return std::string(state) + "/micdoctor";
  const char* home = std::getenv("HOME");
  if (home != nullptr && home[0] == '/') return std::string(home) + "/.local/state/micdoctor";
  unwritable("neither XDG_STATE_HOME nor HOME is set to an absolute path, so there is nowhere to keep the journal");
}

JournalFile::JournalFile(std::string directory)
    : directory_(std::move(directory)), path_(directory_ + "/journal.json") {}

JournalFile::~JournalFile() {
  if (lock_fd_ >= 0) ::close(lock_fd_);
}

void JournalFile::open_for_writing() {
  make_directories(directory_);
  const std::string lock_path = directory_ + "/journal.lock";
  lock_fd_ = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (lock_fd_ < 0) unwritable("cannot open " + lock_path + " (" + errno_text(errno) + ")");
  if (::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    const int error = errno;
    ::close(lock_fd_);
    lock_fd_ = -1;
    if (error == EWOULDBLOCK) unwritable("another micdoctor fix or undo is running (it holds " + lock_path + ")");
    unwritable("cannot lock " + lock_path + " (" + errno_text(error) + ")");
  }
}

Journal JournalFile::load() const {
  using Problem = SmallFile::Problem;
  const SmallFile file = read_small_file(path_, kMaxJournalBytes, /*no_follow=*/true);
  switch (file.problem) {
    case Problem::cannot_open:
      if (file.error == ENOENT) return Journal{};
      throw JournalError(JournalError::Kind::corrupt, path_ + ": cannot open (" + errno_text(file.error) + ")");
    case Problem::not_regular: throw JournalError(JournalError::Kind::corrupt, path_ + ": not a regular file");
    case Problem::too_large:
      throw JournalError(JournalError::Kind::corrupt, path_ + ": larger than 8 MiB: not a journal of ours");
    case Problem::none: break;
  }
  try {
    return journal_from_text(file.text);
  } catch (const JournalError& e) {
    throw JournalError(e.kind(), path_ + ": " + e.what());
  }
}

bool JournalFile::save(const Journal& journal, std::string& error) {
  // Only the lock holder writes, so one fixed temporary name is safe; a
  // leftover from a killed run is simply replaced.
  const std::string temporary = directory_ + "/.journal.json.tmp";
  ::unlink(temporary.c_str());
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    error = "cannot create " + temporary + " (" + errno_text(errno) + ")";
    return false;
  }
  const bool written = write_all(fd, journal_to_text(journal)) && ::fsync(fd) == 0;
  const int write_error = errno;
  ::close(fd);
  if (!written) {
    ::unlink(temporary.c_str());
    error = "cannot write " + temporary + " (" + errno_text(write_error) + ")";
    return false;
  }
  if (::rename(temporary.c_str(), path_.c_str()) != 0) {
    error = "cannot replace " + path_ + " (" + errno_text(errno) + ")";
    ::unlink(temporary.c_str());
    return false;
  }
  // The rename itself must reach the disk, or a power cut could bring back the old file.
  const int directory_fd = ::open(directory_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (directory_fd >= 0) {
    ::fsync(directory_fd);
    ::close(directory_fd);
  }
  return true;
}

}  // namespace micdoctor::linux_system
