#include "fixes/undo.hpp"

#include <algorithm>

namespace micdoctor {
namespace {

const StreamPlace* find_place(const std::vector<StreamPlace>& places, const ChangeTarget& stream) {
  for (const StreamPlace& place : places) {
    if (same_stream(place.stream, stream)) return &place;
  }
  return nullptr;
}

UndoOutcome undo_entry(SystemAccess& system, JournalEntry& entry, const std::function<bool(std::string&)>& save,
                       std::string& stopped) {
  const Change& change = entry.change;
  UndoOutcome outcome{change, UndoResult::restored, {}, {}};
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
  // The setting is dealt with (or was already as before): now the streams it
  // may have moved, then or just now (PulseAudio moves every stream on the
  // old default when the default changes back).
  if (outcome.result != UndoResult::failed && !change.streams_before.empty()) {
    outcome.streams = restore_streams(system, change.streams_before);
  }
  switch (outcome.result) {
    case UndoResult::restored:
    case UndoResult::already_as_before:
      // A stream left elsewhere keeps the entry open: the next undo tries again.
      entry.status = outcome.streams_back() ? EntryStatus::undone : EntryStatus::applied;
      break;
    case UndoResult::changed_since:
    case UndoResult::gone: entry.status = outcome.streams_back() ? EntryStatus::skipped : EntryStatus::applied; break;
    case UndoResult::failed: entry.status = EntryStatus::applied; break;
  }
  entry.note = outcome.note;
  return outcome;
}

}  // namespace

bool UndoOutcome::streams_back() const {
  return std::none_of(streams.begin(), streams.end(),
                      [](const StreamRestore& s) { return s.result == StreamRestore::Result::not_put_back; });
}

std::string_view to_string(StreamRestore::Result result) {
  switch (result) {
    case StreamRestore::Result::in_place: return "in_place";
    case StreamRestore::Result::put_back: return "put_back";
    case StreamRestore::Result::ended: return "ended";
    case StreamRestore::Result::not_put_back: return "not_put_back";
  }
  return "unknown";
}

std::vector<StreamRestore> restore_streams(SystemAccess& system, const std::vector<StreamPlace>& places) {
  std::vector<StreamRestore> restores;
  const std::vector<StreamPlace> now = system.settled_stream_places();
  bool moved_any = false;
  for (const StreamPlace& place : places) {
    if (place.source.empty()) continue;  // it was mid-move when journalled: its place was not known
    StreamRestore restore{place, {}, StreamRestore::Result::in_place, {}};
    const StreamPlace* found = find_place(now, place.stream);
    if (found == nullptr) {
      restore.result = StreamRestore::Result::ended;
      restore.note = "it has ended";
    } else if (found->source != place.source) {
      restore.found = found->source;
      std::string error;
      if (system.apply(Setting::stream_source, place.stream, SettingValue{false, {}, place.source}, error)) {
        restore.result = StreamRestore::Result::put_back;
        moved_any = true;
      } else {
        restore.result = StreamRestore::Result::not_put_back;
        restore.note = "it records \"" + found->source + "\" and could not be moved back to \"" + place.source +
                       "\": " + error;
      }
    } else {
      restore.found = found->source;
    }
    restores.push_back(std::move(restore));
  }
  if (!moved_any) return restores;
  // PipeWire may take a move back a moment later (a stream whose application
  // named a device is relinked there): judge what reads once it settles.
  const std::vector<StreamPlace> settled = system.settled_stream_places();
  for (StreamRestore& restore : restores) {
    if (restore.result != StreamRestore::Result::put_back) continue;
    const StreamPlace* found = find_place(settled, restore.place.stream);
    if (found == nullptr) {
      restore.result = StreamRestore::Result::ended;
      restore.note = "it has ended";
    } else if (found->source != restore.place.source) {
      restore.result = StreamRestore::Result::not_put_back;
      restore.note = "it was moved back to \"" + restore.place.source + "\", but the server would not keep it there (it records \"" +
                     found->source + "\"): move it in the application's own audio settings";
      restore.found = found->source;
    }
  }
  return restores;
}

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
