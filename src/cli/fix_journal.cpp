// The journal writer and the words of a fix run, shared by `micdoctor fix`,
// `micdoctor undo` and `micdoctor ui` (see fix_journal.hpp).
#include "cli/fix_journal.hpp"

#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdlib>

namespace micdoctor::cli {
namespace {

// A deliberate stop for the crash tests: MICDOCTOR_TEST_STOP_AT=journalled:N
// stops the process (SIGSTOP) right after the Nth change is journalled and
// before it is made; =applied:N right after it is made and before the journal
// knows. The test then kills it with SIGKILL, as a crash would.
void stop_here_for_tests(const std::string& point, int change_number) {
  const char* wanted = std::getenv("MICDOCTOR_TEST_STOP_AT");
  if (wanted == nullptr || wanted != point + ":" + std::to_string(change_number)) return;
#ifdef SIGSTOP
  std::raise(SIGSTOP);
#else
  std::abort();  // Windows has no stop signal: end the process abruptly, as a crash would
#endif
}

std::string run_id() {
  std::string stamp = utc_now_iso8601();
  stamp.erase(std::remove_if(stamp.begin(), stamp.end(), [](char c) { return c == '-' || c == ':'; }), stamp.end());
  return stamp + "-" + std::to_string(::getpid());
}

}  // namespace

FileJournal::FileJournal(JournalStore& file, Journal journal, std::string server)
    : file_(file), journal_(std::move(journal)) {
  run_.id = run_id();
  run_.started = utc_now_iso8601();
  run_.server = std::move(server);
}

bool FileJournal::before_change(const Change& change, std::string& error) {
  if (change.streams_before.size() > kMaxJournalStreams) {
    error = "more than " + std::to_string(kMaxJournalStreams) + " recording streams, more than a journal holds";
    return false;
  }
  if (!started_) {
    // Fully undone runs beyond the limit are history nobody needs.
    while (journal_.runs.size() >= kMaxJournalRuns && !needs_undo(journal_.runs.front())) {
      journal_.runs.erase(journal_.runs.begin());
    }
    journal_.runs.push_back(run_);
    started_ = true;
  }
  JournalRun& run = journal_.runs.back();
  run.entries.push_back(JournalEntry{static_cast<int>(run.entries.size()) + 1, utc_now_iso8601(), change,
                                     EntryStatus::journalled, {}});
  if (!file_.save(journal_, error)) {
    run.entries.pop_back();
    return false;
  }
  stop_here_for_tests("journalled", static_cast<int>(run.entries.size()));
  return true;
}

void FileJournal::after_change(const Change& change, bool requested, const std::string& note) {
  JournalEntry& entry = journal_.runs.back().entries.back();
  stop_here_for_tests("applied", entry.sequence);
  entry.status = requested ? EntryStatus::applied : EntryStatus::failed;
  entry.note = note;
  // Where fix left every stream: undo moves only the streams still there.
  entry.change.streams_after = change.streams_after;
  std::string error;
  // If this write fails the entry stays "journalled", which undo handles
  // the same way (it reads what the setting is now).
  if (!file_.save(journal_, error)) save_error_ = error;
}

std::string server_name(const SystemSnapshot& snapshot) {
  if (!snapshot.server.reachable) return "no sound server";
  return snapshot.server.name + (snapshot.server.version.empty() ? "" : " " + snapshot.server.version);
}

std::string status_words(const ChangeOutcome& o) {
  switch (o.status) {
    case ChangeStatus::applied: return o.resolved ? "done, and the problem is gone" : "done, but the problem is still there";
    case ChangeStatus::planned: return "would be done" + (o.note.empty() ? "" : " (" + o.note + ")");
    case ChangeStatus::declined: return "not applied (you said no)";
    case ChangeStatus::not_asked: return "not asked: no terminal (use --yes)";
    case ChangeStatus::failed: return "failed: " + o.note;
    case ChangeStatus::not_journalled:
    case ChangeStatus::withheld: return "not applied: " + o.note;
  }
  return "";
}

// One prefix for a journal error: "the journal PATH: not valid JSON", where
// the layers below each named the file in their own way ("PATH: journal: ...").
std::string journal_error_text(const JournalError& e, const std::string& path) {
  std::string what = e.what();
  if (!path.empty() && what.rfind(path + ": ", 0) == 0) what.erase(0, path.size() + 2);
  if (what.rfind("journal: ", 0) == 0) what.erase(0, 9);  // the field "journal" is the whole file
  if (e.kind() == JournalError::Kind::unwritable || path.empty()) return "cannot keep the journal: " + what;
  return "the journal " + path + ": " + what;
}

std::string undo_words(const UndoOutcome& o) {
  switch (o.result) {
    case UndoResult::restored: return "put back to " + describe_value(o.change.setting, o.change.from);
    case UndoResult::already_as_before: return "already as before (" + describe_value(o.change.setting, o.change.from) + ")";
    case UndoResult::changed_since: return "left alone: " + o.note;
    case UndoResult::gone: return "skipped: " + o.note;
    case UndoResult::failed: return "failed: " + o.note;
    case UndoResult::not_undoable: return "not undone: " + o.note;
  }
  return "";
}

}  // namespace micdoctor::cli
