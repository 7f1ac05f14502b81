#pragma once
// The journal of changes: what every fix run changed, with the old value,
// so `micdoctor undo` can put it back. Plain data and its JSON form (schema
// micdoctor.journal/1); where and how the file is written safely is the
// platform layer's job (platform/linux/journal_file).
#include <stdexcept>
#include <string>
#include <vector>

#include "fixes/change.hpp"

namespace micdoctor {

// Version 2 adds, to each change that can move recording streams, where
// every stream recorded before it (change.streams_before). Version 1
// journals are read (their changes have no stream places: undo puts back the
// settings alone); a micdoctor that reads only version 1 refuses version 2
// as written by a newer micdoctor rather than undo without the streams.
//
// Version 3 adds the settings below the sound server (mixer_switch,
// mixer_volume, mixer_enum: value.levels and value.db; config_file: a file's
// whole content in value.name). A journal is written as /3 only when it holds
// one of them (else /2 or /1 as before), so a journal of server changes stays
// readable by an older micdoctor, while one that cannot undo a mixer change
// refuses the journal rather than skip it. Versions 1 and 2 are still read; a
// version 1 or 2 journal naming a version 3 setting is corrupt.
//
// Version 4 adds Windows' service_start_type (value.name: a start type) and
// firmware_version (target.name: fwupd's DeviceId; value.name: the version;
// undo never puts firmware back). Written as /4 only when it holds one.
inline constexpr const char* kJournalSchema = "micdoctor.journal/4";
inline constexpr int kJournalVersion = 4;
// The largest configuration file a journal keeps (value.name of config_file).
inline constexpr std::size_t kMaxJournalFileBytes = 64u << 10;

enum class EntryStatus {
  journalled,  // written down, about to be made (if micdoctor died here, it may or may not have happened)
  applied,     // requested and taken by the system (undo reads what is there before putting back)
  failed,      // the system refused: nothing to undo, but kept as a record
  undoing,     // being put back (if micdoctor died here, undo looks again)
  undone,      // put back (or found as it was before)
  skipped,     // not put back: changed again since, or gone; the note says which
};
std::string_view to_string(EntryStatus status);

struct JournalEntry {
  int sequence = 0;
  std::string time;  // ISO 8601, UTC
  Change change;     // with its exact old value in `from`
  EntryStatus status = EntryStatus::journalled;
  std::string note;
  // Undo runs that could not put a stream back for a reason that may go
  // away (the server would not keep it there, it was still moving): after
  // kMaxStreamUndoAttempts the entry is closed rather than kept open forever.
  int undo_attempts = 0;
};
inline constexpr int kMaxStreamUndoAttempts = 3;
// The most recording streams one change journals (the reader refuses more).
inline constexpr std::size_t kMaxJournalStreams = 1000;

// One `micdoctor fix` run.
struct JournalRun {
  std::string id;       // "20261129T184501Z-1234": time and process, unique per run
  std::string started;  // ISO 8601, UTC
  std::string server;   // the sound server it changed, e.g. "pulseaudio 16.1"
  std::vector<JournalEntry> entries;
  bool undone = false;  // undo has dealt with every entry
};

struct Journal {
  std::vector<JournalRun> runs;  // oldest first
};

// Entries that may have changed the system and are not put back yet.
bool needs_undo(const JournalEntry& entry);
bool needs_undo(const JournalRun& run);

// A journal file that cannot be used. It is left in place, never
// overwritten: `kind` says why.
class JournalError : public std::runtime_error {
 public:
  enum class Kind { corrupt, newer_version, unwritable };
  JournalError(Kind kind, const std::string& what) : std::runtime_error(what), kind_(kind) {}
  Kind kind() const { return kind_; }

 private:
  Kind kind_;
};

std::string journal_to_text(const Journal& journal);
// Reads what journal_to_text wrote; throws JournalError naming what is wrong.
Journal journal_from_text(const std::string& text);
inline constexpr std::size_t kMaxJournalBytes = 8u << 20;
// Runs kept: the oldest fully undone runs are dropped beyond this.
inline constexpr std::size_t kMaxJournalRuns = 100;

// The current time as ISO 8601 UTC ("2026-11-29T18:45:01Z").
std::string utc_now_iso8601();

}  // namespace micdoctor
