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

struct UndoOutcome {
  Change change;
  UndoResult result = UndoResult::restored;
  std::string note;
};

// Undoes the entries of `run` that need it. `save` writes the journal and is
// called before each change is put back (marking it "undoing") and after; if
// it fails, undo stops there with `stopped` saying why, so the journal always
// knows at least as much as the system.
std::vector<UndoOutcome> undo_run(SystemAccess& system, JournalRun& run,
                                  const std::function<bool(std::string& error)>& save, std::string& stopped);

}  // namespace micdoctor
