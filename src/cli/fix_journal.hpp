#pragma once
// The pieces of `micdoctor fix` and `micdoctor undo` that `micdoctor ui`
// shares: the journal writer of a fix run (every change written down before
// it is made), and the words for what a change or an undo did.
#include <string>

#include "fixes/fix_session.hpp"
#include "fixes/journal.hpp"
#include "fixes/journal_store.hpp"
#include "fixes/undo.hpp"

namespace micdoctor::cli {

// The journal of this run: the run joins the file with its first change,
// and the file is rewritten (atomically) at every step.
class FileJournal : public ChangeJournal {
 public:
  FileJournal(JournalStore& file, Journal journal, std::string server);

  bool before_change(const Change& change, std::string& error) override;
  void after_change(const Change& change, bool requested, const std::string& note) override;

  const std::string& run() const { return run_.id; }
  bool started() const { return started_; }
  const std::string& save_error() const { return save_error_; }

 private:
  JournalStore& file_;
  Journal journal_;
  JournalRun run_;
  bool started_ = false;
  std::string save_error_;
};

// "pulseaudio 16.1", or "no sound server": what a journal run records.
std::string server_name(const SystemSnapshot& snapshot);

// What happened to one change of a fix run, in words ("done, and the problem is gone").
std::string status_words(const ChangeOutcome& outcome);

// What happened to one change when it was undone ("put back to muted").
std::string undo_words(const UndoOutcome& outcome);

// One prefix for a journal error: "the journal PATH: not valid JSON".
std::string journal_error_text(const JournalError& e, const std::string& path);

}  // namespace micdoctor::cli
