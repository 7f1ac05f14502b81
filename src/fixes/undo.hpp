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
  };
  StreamPlace place;  // the stream and where it recorded before the fix
  std::string found;  // where it recorded when undo looked ("" when it had ended)
  Result result = Result::in_place;
  std::string note;
};
std::string_view to_string(StreamRestore::Result result);

struct UndoOutcome {
  Change change;
  UndoResult result = UndoResult::restored;
  std::string note;
  std::vector<StreamRestore> streams;  // every stream journalled before the change, and where it is now
  // Every stream that still exists records where it did before the fix.
  bool streams_back() const;
};

// Puts every stream that still exists back on the source it recorded, and
// reads again once the server has settled (a server can take a move back).
std::vector<StreamRestore> restore_streams(SystemAccess& system, const std::vector<StreamPlace>& places);

// Undoes the entries of `run` that need it. `save` writes the journal and is
// called before each change is put back (marking it "undoing") and after; if
// it fails, undo stops there with `stopped` saying why, so the journal always
// knows at least as much as the system.
std::vector<UndoOutcome> undo_run(SystemAccess& system, JournalRun& run,
                                  const std::function<bool(std::string& error)>& save, std::string& stopped);

}  // namespace micdoctor
