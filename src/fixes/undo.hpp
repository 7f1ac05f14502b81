#pragma once
// Putting back what a fix run changed, newest change first, and only what
// still reads as micdoctor left it: a setting the person changed again since
// is theirs, and is left alone with a note.
#include <functional>
#include <string>
#include <vector>

#include "fixes/fix_session.hpp"
#include "fixes/journal.hpp"

namespace micdoctor {

enum class UndoResult {
  restored,          // put back to the old value
  already_as_before, // it already reads the old value (e.g. killed before the change was made)
  changed_since,     // it reads neither value: changed by someone since; left alone
  gone,              // the object no longer exists (unplugged, stream ended)
  failed,            // the server refused; left as "applied" so a later undo tries again
  not_undoable,      // micdoctor cannot put it back (a firmware update); the note says how to by hand
};
std::string_view to_string(UndoResult result);

// One recording stream that undo looked at after putting back a change that
// can move streams (the default input, a profile, a port).
struct StreamRestore {
  enum class Result {
    in_place,      // it records the source it recorded before the fix
    put_back,      // the server had moved it: undo moved it back
    ended,         // the stream no longer exists
    not_put_back,  // it records elsewhere and could not be moved back (the note says why)
    changed_since,  // it was moved after the fix by someone else: left where they put it
  };
  StreamPlace place;  // the stream and where it recorded before the fix
  std::string found;  // where it recorded when undo looked ("" when it had ended)
  Result result = Result::in_place;
  std::string note;
  // not_put_back for a reason that may go away (the server would not keep it
  // there, it was still moving): the next undo tries again. False when its
  // source no longer exists.
  bool may_go_away = false;
};
std::string_view to_string(StreamRestore::Result result);

struct UndoOutcome {
  Change change;
  UndoResult result = UndoResult::restored;
  std::string note;
  std::vector<StreamRestore> streams;  // every stream journalled before the change, and where it is now
  // Every stream that still exists records where it did before the fix.
  bool streams_back() const;
  // A stream is not back for a reason that may go away.
  bool streams_to_retry() const;
};

// Puts every stream of `change` that still exists back on the source it
// recorded before the fix, if it is still where fix left it
// (change.streams_after) or putting the setting back moved it (`before_undo`:
// where streams were just before undo changed the setting, nullopt when it
// changed nothing); then reads again once the server has settled (a server
// can take a move back). nullopt when the server did not answer.
std::optional<std::vector<StreamRestore>> restore_streams(SystemAccess& system, const Change& change,
                                                          const std::optional<std::vector<StreamPlace>>& before_undo);

// Undoes the entries of `run` that need it. `save` writes the journal and is
// called before each change is put back (marking it "undoing") and after; if
// it fails, undo stops there with `stopped` saying why, so the journal always
// knows at least as much as the system.
std::vector<UndoOutcome> undo_run(SystemAccess& system, JournalRun& run,
                                  const std::function<bool(std::string& error)>& save, std::string& stopped);

}  // namespace micdoctor
