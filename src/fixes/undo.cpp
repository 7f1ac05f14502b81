#include "fixes/undo.hpp"

namespace micdoctor {
namespace {

UndoOutcome undo_entry(SystemAccess& system, JournalEntry& entry, const std::function<bool(std::string&)>& save,
                       std::string& stopped) {
  const Change& change = entry.change;
  UndoOutcome outcome{change, UndoResult::restored, {}};
  std::string error;
  const CurrentValue current = system.current(change.setting, change.target);
  const std::optional<SettingValue>& now = current.value;
  if (!now && !current.gone) {
    // The server could not be asked: nothing is known, so nothing is decided.
    outcome.result = UndoResult::failed;
    outcome.note = current.error;
    stopped = current.error;
    return outcome;
  }
  if (!now) {
    outcome.result = UndoResult::gone;
    outcome.note = current.error;
  } else if (same_value(change.setting, *now, change.from)) {
    outcome.result = UndoResult::already_as_before;
  } else if (!same_value(change.setting, *now, change.to)) {
    outcome.result = UndoResult::changed_since;
    outcome.note = "changed since to " + describe_value(change.setting, *now) + "; left as it is";
  } else if (change.setting == Setting::default_source && change.from.name.empty()) {
    outcome.result = UndoResult::changed_since;
    outcome.note = "there was no default input before, and a server cannot be told to have none; left as it is";
  } else {
    entry.status = EntryStatus::undoing;
    if (!save(error)) {
      stopped = "the journal could not be written (" + error + "), so nothing more was put back";
      entry.status = EntryStatus::applied;
      outcome.result = UndoResult::failed;
      outcome.note = stopped;
      return outcome;
    }
    bool requested = false;
    outcome.note = set_and_verify(system, change.setting, change.target, change.from, requested);
    if (!outcome.note.empty()) outcome.result = UndoResult::failed;
  }
  switch (outcome.result) {
    case UndoResult::restored:
    case UndoResult::already_as_before: entry.status = EntryStatus::undone; break;
    case UndoResult::changed_since:
    case UndoResult::gone: entry.status = EntryStatus::skipped; break;
    case UndoResult::failed: entry.status = EntryStatus::applied; break;
  }
  entry.note = outcome.note;
  return outcome;
}

}  // namespace

std::string_view to_string(UndoResult result) {
  switch (result) {
    case UndoResult::restored: return "restored";
    case UndoResult::already_as_before: return "already_as_before";
    case UndoResult::changed_since: return "changed_since";
    case UndoResult::gone: return "gone";
    case UndoResult::failed: return "failed";
  }
  return "unknown";
}

std::vector<UndoOutcome> undo_run(SystemAccess& system, JournalRun& run,
                                  const std::function<bool(std::string& error)>& save, std::string& stopped) {
  std::vector<UndoOutcome> outcomes;
  for (auto it = run.entries.rbegin(); it != run.entries.rend() && stopped.empty(); ++it) {
    if (!needs_undo(*it)) continue;
    outcomes.push_back(undo_entry(system, *it, save, stopped));
    std::string error;
    if (stopped.empty() && !save(error)) stopped = "the journal could not be written (" + error + ")";
  }
  run.undone = !needs_undo(run);
  std::string error;
  if (stopped.empty() && !save(error)) stopped = "the journal could not be written (" + error + ")";
  return outcomes;
}

}  // namespace micdoctor
