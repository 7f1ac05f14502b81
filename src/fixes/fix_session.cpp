#include "fixes/fix_session.hpp"

#include <algorithm>
#include <thread>

#include "checks/filter_chain.hpp"
#include "checks/run_checks.hpp"
#include "checks/signal_joins.hpp"
#include "fixes/fix_plan.hpp"

namespace micdoctor {
namespace {

bool finding_present(const std::vector<Finding>& findings, const Change& change) {
  return std::any_of(findings.begin(), findings.end(), [&](const Finding& f) {
    return f.id == change.finding && f.device == change.finding_device;
  });
}

bool already_tried(const std::vector<ChangeOutcome>& done, const Change& change) {
  return std::any_of(done.begin(), done.end(), [&](const ChangeOutcome& o) {
    return o.change.setting == change.setting && o.change.target == change.target;
  });
}

// Raising the volume of a source the test heard clipping (or too loud) at
// its present volume would make the sound worse: the gain is too high before
// the server's volume (the microphone's own gain, Mic Boost).
std::string reason_to_withhold(const Change& change, const FixOptions& options) {
  if (change.fix != "source.raise_volume" || options.heard == nullptr) return {};
  for (const Finding& f : options.heard->findings) {
    if (f.id == "signal.clipping" || f.id == "signal.too_loud") {
      return "the test heard " + std::string(f.id == "signal.clipping" ? "clipping" : "a voice too loud") +
             " at the present volume: raising it would make that worse. Lower the microphone's own gain first "
             "(its knob, or Mic Boost in alsamixer), then raise the volume";
    }
  }
  return {};
}

// Fixes made only when the person names them (fix --only ID), never in a
// plain fix or fix --yes: a firmware update cannot be undone by micdoctor.
bool only_when_asked_by_id(const Change& change) { return change.setting == Setting::firmware_version; }

// The next change to consider: the first planned one not tried yet.
std::optional<Change> next_change(const std::vector<Finding>& findings, const SystemSnapshot& snapshot,
                                  const FixOptions& options, const std::vector<ChangeOutcome>& done) {
  for (Change& change : plan_changes(findings, snapshot, options.device)) {
    if (options.only && change.fix != *options.only) continue;
    if (!options.only && only_when_asked_by_id(change)) continue;
    if (!already_tried(done, change)) return std::move(change);
  }
  return std::nullopt;
}

// A change the server acknowledged but that the state read afresh does not
// show did not work, whatever the acknowledgement said. (pipewire-pulse
// acknowledges moving a stream that named its device, and may even report
// it moved on the connection that asked, while WirePlumber keeps it where
// it was.)
void note_if_not_taken(const SystemSnapshot& snapshot, ChangeOutcome& outcome) {
  const Change& change = outcome.change;
  const std::optional<SettingValue> now = value_in_snapshot(snapshot, change.setting, change.target);
  if (!now || same_value(change.setting, *now, change.to)) return;
  outcome.status = ChangeStatus::failed;
  outcome.note = "the system acknowledged the change, but it did not take: it reads " +
                 describe_value(change.setting, *now) + " again";
}

// Whether the person expects the server's move of this stream: a stream on
// the old default was using the default, and making a better microphone the
// default is meant to bring it there (PulseAudio cannot tell a stream that
// named its device from one that did not: both move). A stream on any other
// source (moved by a profile or port switch) was not asked to move.
bool move_expected(const Change& change, const StreamPlace& before) {
  return change.setting == Setting::default_source && before.source == change.from.name;
}

const char* const kNoAnswerAfter =
    "the sound server did not answer when asked where recording streams went; run 'micdoctor check -v' to see";

// After a change that can move streams: what the server did to each stream
// on its own. A move the person expects is reported; any other is undone
// at once (the journal entry of the change already holds where every stream
// was, so a crash here leaves undo able to finish the job). `left` is where
// every stream records once this is done (nullopt if the server did not
// answer), for the journal.
std::vector<StreamMove> settle_streams(SystemAccess& system, const Change& change,
                                       std::optional<std::vector<StreamPlace>>& left) {
  std::vector<StreamMove> moves;
  left = system.settled_stream_places();
  if (!left) return moves;
  const std::vector<StreamPlace> after = *left;
  for (const StreamPlace& before : change.streams_before) {
    const StreamPlace* now = find_place(after, before.stream);
    if (now == nullptr || now->source == before.source || before.source.empty()) continue;
    StreamMove move{before, now->source, StreamMove::Kind::followed, {}};
    if (now->source.empty()) {
      // The wait ran out while the server was still moving it: neither
      // "followed" nor safe to move.
      move.kind = StreamMove::Kind::still_moving;
      move.note = "the server was still moving it when micdoctor stopped waiting; where it ends up is not known "
                  "(run 'micdoctor check -v' to see)";
    } else if (move_expected(change, before)) {
      move.note = "it followed the new default; no move was needed";
    } else {
      std::string error;
      if (system.apply(Setting::stream_source, before.stream, SettingValue{false, {}, before.source}, error)) {
        move.kind = StreamMove::Kind::put_back;
        move.note = "the server moved it along; it recorded \"" + before.source + "\" before, so it was put back there";
      } else {
        move.kind = StreamMove::Kind::not_put_back;
        move.note = "the server moved it along, and it could not be put back on \"" + before.source + "\": " + error;
      }
    }
    moves.push_back(std::move(move));
  }
  // A server can take a move back a moment later (WirePlumber relinks a
  // stream to the device its application named): judge what reads now.
  if (std::none_of(moves.begin(), moves.end(), [](const StreamMove& m) { return m.kind == StreamMove::Kind::put_back; })) {
    return moves;
  }
  left = system.settled_stream_places();
  if (!left) return moves;
  for (StreamMove& move : moves) {
    if (move.kind != StreamMove::Kind::put_back) continue;
    const StreamPlace* now = find_place(*left, move.before.stream);
    if (now != nullptr && now->source != move.before.source) {
      move.kind = StreamMove::Kind::not_put_back;
      move.note = "the server moved it along, and it would not stay on \"" + move.before.source + "\" (it records \"" +
                  (now->source.empty() ? std::string("nothing yet: still moving") : now->source) + "\")";
    }
  }
  return moves;
}

// --dry-run: a snapshot cannot tell which streams follow the default, so
// name the ones that may (every stream on the old default, on PulseAudio).
std::vector<StreamMove> expected_moves(const Change& change) {
  std::vector<StreamMove> moves;
  if (change.setting != Setting::default_source) return moves;
  for (const StreamPlace& place : change.streams_before) {
    if (place.source.empty() || place.source != change.from.name) continue;
    moves.push_back(StreamMove{place, "", StreamMove::Kind::expected,
                               "it records the old default and may follow the new one (PulseAudio moves every stream "
                               "on the old default; PipeWire those that follow it); a real run says what the server did"});
  }
  return moves;
}

bool expected_to_follow(const std::vector<ChangeOutcome>& done, const ChangeTarget& stream) {
  return std::any_of(done.begin(), done.end(), [&](const ChangeOutcome& o) {
    return std::any_of(o.streams_moved.begin(), o.streams_moved.end(), [&](const StreamMove& m) {
      return m.kind == StreamMove::Kind::expected && same_stream(m.before.stream, stream);
    });
  });
}

}  // namespace

std::vector<StreamPlace> stream_places(const SystemSnapshot& snapshot) {
  std::vector<StreamPlace> places;
  for (const Stream& stream : snapshot.streams) {
    if (stream.from_module) continue;
    places.push_back(StreamPlace{
        ChangeTarget{"", stream.index, stream.application.empty() ? stream.binary : stream.application,
                     stream.process_id},
        stream.source_index ? stream.source : ""});
  }
  return places;
}

std::optional<std::vector<StreamPlace>> SystemAccess::settled_stream_places() {
  const auto pending = [](const std::vector<StreamPlace>& places) {
    return std::any_of(places.begin(), places.end(), [](const StreamPlace& p) { return p.source.empty(); });
  };
  const auto start = clock_now();
  SystemSnapshot first = read();
  if (!first.server.reachable) return std::nullopt;
  std::vector<StreamPlace> places = stream_places(first);
  // No stream to move (and none on Windows, whose snapshot lists none): nothing to wait for.
  if (places.empty()) return places;
  auto unchanged_since = clock_now();
  while (clock_now() - start < kStreamSettleDeadline) {
    if (!pending(places) && clock_now() - unchanged_since >= kStreamQuietTime) break;
    pause(std::chrono::milliseconds(50));
    const SystemSnapshot snapshot = read();
    if (!snapshot.server.reachable) continue;  // one poll that failed: the last reading stands
    std::vector<StreamPlace> now = stream_places(snapshot);
    if (now != places) {
      places = std::move(now);
      unchanged_since = clock_now();
    }
  }
  return places;
}

void SystemAccess::pause(std::chrono::milliseconds duration) { std::this_thread::sleep_for(duration); }

std::chrono::steady_clock::time_point SystemAccess::clock_now() { return std::chrono::steady_clock::now(); }

std::string_view to_string(StreamMove::Kind kind) {
  switch (kind) {
    case StreamMove::Kind::followed: return "followed";
    case StreamMove::Kind::put_back: return "put_back";
    case StreamMove::Kind::not_put_back: return "not_put_back";
    case StreamMove::Kind::expected: return "expected";
    case StreamMove::Kind::still_moving: return "still_moving";
  }
  return "unknown";
}

std::string_view to_string(ChangeStatus status) {
  switch (status) {
    case ChangeStatus::applied: return "applied";
    case ChangeStatus::failed: return "failed";
    case ChangeStatus::declined: return "declined";
    case ChangeStatus::not_asked: return "not_asked";
    case ChangeStatus::planned: return "planned";
    case ChangeStatus::not_journalled: return "not_journalled";
    case ChangeStatus::withheld: return "withheld";
  }
  return "unknown";
}

FixRunResult run_fixes(SystemAccess& system, ChangeJournal* journal, Consent& consent, const FixOptions& options) {
  FixRunResult result;
  SystemSnapshot snapshot = system.read();
  std::vector<Finding> findings = judge(snapshot, options);
  result.findings_before = findings;
  while (static_cast<int>(result.changes.size()) < kMaxChangesPerRun) {
    std::optional<Change> next = next_change(findings, snapshot, options, result.changes);
    if (!next) break;
    ChangeOutcome outcome{std::move(*next), ChangeStatus::planned, false, {}, {}};
    Change& change = outcome.change;
    if (std::string why = reason_to_withhold(change, options); !why.empty()) {
      outcome.status = ChangeStatus::withheld;
      outcome.note = std::move(why);
      result.changes.push_back(std::move(outcome));
      continue;
    }
    if (!options.dry_run) {
      const Consent::Answer answer = consent.approve(change);
      if (answer != Consent::Answer::yes) {
        outcome.status = answer == Consent::Answer::no ? ChangeStatus::declined : ChangeStatus::not_asked;
        result.changes.push_back(std::move(outcome));
        continue;
      }
    }
    // The exact value now (every channel), not the snapshot's summary: that
    // is what undo must put back.
    const CurrentValue now = system.current(change.setting, change.target);
    if (!now.value) {
      outcome.status = ChangeStatus::failed;
      outcome.note = now.error;
      result.changes.push_back(std::move(outcome));
      continue;
    }
    change.from = *now.value;
    if (can_move_streams(change.setting)) {
      std::optional<std::vector<StreamPlace>> places = system.settled_stream_places();
      if (!places) {
        // No answer is not "no streams": journalling an empty list would
        // let undo forget every stream this change moves.
        outcome.status = ChangeStatus::not_journalled;
        outcome.note = "the sound server did not answer when asked where recording streams are";
        result.stopped = outcome.note + ", so the change was not made: undo could not put them back";
        result.changes.push_back(std::move(outcome));
        break;
      }
      change.streams_before = std::move(*places);
    }
    std::string error;
    // Whether the system took the request at all: then the journal keeps the
    // entry as one to undo, even when the result is not what was asked (undo
    // reads the setting and puts back only what changed).
    bool requested = false;
    if (!options.dry_run) {
      if (journal == nullptr || !journal->before_change(change, error)) {
        outcome.status = ChangeStatus::not_journalled;
        outcome.note = error;
        result.stopped = "the change could not be written to the journal first (" + error +
                         "), so it was not made: every change must be undoable";
        result.changes.push_back(std::move(outcome));
        break;
      }
      outcome.note = set_and_verify(system, change.setting, change.target, change.to, requested);
      outcome.status = outcome.note.empty() ? ChangeStatus::applied : ChangeStatus::failed;
      if (requested && !change.streams_before.empty()) {
        outcome.streams_moved = settle_streams(system, change, change.streams_after);
        if (!change.streams_after) outcome.note += (outcome.note.empty() ? "" : "; ") + std::string(kNoAnswerAfter);
      }
    } else {
      system.apply(change.setting, change.target, change.to, error);
      outcome.streams_moved = expected_moves(change);
      if (change.setting == Setting::stream_source && expected_to_follow(result.changes, change.target)) {
        outcome.note = "needed only if the server does not move it with the new default by itself";
      }
      if (change.setting == Setting::card_profile) {
        outcome.note = "the microphone this profile brings appears only after the switch; a real run then also "
                       "checks whether it should become the default input";
      }
    }
    snapshot = system.read();
    findings = judge(snapshot, options);
    outcome.resolved = !finding_present(findings, change);
    if (outcome.status == ChangeStatus::applied && !outcome.resolved) note_if_not_taken(snapshot, outcome);
    if (!options.dry_run) journal->after_change(change, requested, outcome.note);
    result.changes.push_back(std::move(outcome));
  }
  result.findings_after = std::move(findings);
  result.snapshot_after = std::move(snapshot);
  return result;
}

std::string set_and_verify(SystemAccess& system, Setting setting, const ChangeTarget& target, const SettingValue& value,
                           bool& requested) {
  std::string error;
  requested = system.apply(setting, target, value, error);
  if (!requested) return "the system refused: " + error;
  const CurrentValue after = system.current(setting, target);
  if (!after.value) return "it could not be read back: " + after.error;
  if (!same_value(setting, *after.value, value)) {
    return "the system accepted it, but it still reads " + describe_value(setting, *after.value);
  }
  return {};
}

std::vector<Finding> judge(const SystemSnapshot& snapshot, const FixOptions& options) {
  std::vector<Finding> findings = run_checks(snapshot, options.device);
  if (options.heard == nullptr) return findings;
  const Source* source = snapshot.find_source(options.heard_source);
  if (source == nullptr) return findings;
  findings = join_signal_with_state(JoinInput{snapshot, *source, findings, *options.heard});
  const Source* master = source->filter.empty() ? nullptr : snapshot.find_source(source->master);
  if (options.heard_master == nullptr || master == nullptr) return findings;
  std::vector<Finding> lost = compare_filter_with_master(
      FilterRecording{snapshot, *source, *master, options.heard->metrics, options.heard_master->metrics});
  if (lost.empty()) return findings;
  // The filter losing the voice explains what the recording of it showed.
  std::erase_if(findings, [](const Finding& f) { return f.id.rfind("signal.", 0) == 0 && is_problem(f); });
  findings.insert(findings.end(), lost.begin(), lost.end());
  std::stable_sort(findings.begin(), findings.end(), [](const Finding& a, const Finding& b) { return a.step < b.step; });
  return findings;
}

CurrentValue SimulatedSystem::current(Setting setting, const ChangeTarget& target) {
  CurrentValue now;
  now.value = value_in_snapshot(snapshot_, setting, target);
  if (!now.value) {
    now.gone = true;
    now.error = describe_target(setting, target) + " no longer exists";
  }
  return now;
}

bool SimulatedSystem::apply(Setting setting, const ChangeTarget& target, const SettingValue& value, std::string& error) {
  if (!value_in_snapshot(snapshot_, setting, target)) {
    error = describe_target(setting, target) + " no longer exists";
    return false;
  }
  apply_to_snapshot(snapshot_, setting, target, value);
  return true;
}

}  // namespace micdoctor
