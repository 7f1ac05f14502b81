#pragma once
// The journal on Windows: %LOCALAPPDATA%\micdoctor\journal.json, written to a
// temporary file, flushed to disk and moved over the old one
// (MoveFileEx with REPLACE_EXISTING | WRITE_THROUGH), so a crash at any
// moment leaves a complete journal. An exclusively opened lock file keeps two
// fix or undo runs from writing at once.
#include <string>

#include "fixes/journal_store.hpp"
#include "platform/windows/windows_util.hpp"

namespace micdoctor::windows {

class JournalFile : public JournalStore {
 public:
  static std::string default_directory();
  explicit JournalFile(std::string directory);
  const std::string& path() const override { return path_; }
  void open_for_writing() override;
  Journal load() const override;
  bool save(const Journal& journal, std::string& error) override;

 private:
  std::string directory_;
  std::string path_;
  Handle lock_;
};

}  // namespace micdoctor::windows
