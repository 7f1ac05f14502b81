#pragma once
// Where the journal lives and how it is written so that a crash or a kill at
// any moment leaves a complete journal: $XDG_STATE_HOME/micdoctor/journal.json
// (or ~/.local/state/micdoctor/), written to a temporary file, fsynced, and
// renamed over the old one, then the directory fsynced. A lock file keeps two
// fix or undo runs from writing at once.
#include <string>

#include "fixes/journal.hpp"

namespace micdoctor::linux_system {

class JournalFile {
 public:
  // The directory from the environment; throws JournalError(unwritable)
  // when there is neither an absolute XDG_STATE_HOME nor a HOME.
  static std::string default_directory();

  explicit JournalFile(std::string directory);
  ~JournalFile();
  JournalFile(const JournalFile&) = delete;
  JournalFile& operator=(const JournalFile&) = delete;

  const std::string& path() const { return path_; }

  // Creates the directory (mode 0700) and takes the lock. Throws
  // JournalError(unwritable) naming the reason.
  void open_for_writing();

  // The journal; an empty one when there is no file yet. A file that is not
  // a valid journal of ours throws JournalError (corrupt or newer_version),
  // and is left exactly as it is.
  Journal load() const;

  // Replaces the file atomically. False with the reason in `error`.
  bool save(const Journal& journal, std::string& error);

 private:
  std::string directory_;
  std::string path_;
  int lock_fd_ = -1;
};

}  // namespace micdoctor::linux_system
