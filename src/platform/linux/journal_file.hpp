#pragma once
// Where the journal lives and how it is written so that a crash or a kill at
// any moment leaves a complete journal: $XDG_STATE_HOME/micdoctor/journal.json
// (or ~/.local/state/micdoctor/), written to a temporary file, fsynced, and
// renamed over the old one, then the directory fsynced. A lock file keeps two
// fix or undo runs from writing at once.
#include <string>

#include "fixes/journal_store.hpp"

namespace micdoctor::linux_system {

class JournalFile : public JournalStore {
 public:
  // The directory from the environment; throws JournalError(unwritable)
  // when there is neither an absolute XDG_STATE_HOME nor a HOME.
  static std::string default_directory();

  explicit JournalFile(std::string directory);
  ~JournalFile() override;
  JournalFile(const JournalFile&) = delete;
  JournalFile& operator=(const JournalFile&) = delete;

  const std::string& path() const override { return path_; }

  // The directory is made with mode 0700, the file 0600 (they name devices and apps).
  void open_for_writing() override;
  Journal load() const override;
  bool save(const Journal& journal, std::string& error) override;

 private:
  std::string directory_;
  std::string path_;
  int lock_fd_ = -1;
};

}  // namespace micdoctor::linux_system
