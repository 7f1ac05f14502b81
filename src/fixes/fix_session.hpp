#pragma once
// The fix loop: check, pick the next automatic fix in walk-through order, ask,
// journal, apply, read the system again and judge whether the finding is
// gone; repeat until nothing is left to try. One change at a time, because
// one fix changes what the next should be (a profile switch brings a new
// source, which may then need to become the default).
//
// The system is behind SystemAccess: the sound server for real, or a
// snapshot for --dry-run and for tests. Nothing here touches a device.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "analysis/signal_analyzer.hpp"
#include "fixes/change.hpp"
#include "model/finding.hpp"
#include "model/snapshot.hpp"

namespace micdoctor {

// What the fix loop and undo need from a system.
class SystemAccess {
 public:
  virtual ~SystemAccess() = default;
  // The whole state, as check reads it.
  virtual SystemSnapshot read() = 0;
  // The exact value of one setting now (every channel of a volume).
  virtual CurrentValue current(Setting setting, const ChangeTarget& target) = 0;
  // Changes one setting; false with the server's reason in `error`.
  virtual bool apply(Setting setting, const ChangeTarget& target, const SettingValue& value, std::string& error) = 0;
  // Where every application's recording stream records from, once the server
  // has settled: no stream in the middle of a move, and the same places read
  // for a moment (WirePlumber moves streams a moment after a default changes).
  // Bounded: after kStreamSettleDeadline it returns what it reads (a stream
  // still in motion then reads source ""). nullopt when the server did not
  // answer the first reading: no answer is not "no streams". A reading that
  // fails while waiting is ignored (the last one stands).
  virtual std::optional<std::vector<StreamPlace>> settled_stream_places();

 protected:
  // Waits between two readings of a live system.
  virtual void pause(std::chrono::milliseconds duration);
  // The time the settle wait measures (a test's fake clock replaces both).
  virtual std::chrono::steady_clock::time_point clock_now();
};

// How long stream places must read the same to count as settled, and the
// most settled_stream_places waits.
inline constexpr std::chrono::milliseconds kStreamQuietTime{400};
inline constexpr std::chrono::milliseconds kStreamSettleDeadline{3000};

// Every application stream of a snapshot and the source it records from.
std::vector<StreamPlace> stream_places(const SystemSnapshot& snapshot);

// Every change is written down before it is made, so it can be undone even
// if micdoctor is killed halfway.
class ChangeJournal {
 public:
  virtual ~ChangeJournal() = default;
  // Records the change (with its exact old value) as about to happen. False
  // when it could not be written: then the change must not be made.
  virtual bool before_change(const Change& change, std::string& error) = 0;
  // Records how it went: `requested` when the system took the request (the
  // entry stays one to undo, even if the result is not what was asked).
  virtual void after_change(const Change& change, bool requested, const std::string& note) = 0;
};

// Asks the person before each change (y/N).
class Consent {
 public:
  enum class Answer {
    yes,
    no,         // the person said no
    not_asked,  // there was nobody to ask (no terminal, no --yes)
  };
  virtual ~Consent() = default;
  virtual Answer approve(const Change& change) = 0;
};

struct FixOptions {
  std::string device;                 // --device: the microphone the person means
  std::optional<std::string> only;    // --only FIX_ID
  bool dry_run = false;               // simulate on the snapshot; no journal, no change
  // What a microphone test heard before the fixes (fix --test), and from
  // which source: its joins take part in the plan, and clipping heard keeps
  // the volume from being raised.
  const SignalAnalysis* heard = nullptr;
  std::string heard_source;
  // When heard_source is a filter: its master, recorded at the same time
  // (filter.silences_mic compares the two).
  const SignalAnalysis* heard_master = nullptr;
};

enum class ChangeStatus {
  applied,          // made, and read back as set
  failed,           // the server refused, or it did not read back as set
  declined,         // the person said no
  not_asked,        // nobody could be asked (no terminal and no --yes): not applied
  planned,          // --dry-run: what would be done
  not_journalled,   // could not be written down first, so not made (the run stops)
  withheld,         // not made, because it would make things worse (the note says why)
};
std::string_view to_string(ChangeStatus status);

// A recording stream the server moved on its own when a change was made.
struct StreamMove {
  enum class Kind {
    followed,      // it used the old default and followed the new one, as the person expects
    put_back,      // a move nobody asked for (a stream on another source than the old default):
                   // micdoctor moved it back at once
    not_put_back,  // ...and it could not be moved back (the note says why)
    expected,      // --dry-run: it records the old default and may follow the new one
    still_moving,  // the server was still moving it when the wait ran out: where it lands is not known
  };
  StreamPlace before;    // the stream, and the source it recorded before the change
  std::string moved_to;  // where the server moved it ("" in a dry run)
  Kind kind = Kind::followed;
  std::string note;
};
std::string_view to_string(StreamMove::Kind kind);

struct ChangeOutcome {
  Change change;
  ChangeStatus status = ChangeStatus::planned;
  bool resolved = false;  // the finding it answered is gone after the change
  std::string note;       // why it failed, or what remains
  std::vector<StreamMove> streams_moved;  // what the server did to recording streams on its own
};

struct FixRunResult {
  std::vector<Finding> findings_before;
  std::vector<ChangeOutcome> changes;
  std::vector<Finding> findings_after;   // the check after every change (dry run: as simulated)
  SystemSnapshot snapshot_after;
  std::string stopped;                   // why the run stopped early ("" when it did not)
};

// Sets one setting and reads it back. `requested` says whether the system
// took the request at all; the result is "" when the setting now reads as
// asked, else why not ("the system refused: ...", "... it still reads 20 %").
std::string set_and_verify(SystemAccess& system, Setting setting, const ChangeTarget& target, const SettingValue& value,
                           bool& requested);

// At most this many changes in one run: a loop guard, far above what any
// system needs (one per finding).
inline constexpr int kMaxChangesPerRun = 32;

FixRunResult run_fixes(SystemAccess& system, ChangeJournal* journal, Consent& consent, const FixOptions& options);

// The findings fix works from: the check's, joined with what the test heard
// (when there was a test and its source is still there).
std::vector<Finding> judge(const SystemSnapshot& snapshot, const FixOptions& options);

// A SystemAccess over a snapshot in memory: --dry-run, and the tests.
class SimulatedSystem : public SystemAccess {
 public:
  explicit SimulatedSystem(SystemSnapshot snapshot) : snapshot_(std::move(snapshot)) {}
  SystemSnapshot read() override { return snapshot_; }
  // A snapshot does not move streams by itself: no waiting.
  std::optional<std::vector<StreamPlace>> settled_stream_places() override { return stream_places(snapshot_); }
  CurrentValue current(Setting setting, const ChangeTarget& target) override;
  bool apply(Setting setting, const ChangeTarget& target, const SettingValue& value, std::string& error) override;

 private:
  SystemSnapshot snapshot_;
};

}  // namespace micdoctor
