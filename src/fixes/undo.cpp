#include "fixes/undo.hpp"

#include <algorithm>

#include "checks/check_context.hpp"
#include "checks/service_commands.hpp"
#include "fixes/driver_plan.hpp"

namespace micdoctor {
namespace {

const char* const kNoAnswer =
    "the sound server did not answer when asked where recording streams are, so nothing more was decided; "
    "run 'micdoctor undo' again when it answers";

// Whether undo may move a stream that is not where it recorded before the
// fix: only one still where fix left it, or one that putting the setting back
// moved (now or in an undo that was stopped). A stream moved since by anyone
// else is theirs. `before_undo` is its place just before undo changed the
// setting (nullptr when undo changed nothing this time).
bool undo_may_move(const Change& change, const StreamPlace& found, const StreamPlace* before_undo,
                   const SystemSnapshot& sources) {
  if (!change.streams_after) return true;  // where fix left it was never written down (fix was stopped)
  const StreamPlace* left = find_place(*change.streams_after, found.stream);
  if (left == nullptr || left->source.empty()) return true;  // not known either
  const std::string& was = before_undo != nullptr ? before_undo->source : found.source;
  if (was == left->source) return true;  // where fix left it (undo's own change may have moved it since)
  // The default put back (by an undo that stopped before the streams) moves
  // the streams on the fix's default to the old one.
  if (change.setting == Setting::default_source && left->source == change.to.name && found.source == change.from.name) {
    return true;
  }
  // The source fix left it on is gone (a profile or port put back, a device
  // unplugged): the server moved it, not a person.
  return sources.find_source(left->source) == nullptr;
}

// Whether the setting still reads as fix left it. A service's start type
// only: whether it runs is not the person's choice but Windows' (camsvc is
// trigger-started and stops by itself when idle), so a service that stopped
// since is still as fix left it, and undo puts its start type back.
bool still_as_fix_left(const Change& change, const SettingValue& now) {
  if (change.setting == Setting::service_start_type) return now.name == change.to.name;
  return same_value(change.setting, now, change.to);
}

// Undo put a running service's start type back to Disabled: it is not
// stopped (undo never stops an audio service), so nothing changes until the
// next restart, when it does not start. Say so, and how to set it back.
std::string disabled_again_note(const Change& change, const SettingValue& before_undo) {
  if (change.setting != Setting::service_start_type || change.from.name != "disabled" || !before_undo.flag) return "";
  const std::string& name = change.target.name;
  const bool audio = name == "Audiosrv" || name == "AudioEndpointBuilder";
  const std::string target = default_start_type(name);
  return "the service " + name + " stays running now, but it is disabled again and will not start after the next "
         "restart" + (audio ? std::string(" (then no app can use any sound device)") : std::string()) +
         "; to set it back: micdoctor fix --only service.start, or as an administrator '" +
         checks::sc_commands(name, target).front() + "'";
}

StreamRestore not_put_back(StreamRestore restore, bool may_go_away, std::string note) {
  restore.result = StreamRestore::Result::not_put_back;
  restore.may_go_away = may_go_away;
  restore.note = std::move(note);
  return restore;
}

// One stream: where it is now (`found`, nullptr when it ended) and what undo does.
StreamRestore restore_one(SystemAccess& system, const Change& change, const StreamPlace& place, const StreamPlace* found,
                          const StreamPlace* before_undo, const SystemSnapshot& sources, bool& moved) {
  StreamRestore restore{place, {}, StreamRestore::Result::in_place, {}};
  if (found == nullptr) {
    restore.result = StreamRestore::Result::ended;
    restore.note = "it has ended";
    return restore;
  }
  restore.found = found->source;
  if (found->source == place.source) return restore;
  if (found->source.empty()) {
    return not_put_back(restore, true, "the server was still moving it when undo stopped waiting; run 'micdoctor undo' "
                                       "again");
  }
  if (!undo_may_move(change, *found, before_undo, sources)) {
    restore.result = StreamRestore::Result::changed_since;
    restore.note = "it was moved to \"" + found->source + "\" after the fix, not by micdoctor; left there";
    return restore;
  }
  if (sources.find_source(place.source) == nullptr) {
    // Nothing to put it back on, and no later undo will find more (a
    // microphone plugged in again is a new choice for the person).
    return not_put_back(restore, false, "the source \"" + place.source + "\" it recorded no longer exists (unplugged?); "
                                        "it records \"" + found->source + "\"");
  }
  std::string error;
  if (!system.apply(Setting::stream_source, place.stream, SettingValue{false, {}, place.source}, error)) {
    return not_put_back(restore, true, "it records \"" + found->source + "\" and could not be moved back to \"" +
                                           place.source + "\": " + error);
  }
  restore.result = StreamRestore::Result::put_back;
  moved = true;
  return restore;
}

// After the streams: whether the entry is done, or stays open for another
// undo (a failure that may go away, at most kMaxStreamUndoAttempts times).
EntryStatus status_after_streams(JournalEntry& entry, UndoOutcome& outcome, EntryStatus done) {
  if (!outcome.streams_to_retry()) return done;
  entry.undo_attempts += 1;
  if (entry.undo_attempts >= kMaxStreamUndoAttempts) {
    outcome.note += std::string(outcome.note.empty() ? "" : "; ") + "a recording stream could not be put back in " +
                    std::to_string(entry.undo_attempts) + " tries; undo stops trying";
    return done;
  }
  return EntryStatus::applied;  // the next undo tries again
}

UndoOutcome undo_entry(SystemAccess& system, JournalEntry& entry, const std::function<bool(std::string&)>& save,
                       std::string& stopped) {
  const Change& change = entry.change;
  UndoOutcome outcome{change, UndoResult::restored, {}, {}};
  if (change.setting == Setting::firmware_version) {
    // Firmware is never put back by micdoctor: a downgrade is the vendor's
    // and fwupd's business (and not every device allows one).
    outcome.result = UndoResult::not_undoable;
    outcome.note = "micdoctor cannot undo a firmware update; to go back to " + describe_value(change.setting, change.from) +
                   ", if the vendor allows it: fwupdmgr downgrade " +
                   checks::shell_quote(change.target.name);
    entry.status = EntryStatus::skipped;
    entry.note = outcome.note;
    return outcome;
  }
  std::string error;
  CurrentValue current = system.current(change.setting, change.target);
  if (change.setting == Setting::stream_source && current.value && current.value->name.empty()) {
    // The stream is being moved (by a default just put back, say): read it
    // once it has settled, not in motion.
    if (!system.settled_stream_places()) current = CurrentValue{std::nullopt, false, kNoAnswer};
    else current = system.current(change.setting, change.target);
  }
  const std::optional<SettingValue>& now = current.value;
  if (!now && !current.gone) {
    // The server could not be asked: nothing is known, so nothing is decided.
    outcome.result = UndoResult::failed;
    outcome.note = current.error;
    stopped = current.error;
    return outcome;
  }
  std::optional<std::vector<StreamPlace>> before_undo;
  if (!now) {
    outcome.result = UndoResult::gone;
    outcome.note = current.error;
  } else if (same_value(change.setting, *now, change.from)) {
    outcome.result = UndoResult::already_as_before;
  } else if (!still_as_fix_left(change, *now)) {
    outcome.result = UndoResult::changed_since;
    outcome.note = "changed since to " + describe_value(change.setting, *now) + "; left as it is";
  } else if (change.setting == Setting::default_source && change.from.name.empty()) {
    outcome.result = UndoResult::changed_since;
    outcome.note = "there was no default input before, and a server cannot be told to have none; left as it is";
  } else {
    if (!change.streams_before.empty()) {
      // Where the streams are before undo moves any: undo moves back only
      // those still where fix left them, or those its own change moves.
      before_undo = system.settled_stream_places();
      if (!before_undo) {
        outcome.result = UndoResult::failed;
        outcome.note = stopped = kNoAnswer;
        return outcome;
      }
    }
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
    else outcome.note = disabled_again_note(change, *now);
  }
  // The setting is dealt with (or was already as before): now the streams it
  // may have moved, then or just now (PulseAudio moves every stream on the
  // old default when the default changes back).
  if (outcome.result != UndoResult::failed && !change.streams_before.empty()) {
    std::optional<std::vector<StreamRestore>> streams = restore_streams(system, change, before_undo);
    if (!streams) {
      // Saved as it was: the next undo finds the setting as before and does the streams.
      entry.status = EntryStatus::applied;
      outcome.result = UndoResult::failed;
      outcome.note = stopped = kNoAnswer;
      return outcome;
    }
    outcome.streams = std::move(*streams);
  }
  switch (outcome.result) {
    case UndoResult::restored:
    case UndoResult::already_as_before: entry.status = status_after_streams(entry, outcome, EntryStatus::undone); break;
    case UndoResult::changed_since:
    case UndoResult::not_undoable:
    case UndoResult::gone: entry.status = status_after_streams(entry, outcome, EntryStatus::skipped); break;
    case UndoResult::failed: entry.status = EntryStatus::applied; break;
  }
  entry.note = outcome.note;
  return outcome;
}

}  // namespace

bool UndoOutcome::streams_back() const {
  return std::none_of(streams.begin(), streams.end(), [](const StreamRestore& s) {
    return s.result == StreamRestore::Result::not_put_back || s.result == StreamRestore::Result::changed_since;
  });
}

bool UndoOutcome::streams_to_retry() const {
  return std::any_of(streams.begin(), streams.end(), [](const StreamRestore& s) {
    return s.result == StreamRestore::Result::not_put_back && s.may_go_away;
  });
}

std::string_view to_string(StreamRestore::Result result) {
  switch (result) {
    case StreamRestore::Result::in_place: return "in_place";
    case StreamRestore::Result::put_back: return "put_back";
    case StreamRestore::Result::ended: return "ended";
    case StreamRestore::Result::not_put_back: return "not_put_back";
    case StreamRestore::Result::changed_since: return "changed_since";
  }
  return "unknown";
}

std::optional<std::vector<StreamRestore>> restore_streams(SystemAccess& system, const Change& change,
                                                          const std::optional<std::vector<StreamPlace>>& before_undo) {
  std::vector<StreamRestore> restores;
  const std::optional<std::vector<StreamPlace>> now = system.settled_stream_places();
  if (!now) return std::nullopt;
  const SystemSnapshot sources = system.read();
  if (!sources.server.reachable) return std::nullopt;
  bool moved_any = false;
  for (const StreamPlace& place : change.streams_before) {
    if (place.source.empty()) continue;  // it was mid-move when journalled: its place was not known
    const StreamPlace* was = before_undo ? find_place(*before_undo, place.stream) : nullptr;
    restores.push_back(restore_one(system, change, place, find_place(*now, place.stream), was, sources, moved_any));
  }
  if (!moved_any) return restores;
  // PipeWire may take a move back a moment later (a stream whose application
  // named a device is relinked there): judge what reads once it settles.
  const std::optional<std::vector<StreamPlace>> settled = system.settled_stream_places();
  if (!settled) return restores;  // the moves were made; the next undo finds them in place
  for (StreamRestore& restore : restores) {
    if (restore.result != StreamRestore::Result::put_back) continue;
    const StreamPlace* found = find_place(*settled, restore.place.stream);
    if (found == nullptr) {
      restore.result = StreamRestore::Result::ended;
      restore.note = "it has ended";
    } else if (found->source.empty()) {
      restore = not_put_back(restore, true, "it was moved back to \"" + restore.place.source +
                                                "\", but the server was still moving it when undo stopped waiting; run "
                                                "'micdoctor undo' again");
    } else if (found->source != restore.place.source) {
      restore.found = found->source;
      restore = not_put_back(restore, true, "it was moved back to \"" + restore.place.source +
                                                "\", but the server would not keep it there (it records \"" +
                                                found->source + "\"): move it in the application's own audio settings");
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
    case UndoResult::not_undoable: return "not_undoable";
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
