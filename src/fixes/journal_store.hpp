#pragma once
// Where a platform keeps the journal, and how it writes it so that a crash or
// a kill at any moment leaves a complete one (platform/linux/journal_file,
// platform/windows/journal_file).
#include <string>

#include "fixes/journal.hpp"

namespace micdoctor {

class JournalStore {
 public:
  virtual ~JournalStore() = default;
  virtual const std::string& path() const = 0;
  // Creates the directory and takes the lock that keeps two fix or undo runs
  // apart. Throws JournalError(unwritable) naming the reason.
  virtual void open_for_writing() = 0;
  // The journal; an empty one when there is no file yet. A file that is not
  // a valid journal of ours throws JournalError (corrupt or newer_version),
  // and is left exactly as it is.
  virtual Journal load() const = 0;
  // Replaces the file atomically. False with the reason in `error`.
  virtual bool save(const Journal& journal, std::string& error) = 0;
};

}  // namespace micdoctor
