// The fix planner, the fix loop, the journal's form and undo's decisions,
// from snapshots in memory (SimulatedSystem); and the journal file on disk:
// atomic saves, a corrupt or newer file left alone, an unwritable directory,
// a second writer refused. The sound servers prove the rest
// (tests/servers/test_fix_servers.py).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <sstream>

#include "checks/run_checks.hpp"
#include "fixes/fix_plan.hpp"
#include "fixes/fix_session.hpp"
#include "fixes/journal.hpp"
#include "fixes/undo.hpp"
#include "model/snapshot_json.hpp"
#include "check_test_support.hpp"
#include "platform/linux/journal_file.hpp"

namespace micdoctor::test {
namespace {

Source microphone(const std::string& name, const std::string& bus, const std::string& form_factor, std::uint32_t index) {
  Source s;
  s.index = index;
  s.name = name;
  s.description = name + " description";
  s.kind = SourceKind::microphone;
  s.bus = bus;
  s.form_factor = form_factor;
  s.channels = 2;
  s.sample_rate = 48000;
  return s;
}

Source monitor(const std::string& sink, std::uint32_t index) {
  Source s;
  s.index = index;
  s.name = sink + ".monitor";
  s.description = "Monitor of " + sink;
  s.kind = SourceKind::monitor;
  s.monitor_of = sink;
  return s;
}

Stream stream(std::uint32_t index, const std::string& app, const Source& source) {
  Stream s;
  s.index = index;
  s.application = app;
  s.binary = "zoom";
  s.process_id = 4242;
  s.source_index = source.index;
  s.source = source.name;
  return s;
}

// Everything at once: the headset muted at 20 %, the default on the
// speakers' monitor, Zoom's stream muted at 15 % and recording the monitor.
SystemSnapshot broken_system() {
  SystemSnapshot s;
  s.server.reachable = true;
  s.server.name = "pulseaudio";
  s.sources = {monitor("speakers", 0), microphone("headset", "usb", "headset", 1)};
  s.sources[1].muted = true;
  s.sources[1].volume_percent = 20;
  s.server.default_source = "speakers.monitor";
  s.streams = {stream(7, "ZOOM VoiceEngine", s.sources[0])};
  s.streams[0].muted = true;
  s.streams[0].volume_percent = 15;
  return s;
}

SystemSnapshot fixture(const std::string& name) { return test::fixture_snapshot("snapshots/" + name + ".json"); }

bool any_problem(const std::vector<Finding>& findings) {
  return std::any_of(findings.begin(), findings.end(), is_problem);
}

class Yes : public Consent {
 public:
  Answer approve(const Change& change) override {
    asked.push_back(change.fix);
    return answer;
  }
  Answer answer = Answer::yes;
  std::vector<std::string> asked;
};

// A journal in memory that can be made to fail.
class MemoryJournal : public ChangeJournal {
 public:
  bool before_change(const Change& change, std::string& error) override {
    if (fail) {
      error = "disk full";
      return false;
    }
    entries.push_back(JournalEntry{static_cast<int>(entries.size()) + 1, "t", change, EntryStatus::journalled, {}});
    return true;
  }
  void after_change(const Change& change, bool requested, const std::string& note) override {
    entries.back().status = requested ? EntryStatus::applied : EntryStatus::failed;
    entries.back().note = note;
    entries.back().change.streams_after = change.streams_after;
  }
  bool fail = false;
  std::vector<JournalEntry> entries;
};

// --- the planner -----------------------------------------------------------

TEST(FixPlan, EveryFindingOfTheBrokenSystemGetsItsChange) {
  const SystemSnapshot s = broken_system();
  const std::vector<Change> plan = plan_changes(run_checks(s), s, "");
  std::vector<std::string> fixes;
  fixes.reserve(plan.size());
  for (const Change& c : plan) fixes.push_back(c.fix);
  EXPECT_EQ(fixes, (std::vector<std::string>{"stream.unmute", "stream.raise_volume", "source.unmute",
                                             "source.raise_volume", "default.set", "stream.move"}));
  const Change& unmute = plan[2];
  EXPECT_EQ(unmute.setting, Setting::source_mute);
  EXPECT_EQ(unmute.target.name, "headset");
  EXPECT_TRUE(unmute.from.flag);
  EXPECT_FALSE(unmute.to.flag);
  EXPECT_EQ(plan[3].from.volume_percent, std::vector<double>{20});
  EXPECT_EQ(plan[3].to.volume_percent, std::vector<double>{kFixedVolumePercent});
  EXPECT_EQ(plan[4].from.name, "speakers.monitor");
  EXPECT_EQ(plan[4].to.name, "headset");
  // A stream is named by its index and by who owns it.
  EXPECT_EQ(plan[5].target.stream_index, 7u);
  EXPECT_EQ(plan[5].target.application, "ZOOM VoiceEngine");
  EXPECT_EQ(plan[5].target.process_id, 4242);
  EXPECT_EQ(plan[5].finding, "app.wrong_source");
  EXPECT_EQ(plan[5].finding_device, "stream:7");
}

TEST(FixPlan, DefaultGoesToTheHeadsetNotTheBuiltInMicrophone) {
  SystemSnapshot s = broken_system();
  s.sources.push_back(microphone("internal", "pci", "internal", 2));
  s.server.default_source = "internal";
  s.sources[1].muted = false;
  s.sources[1].volume_percent = 100;
  s.streams.clear();
  const std::vector<Change> plan = plan_changes(run_checks(s), s, "");
  ASSERT_EQ(plan.size(), 1u);
  EXPECT_EQ(plan[0].fix, "default.set");
  EXPECT_EQ(plan[0].to.name, "headset");
}

TEST(FixPlan, AskedDeviceIsWhereTheDefaultGoes) {
  SystemSnapshot s = broken_system();
  s.sources.push_back(microphone("internal", "pci", "internal", 2));
  const std::vector<Change> plan = plan_changes(run_checks(s, "internal"), s, "internal");
  const auto def = std::find_if(plan.begin(), plan.end(), [](const Change& c) { return c.fix == "default.set"; });
  ASSERT_NE(def, plan.end());
  EXPECT_EQ(def->to.name, "internal");
}

TEST(FixPlan, NeverMakesAMonitorTheDefault) {
  SystemSnapshot s;
  s.server.reachable = true;
  s.sources = {monitor("speakers", 0)};
  s.server.default_source = "speakers.monitor";
  EXPECT_TRUE(plan_changes(run_checks(s), s, "").empty());
}

TEST(FixPlan, BluetoothInA2dpSwitchesToTheHeadsetProfileAndSaysWhatItCosts) {
  const SystemSnapshot s = fixture("laptop_bluetooth_a2dp");
  const std::vector<Change> plan = plan_changes(run_checks(s), s, "");
  const auto profile = std::find_if(plan.begin(), plan.end(), [](const Change& c) { return c.fix == "card.set_profile"; });
  ASSERT_NE(profile, plan.end());
  EXPECT_EQ(profile->target.name, "bluez_card.00_1B_66_A1_B2_C3");
  EXPECT_EQ(profile->from.name, "a2dp-sink");
  EXPECT_EQ(profile->to.name, "headset-head-unit");  // mSBC: the higher priority of the two
  EXPECT_NE(profile->cost.find("telephone quality"), std::string::npos);
}

TEST(FixPlan, UnpluggedJackSwitchesToThePluggedPort) {
  const SystemSnapshot s = fixture("desktop_front_jack_unplugged");
  const std::vector<Change> plan = plan_changes(run_checks(s), s, "");
  ASSERT_EQ(plan.size(), 1u);
  EXPECT_EQ(plan[0].fix, "source.set_port");
  EXPECT_EQ(plan[0].from.name, "analog-input-front-mic");
  EXPECT_EQ(plan[0].to.name, "analog-input-rear-mic");
}

TEST(FixPlan, FindingsWithoutAnAutomaticFixPlanNothing) {
  for (const char* name : {"no_server_no_access", "sandboxed_apps_denied", "pci_audio_without_driver"}) {
    const SystemSnapshot s = fixture(name);
    EXPECT_TRUE(plan_changes(run_checks(s), s, "").empty()) << name;
  }
}

// --- the loop --------------------------------------------------------------

TEST(FixLoop, ClearsEveryFindingOfTheBrokenSystem) {
  SimulatedSystem system(broken_system());
  MemoryJournal journal;
  Yes consent;
  const FixRunResult result = run_fixes(system, &journal, consent, FixOptions{});
  EXPECT_TRUE(any_problem(result.findings_before));
  EXPECT_FALSE(any_problem(result.findings_after));
  ASSERT_FALSE(result.changes.empty());
  for (const ChangeOutcome& o : result.changes) {
    EXPECT_EQ(o.status, ChangeStatus::applied) << o.change.fix;
    EXPECT_TRUE(o.resolved) << o.change.fix;
  }
  // Journalled first, each with its old value.
  ASSERT_EQ(journal.entries.size(), result.changes.size());
  EXPECT_EQ(journal.entries[0].change.from.flag, true);
  EXPECT_TRUE(result.stopped.empty());
}

TEST(FixLoop, DeclinedFixesChangeNothingAndStayFindings) {
  SimulatedSystem system(broken_system());
  MemoryJournal journal;
  Yes consent;
  consent.answer = Consent::Answer::no;
  const FixRunResult result = run_fixes(system, &journal, consent, FixOptions{});
  EXPECT_EQ(consent.asked.size(), 6u);  // asked once each, never twice
  EXPECT_TRUE(journal.entries.empty());
  for (const ChangeOutcome& o : result.changes) EXPECT_EQ(o.status, ChangeStatus::declined);
  EXPECT_TRUE(system.read().sources[1].muted);
  EXPECT_TRUE(any_problem(result.findings_after));
}

TEST(FixLoop, OnlyAppliesTheNamedFix) {
  SimulatedSystem system(broken_system());
  MemoryJournal journal;
  Yes consent;
  FixOptions options;
  options.only = "source.unmute";
  const FixRunResult result = run_fixes(system, &journal, consent, options);
  ASSERT_EQ(result.changes.size(), 1u);
  EXPECT_EQ(result.changes[0].change.fix, "source.unmute");
  const SystemSnapshot after = system.read();
  EXPECT_FALSE(after.sources[1].muted);
  EXPECT_EQ(after.sources[1].volume_percent, 20);
}

TEST(FixLoop, DryRunPlansTheWholeChainWithoutAskingOrJournalling) {
  SimulatedSystem system(broken_system());
  Yes consent;
  FixOptions options;
  options.dry_run = true;
  const FixRunResult result = run_fixes(system, nullptr, consent, options);
  EXPECT_TRUE(consent.asked.empty());
  for (const ChangeOutcome& o : result.changes) EXPECT_EQ(o.status, ChangeStatus::planned);
  EXPECT_FALSE(any_problem(result.findings_after));
}

TEST(FixLoop, AJournalThatCannotBeWrittenStopsBeforeAnyChange) {
  const SystemSnapshot before = broken_system();
  SimulatedSystem system(before);
  MemoryJournal journal;
  journal.fail = true;
  Yes consent;
  const FixRunResult result = run_fixes(system, &journal, consent, FixOptions{});
  ASSERT_EQ(result.changes.size(), 1u);
  EXPECT_EQ(result.changes[0].status, ChangeStatus::not_journalled);
  EXPECT_NE(result.stopped.find("disk full"), std::string::npos);
  EXPECT_EQ(snapshot_to_json(system.read()).dump(), snapshot_to_json(before).dump());
}

// A system whose server refuses one setting, or takes it and reverts it.
class StubbornSystem : public SimulatedSystem {
 public:
  StubbornSystem(SystemSnapshot s, bool revert) : SimulatedSystem(std::move(s)), revert_(revert) {}
  bool apply(Setting setting, const ChangeTarget& target, const SettingValue& value, std::string& error) override {
    if (setting != Setting::stream_source) return SimulatedSystem::apply(setting, target, value, error);
    if (!revert_) {
      error = "Not supported";
      return false;
    }
    return true;  // acknowledged, and nothing changes
  }

 private:
  bool revert_;
};

TEST(FixLoop, RefusedAndRevertedChangesAreFailuresWithTheReason) {
  for (const bool revert : {false, true}) {
    SystemSnapshot s = broken_system();
    s.server.default_source = "headset";  // the stream stays on the monitor unless moved
    StubbornSystem system(s, revert);
    MemoryJournal journal;
    Yes consent;
    const FixRunResult result = run_fixes(system, &journal, consent, FixOptions{});
    const auto move = std::find_if(result.changes.begin(), result.changes.end(),
                                   [](const ChangeOutcome& o) { return o.change.fix == "stream.move"; });
    ASSERT_NE(move, result.changes.end());
    EXPECT_EQ(move->status, ChangeStatus::failed);
    EXPECT_NE(move->note.find(revert ? "still reads" : "refused: Not supported"), std::string::npos) << move->note;
    EXPECT_FALSE(move->resolved);
    // Refused: nothing to undo. Acknowledged: kept for undo, which reads what is there.
    EXPECT_EQ(journal.entries.back().status, revert ? EntryStatus::applied : EntryStatus::failed);
  }
}

TEST(FixLoop, ClippingHeardKeepsTheVolumeFromBeingRaised) {
  SystemSnapshot s = broken_system();
  s.sources[1].muted = false;
  s.server.default_source = "headset";
  s.streams.clear();
  SignalAnalysis heard;
  Finding clipping;
  clipping.id = "signal.clipping";
  clipping.severity = Severity::warning;
  heard.findings = {clipping};
  SimulatedSystem system(s);
  MemoryJournal journal;
  Yes consent;
  FixOptions options;
  options.heard = &heard;
  options.heard_source = "headset";
  const FixRunResult result = run_fixes(system, &journal, consent, options);
  ASSERT_EQ(result.changes.size(), 1u);
  EXPECT_EQ(result.changes[0].status, ChangeStatus::withheld);
  EXPECT_NE(result.changes[0].note.find("clipping"), std::string::npos);
  EXPECT_TRUE(consent.asked.empty());
  EXPECT_TRUE(journal.entries.empty());
  EXPECT_EQ(system.read().sources[1].volume_percent, 20);
  // The same without the test: raised.
  SimulatedSystem untested(s);
  EXPECT_EQ(run_fixes(untested, &journal, consent, FixOptions{}).changes[0].status, ChangeStatus::applied);
}

// --- the journal's form ----------------------------------------------------

Journal journal_of(const std::vector<Change>& changes) {
  Journal journal;
  JournalRun run;
  run.id = "20261129T120000Z-1";
  run.started = "2026-11-29T12:00:00Z";
  run.server = "pulseaudio 16.1";
  for (const Change& c : changes) {
    run.entries.push_back(JournalEntry{static_cast<int>(run.entries.size()) + 1, "2026-11-29T12:00:01Z", c,
                                       EntryStatus::applied, {}});
  }
  journal.runs.push_back(run);
  return journal;
}

TEST(JournalForm, RoundTripsExactly) {
  const SystemSnapshot s = broken_system();
  std::vector<Change> plan = plan_changes(run_checks(s), s, "");
  // A 16.16 volume that only a full-precision number carries: 13107/65536.
  plan[3].from.volume_percent = {100.0 * 13107 / 65536, 100.0 * 13108 / 65536};
  const Journal journal = journal_of(plan);
  const std::string text = journal_to_text(journal);
  const Journal back = journal_from_text(text);
  ASSERT_EQ(back.runs.size(), 1u);
  ASSERT_EQ(back.runs[0].entries.size(), plan.size());
  for (std::size_t i = 0; i < plan.size(); ++i) {
    const Change& c = back.runs[0].entries[i].change;
    EXPECT_EQ(c.setting, plan[i].setting);
    EXPECT_EQ(c.target, plan[i].target);
    EXPECT_EQ(c.from, plan[i].from) << i;
    EXPECT_EQ(c.to, plan[i].to) << i;
    EXPECT_EQ(c.fix, plan[i].fix);
  }
  EXPECT_EQ(journal_to_text(back), text);
}

JournalError::Kind error_kind(const std::string& text, std::string* message = nullptr) {
  try {
    journal_from_text(text);
  } catch (const JournalError& e) {
    if (message) *message = e.what();
    return e.kind();
  }
  ADD_FAILURE() << "accepted: " << text;
  return JournalError::Kind::unwritable;
}

TEST(JournalForm, BadFilesAreCorruptAndNamed) {
  std::string message;
  EXPECT_EQ(error_kind("{\"schema\":\"micdoctor.journal/1\",\"runs\":[", &message), JournalError::Kind::corrupt);
  EXPECT_NE(message.find("not valid JSON"), std::string::npos);
  EXPECT_EQ(error_kind("", &message), JournalError::Kind::corrupt);
  EXPECT_EQ(error_kind("{\"schema\":\"micdoctor.check/1\"}", &message), JournalError::Kind::corrupt);
  EXPECT_NE(message.find("not a micdoctor journal"), std::string::npos);
  EXPECT_EQ(error_kind("[1,2]"), JournalError::Kind::corrupt);
  EXPECT_EQ(error_kind(std::string(100, '[') + std::string(100, ']')), JournalError::Kind::corrupt);
  // A valid journal with one field broken: the field is named.
  const SystemSnapshot s = broken_system();
  std::string text = journal_to_text(journal_of(plan_changes(run_checks(s), s, "")));
  const std::string good = text;
  text.replace(text.find("\"muted\": true"), 13, "\"muted\": \"yes\"");
  EXPECT_EQ(error_kind(text, &message), JournalError::Kind::corrupt);
  EXPECT_NE(message.find("runs[0].entries[0].change.from.muted"), std::string::npos) << message;
  text = good;
  text.replace(text.find("\"stream_source\""), 15, "\"frobnicate\"");
  EXPECT_EQ(error_kind(text, &message), JournalError::Kind::corrupt);
  EXPECT_NE(message.find("setting"), std::string::npos) << message;
}

TEST(JournalForm, ReadsAJournalAsAnEarlierRunWroteIt) {
  std::ifstream in(std::string(MICDOCTOR_FIXTURES_DIR) + "/journals/two_runs_one_undone.json");
  std::stringstream text;
  text << in.rdbuf();
  const Journal journal = journal_from_text(text.str());
  ASSERT_EQ(journal.runs.size(), 2u);
  EXPECT_TRUE(needs_undo(journal.runs[0]));  // the first run is still applied
  EXPECT_FALSE(needs_undo(journal.runs[1]));
  EXPECT_TRUE(journal.runs[1].undone);
  const Change& first = journal.runs[0].entries[0].change;
  EXPECT_EQ(first.setting, Setting::stream_mute);
  EXPECT_EQ(first.target.application, "ZOOM VoiceEngine");
  EXPECT_TRUE(first.target.process_id.has_value());
  // Version 1 knew nothing of streams; rewritten without any, it stays
  // version 1 (an older micdoctor can still undo it) and reads back the same.
  EXPECT_TRUE(first.streams_before.empty());
  const std::string rewritten = journal_to_text(journal);
  EXPECT_NE(rewritten.find("micdoctor.journal/1"), std::string::npos);
  EXPECT_EQ(rewritten.find("streams_before"), std::string::npos);
  EXPECT_EQ(journal_to_text(journal_from_text(rewritten)), rewritten);
}

TEST(JournalForm, ANewerVersionIsToldApart) {
  std::string message;
  EXPECT_EQ(error_kind("{\"schema\":\"micdoctor.journal/5\",\"runs\":[],\"new\":1}", &message),
            JournalError::Kind::newer_version);
  EXPECT_NE(message.find("newer micdoctor"), std::string::npos);
}

// --- undo ------------------------------------------------------------------

struct UndoFixture {
  SystemSnapshot original = broken_system();
  SimulatedSystem system{original};
  Journal journal;
  int saves = 0;

  UndoFixture() {
    MemoryJournal memory;
    Yes consent;
    run_fixes(system, &memory, consent, FixOptions{});
    journal.runs.push_back(JournalRun{"run", "t", "pulseaudio", memory.entries, false});
  }
  std::vector<UndoOutcome> undo(std::string& stopped) {
    return undo_run(system, journal.runs[0], [this](std::string&) { return ++saves > 0; }, stopped);
  }
};

TEST(Undo, PutsEverythingBackExactly) {
  UndoFixture f;
  std::string stopped;
  const std::vector<UndoOutcome> outcomes = f.undo(stopped);
  EXPECT_TRUE(stopped.empty());
  for (const UndoOutcome& o : outcomes) EXPECT_EQ(o.result, UndoResult::restored) << o.change.fix;
  EXPECT_EQ(snapshot_to_json(f.system.read()).dump(), snapshot_to_json(f.original).dump());
  EXPECT_TRUE(f.journal.runs[0].undone);
  for (const JournalEntry& e : f.journal.runs[0].entries) EXPECT_EQ(e.status, EntryStatus::undone);
  // Newest first: the last change (stream.move) is put back first.
  EXPECT_EQ(outcomes.front().change.fix, f.journal.runs[0].entries.back().change.fix);
  // A second undo has nothing left to do.
  EXPECT_TRUE(f.undo(stopped).empty());
}

TEST(Undo, LeavesAloneWhatThePersonChangedSince) {
  UndoFixture f;
  std::string error;
  ChangeTarget headset;
  headset.name = "headset";
  f.system.apply(Setting::source_volume, headset, SettingValue{false, {70}, ""}, error);
  std::string stopped;
  const std::vector<UndoOutcome> outcomes = f.undo(stopped);
  const auto volume = std::find_if(outcomes.begin(), outcomes.end(),
                                   [](const UndoOutcome& o) { return o.change.setting == Setting::source_volume; });
  ASSERT_NE(volume, outcomes.end());
  EXPECT_EQ(volume->result, UndoResult::changed_since);
  EXPECT_NE(volume->note.find("70 %"), std::string::npos);
  EXPECT_EQ(f.system.read().sources[1].volume_percent, 70);
  EXPECT_TRUE(f.system.read().sources[1].muted);  // the rest went back
}

TEST(Undo, AChangeThatNeverHappenedIsAlreadyAsBefore) {
  UndoFixture f;
  // Killed after journalling the last change, before making it: put it back by hand.
  JournalEntry& last = f.journal.runs[0].entries.back();
  last.status = EntryStatus::journalled;
  std::string error;
  f.system.apply(last.change.setting, last.change.target, last.change.from, error);
  std::string stopped;
  const std::vector<UndoOutcome> outcomes = f.undo(stopped);
  EXPECT_EQ(outcomes.front().result, UndoResult::already_as_before);
  EXPECT_EQ(snapshot_to_json(f.system.read()).dump(), snapshot_to_json(f.original).dump());
}

TEST(Undo, AStreamThatEndedIsSkipped) {
  UndoFixture f;
  SystemSnapshot without = f.system.read();
  without.streams.clear();
  f.system = SimulatedSystem(without);
  std::string stopped;
  const std::vector<UndoOutcome> outcomes = f.undo(stopped);
  for (const UndoOutcome& o : outcomes) {
    const bool is_stream = o.change.target.stream_index.has_value();
    EXPECT_EQ(o.result, is_stream ? UndoResult::gone : UndoResult::restored) << o.change.fix;
  }
  EXPECT_TRUE(f.journal.runs[0].undone);
}

// A server that cannot be asked decides nothing: the journal keeps the entries.
class Unreachable : public SimulatedSystem {
 public:
  using SimulatedSystem::SimulatedSystem;
  CurrentValue current(Setting, const ChangeTarget&) override { return CurrentValue{std::nullopt, false, "Connection refused"}; }
};

TEST(Undo, NoServerStopsAndForgetsNothing) {
  UndoFixture f;
  Unreachable system(f.system.read());
  std::string stopped;
  const std::vector<UndoOutcome> outcomes =
      undo_run(system, f.journal.runs[0], [](std::string&) { return true; }, stopped);
  EXPECT_NE(stopped.find("Connection refused"), std::string::npos);
  EXPECT_FALSE(f.journal.runs[0].undone);
  for (const JournalEntry& e : f.journal.runs[0].entries) EXPECT_TRUE(needs_undo(e));
}

TEST(Undo, AJournalThatCannotBeWrittenStopsBeforePuttingBack) {
  UndoFixture f;
  const SystemSnapshot fixed = f.system.read();
  std::string stopped;
  undo_run(f.system, f.journal.runs[0], [](std::string& error) { error = "read-only"; return false; }, stopped);
  EXPECT_NE(stopped.find("read-only"), std::string::npos);
  EXPECT_EQ(snapshot_to_json(f.system.read()).dump(), snapshot_to_json(fixed).dump());
}

// --- recording streams across fix and undo ---------------------------------

// A server that moves streams on its own, as PulseAudio 16 does: when the
// default changes, every stream on the old default goes to the new one.
// `move_everything` also moves streams on other sources (as a profile or
// port switch can); `refuse_moves_of` refuses to move one stream.
class MovingServer : public SimulatedSystem {
 public:
  using SimulatedSystem::SimulatedSystem;
  bool apply(Setting setting, const ChangeTarget& target, const SettingValue& value, std::string& error) override {
    if (setting == Setting::stream_source) {
      stream_moves.push_back(target);
      if (target.stream_index == refuse_moves_of || read().find_source(value.name) == nullptr) {
        error = "No such entity";
        return false;
      }
    }
    const std::string old_default = read().server.default_source;
    if (!SimulatedSystem::apply(setting, target, value, error)) return false;
    if (setting != Setting::default_source) return true;
    for (const StreamPlace& place : stream_places(read())) {
      if (place.source == old_default || move_everything) {
        SimulatedSystem::apply(Setting::stream_source, place.stream, SettingValue{false, {}, value.name}, error);
      }
    }
    if (stuck_after_default) motion_polls = 1 << 20;
    return true;
  }
  // The live settle wait (a live server's, not SimulatedSystem's instant one), on a fake clock.
  std::optional<std::vector<StreamPlace>> settled_stream_places() override {
    reading_streams_ = true;
    std::optional<std::vector<StreamPlace>> places =
        SystemAccess::settled_stream_places();  // NOLINT(bugprone-parent-virtual-call): the live wait on purpose
    reading_streams_ = false;
    return places;
  }
  SystemSnapshot read() override {
    SystemSnapshot s = SimulatedSystem::read();
    if (reading_streams_ && streams_unanswered) {
      SystemSnapshot none;  // as a read that timed out: no server, no streams
      none.server.reachable = false;
      return none;
    }
    if (edit_reads) edit_reads(s);
    const std::optional<std::uint32_t> moving = in_motion();
    for (Stream& stream : s.streams) {
      if (stream.index != moving) continue;
      stream.source.clear();
      stream.source_index.reset();
    }
    if (moving && reading_streams_) --motion_polls;
    return s;
  }
  CurrentValue current(Setting setting, const ChangeTarget& target) override {
    if (setting == Setting::stream_source && target.stream_index == in_motion()) {
      return CurrentValue{SettingValue{false, {}, ""}, false, {}};
    }
    return SimulatedSystem::current(setting, target);
  }
  bool move_everything = false;
  std::optional<std::uint32_t> refuse_moves_of;
  bool streams_unanswered = false;  // every reading of the streams times out
  std::function<void(SystemSnapshot&)> edit_reads;
  // A stream the server is moving (its source reads "") for the next `motion_polls` readings of the streams.
  std::optional<std::uint32_t> moving_stream;
  int motion_polls = 0;
  bool stuck_after_default = false;  // after a default change, moving_stream never settles
  std::vector<ChangeTarget> stream_moves;  // every stream move asked of it

 protected:
  void pause(std::chrono::milliseconds duration) override { now_ += duration; }
  std::chrono::steady_clock::time_point clock_now() override { return now_; }

 private:
  std::optional<std::uint32_t> in_motion() const { return motion_polls > 0 ? moving_stream : std::nullopt; }
  bool reading_streams_ = false;
  std::chrono::steady_clock::time_point now_{};
};

bool moved(const MovingServer& server, std::uint32_t index) {
  return std::any_of(server.stream_moves.begin(), server.stream_moves.end(),
                     [&](const ChangeTarget& t) { return t.stream_index == index; });
}

// The broken system, with discord recording the headset (it named it: it
// works) and a module's own stream that is no application's.
SystemSnapshot broken_system_with_discord() {
  SystemSnapshot s = broken_system();
  s.streams.push_back(stream(8, "discord", s.sources[1]));
  s.streams.back().process_id = 5151;
  Stream module = stream(9, "", s.sources[0]);
  module.from_module = true;
  s.streams.push_back(module);
  return s;
}

std::map<std::uint32_t, std::string> where_streams_record(const SystemSnapshot& s) {
  std::map<std::uint32_t, std::string> out;
  for (const Stream& stream : s.streams) out[stream.index] = stream.source;
  return out;
}

const ChangeOutcome& outcome_of(const FixRunResult& result, const std::string& fix) {
  for (const ChangeOutcome& o : result.changes) {
    if (o.change.fix == fix) return o;
  }
  throw std::runtime_error("no " + fix);
}

TEST(FixStreams, AChangeThatCanMoveStreamsJournalsWhereEveryApplicationStreamRecords) {
  MovingServer system(broken_system_with_discord());
  MemoryJournal journal;
  Yes consent;
  run_fixes(system, &journal, consent, FixOptions{});
  for (const JournalEntry& e : journal.entries) {
    if (!can_move_streams(e.change.setting)) {
      EXPECT_TRUE(e.change.streams_before.empty()) << e.change.fix;
      continue;
    }
    ASSERT_EQ(e.change.streams_before.size(), 2u);  // not the module's stream
    EXPECT_EQ(e.change.streams_before[0], (StreamPlace{ChangeTarget{"", 7, "ZOOM VoiceEngine", 4242}, "speakers.monitor"}));
    EXPECT_EQ(e.change.streams_before[1], (StreamPlace{ChangeTarget{"", 8, "discord", 5151}, "headset"}));
  }
}

TEST(FixStreams, AStreamThatFollowedTheDefaultIsReportedAndNotMovedAgain) {
  MovingServer system(broken_system_with_discord());
  MemoryJournal journal;
  Yes consent;
  const FixRunResult result = run_fixes(system, &journal, consent, FixOptions{});
  const ChangeOutcome& default_set = outcome_of(result, "default.set");
  ASSERT_EQ(default_set.streams_moved.size(), 1u);
  EXPECT_EQ(default_set.streams_moved[0].before.stream.stream_index, 7u);
  EXPECT_EQ(default_set.streams_moved[0].moved_to, "headset");
  EXPECT_EQ(default_set.streams_moved[0].kind, StreamMove::Kind::followed);
  EXPECT_NE(default_set.streams_moved[0].note.find("no move was needed"), std::string::npos);
  // The server did stream.move's work: it is neither planned nor made.
  for (const ChangeOutcome& o : result.changes) EXPECT_NE(o.change.fix, "stream.move");
  EXPECT_FALSE(any_problem(result.findings_after));
}

TEST(FixStreams, AStreamMovedOffAnotherSourceIsPutBackAtOnce) {
  SystemSnapshot s = broken_system_with_discord();
  s.sources.push_back(microphone("webcam", "usb", "webcam", 2));
  s.streams[1].source = "webcam";
  s.streams[1].source_index = 2;
  MovingServer system(s);
  system.move_everything = true;
  MemoryJournal journal;
  Yes consent;
  const FixRunResult result = run_fixes(system, &journal, consent, FixOptions{});
  const ChangeOutcome& default_set = outcome_of(result, "default.set");
  ASSERT_EQ(default_set.streams_moved.size(), 2u);
  EXPECT_EQ(default_set.streams_moved[1].kind, StreamMove::Kind::put_back);
  EXPECT_EQ(where_streams_record(system.read())[8], "webcam");
}

TEST(FixStreams, DryRunNamesTheStreamsThatMayFollowTheDefault) {
  SimulatedSystem system(broken_system_with_discord());
  Yes consent;
  FixOptions options;
  options.dry_run = true;
  const FixRunResult result = run_fixes(system, nullptr, consent, options);
  const ChangeOutcome& default_set = outcome_of(result, "default.set");
  ASSERT_EQ(default_set.streams_moved.size(), 1u);  // zoom, on the old default; not discord
  EXPECT_EQ(default_set.streams_moved[0].kind, StreamMove::Kind::expected);
  EXPECT_NE(outcome_of(result, "stream.move").note.find("only if the server does not move it"), std::string::npos);
}

TEST(FixStreams, NobodyToAskIsNotAsked) {
  SimulatedSystem system(broken_system());
  MemoryJournal journal;
  Yes consent;
  consent.answer = Consent::Answer::not_asked;
  const FixRunResult result = run_fixes(system, &journal, consent, FixOptions{});
  ASSERT_FALSE(result.changes.empty());
  for (const ChangeOutcome& o : result.changes) EXPECT_EQ(o.status, ChangeStatus::not_asked);
  EXPECT_EQ(to_string(ChangeStatus::not_asked), "not_asked");
  EXPECT_TRUE(journal.entries.empty());
}

// A Bluetooth headset's profile switch, as a server does it: leaving A2DP
// takes the headset's playback (and its monitor) away, and the streams on
// that monitor are rescued to the default input; the monitor takes streams
// again only once A2DP is back.
class ProfileServer : public SimulatedSystem {
 public:
  using SimulatedSystem::SimulatedSystem;
  static constexpr const char* kCard = "bluez_card.00_1B_66_A1_B2_C3";
  static constexpr const char* kMonitor = "bluez_output.00_1B_66_A1_B2_C3.1.monitor";
  bool apply(Setting setting, const ChangeTarget& target, const SettingValue& value, std::string& error) override {
    if (setting == Setting::stream_source && value.name == kMonitor && !in_a2dp()) {
      error = "No such entity";
      return false;
    }
    if (!SimulatedSystem::apply(setting, target, value, error)) return false;
    if (setting != Setting::card_profile || in_a2dp()) return true;
    const SystemSnapshot now = read();
    for (const StreamPlace& place : stream_places(now)) {
      if (place.source == kMonitor) {
        SimulatedSystem::apply(Setting::stream_source, place.stream, SettingValue{false, {}, now.server.default_source},
                               error);
      }
    }
    return true;
  }

 private:
  bool in_a2dp() { return read().find_card(kCard)->active_profile == "a2dp-sink"; }
};

TEST(FixStreams, AProfileSwitchThatMovesAStreamIsReportedAndUndoPutsItBack) {
  SystemSnapshot s = fixture("laptop_bluetooth_a2dp");
  const Source* monitor = s.find_source(ProfileServer::kMonitor);
  ASSERT_NE(monitor, nullptr);
  s.streams.push_back(stream(30, "OBS Studio", *monitor));
  ProfileServer system(s);
  MemoryJournal memory;
  Yes consent;
  FixOptions options;
  options.only = "card.set_profile";
  const FixRunResult result = run_fixes(system, &memory, consent, options);
  const ChangeOutcome& profile = outcome_of(result, "card.set_profile");
  ASSERT_EQ(profile.change.streams_before.size(), 1u);
  ASSERT_EQ(profile.streams_moved.size(), 1u);
  // Not the default's doing, so not expected: fix tries to put it back, and says why it cannot.
  EXPECT_EQ(profile.streams_moved[0].kind, StreamMove::Kind::not_put_back);
  EXPECT_NE(profile.streams_moved[0].note.find("No such entity"), std::string::npos);
  Journal journal;
  journal.runs.push_back(JournalRun{"run", "t", "pipewire", memory.entries, false});
  std::string stopped;
  const std::vector<UndoOutcome> outcomes =
      undo_run(system, journal.runs[0], [](std::string&) { return true; }, stopped);
  ASSERT_EQ(outcomes.size(), 1u);
  EXPECT_EQ(outcomes[0].result, UndoResult::restored);
  ASSERT_EQ(outcomes[0].streams.size(), 1u);
  EXPECT_EQ(outcomes[0].streams[0].result, StreamRestore::Result::put_back);
  EXPECT_EQ(where_streams_record(system.read()), where_streams_record(s));
  EXPECT_TRUE(journal.runs[0].undone);
}

const UndoOutcome& undo_of(const std::vector<UndoOutcome>& outcomes, const std::string& fix) {
  for (const UndoOutcome& o : outcomes) {
    if (o.change.fix == fix) return o;
  }
  throw std::runtime_error("no undo of " + fix);
}

const JournalEntry& entry_of(const Journal& journal, const std::string& fix) {
  for (const JournalEntry& e : journal.runs[0].entries) {
    if (e.change.fix == fix) return e;
  }
  throw std::runtime_error("no entry " + fix);
}

struct StreamUndoFixture {
  SystemSnapshot original = broken_system_with_discord();
  MovingServer system{original};
  Journal journal;

  StreamUndoFixture() {
    MemoryJournal memory;
    Yes consent;
    run_fixes(system, &memory, consent, FixOptions{});
    journal.runs.push_back(JournalRun{"run", "t", "pulseaudio", memory.entries, false});
  }
  std::vector<UndoOutcome> undo(std::string& stopped) {
    return undo_run(system, journal.runs[0], [](std::string&) { return true; }, stopped);
  }
};

TEST(UndoStreams, EveryStreamIsBackWhereItRecordedIssue12) {
  StreamUndoFixture f;
  EXPECT_EQ(where_streams_record(f.system.read())[8], "headset");
  std::string stopped;
  const std::vector<UndoOutcome> outcomes = f.undo(stopped);
  // Putting the default back moved discord off the headset; undo moved it back.
  EXPECT_EQ(where_streams_record(f.system.read()), where_streams_record(f.original));
  const auto default_set = std::find_if(outcomes.begin(), outcomes.end(),
                                        [](const UndoOutcome& o) { return o.change.fix == "default.set"; });
  ASSERT_NE(default_set, outcomes.end());
  ASSERT_EQ(default_set->streams.size(), 2u);
  EXPECT_EQ(default_set->streams[0].result, StreamRestore::Result::in_place);
  EXPECT_EQ(default_set->streams[1].result, StreamRestore::Result::put_back);
  EXPECT_EQ(default_set->streams[1].found, "speakers.monitor");
  EXPECT_TRUE(f.journal.runs[0].undone);
}

TEST(UndoStreams, AStreamThatCannotBePutBackIsNamedAndTheEntryStaysOpen) {
  StreamUndoFixture f;
  f.system.refuse_moves_of = 8;
  std::string stopped;
  const std::vector<UndoOutcome> outcomes = f.undo(stopped);
  const auto default_set = std::find_if(outcomes.begin(), outcomes.end(),
                                        [](const UndoOutcome& o) { return o.change.fix == "default.set"; });
  ASSERT_NE(default_set, outcomes.end());
  EXPECT_FALSE(default_set->streams_back());
  EXPECT_EQ(default_set->streams[1].result, StreamRestore::Result::not_put_back);
  EXPECT_NE(default_set->streams[1].note.find("No such entity"), std::string::npos);
  EXPECT_FALSE(f.journal.runs[0].undone);  // the next undo tries again
  f.system.refuse_moves_of.reset();
  f.undo(stopped);
  EXPECT_EQ(where_streams_record(f.system.read()), where_streams_record(f.original));
  EXPECT_TRUE(f.journal.runs[0].undone);
}

TEST(UndoStreams, AStreamThatEndedIsNoFailure) {
  StreamUndoFixture f;
  SystemSnapshot now = f.system.read();
  now.streams.erase(now.streams.begin() + 1);  // discord ended
  f.system = MovingServer(now);
  std::string stopped;
  const std::vector<UndoOutcome> outcomes = f.undo(stopped);
  for (const UndoOutcome& o : outcomes) EXPECT_TRUE(o.streams_back()) << o.change.fix;
  const UndoOutcome& default_set = undo_of(outcomes, "default.set");
  ASSERT_EQ(default_set.streams.size(), 2u);
  EXPECT_EQ(default_set.streams[1].place.stream.application, "discord");
  EXPECT_EQ(default_set.streams[1].result, StreamRestore::Result::ended);
  EXPECT_FALSE(moved(f.system, 8));
  EXPECT_TRUE(f.journal.runs[0].undone);
}

// P1: a server that does not answer is not a server without streams.
TEST(FixStreams, AServerThatDoesNotAnswerAboutStreamsStopsTheChangeBeforeItIsMade) {
  MovingServer system(broken_system_with_discord());
  system.streams_unanswered = true;
  MemoryJournal journal;
  Yes consent;
  const FixRunResult result = run_fixes(system, &journal, consent, FixOptions{});
  const ChangeOutcome& default_set = outcome_of(result, "default.set");
  EXPECT_EQ(default_set.status, ChangeStatus::not_journalled);
  EXPECT_NE(result.stopped.find("did not answer"), std::string::npos);
  EXPECT_EQ(system.read().server.default_source, "speakers.monitor");  // nothing changed
  for (const JournalEntry& e : journal.entries) EXPECT_NE(e.change.setting, Setting::default_source);
}

TEST(UndoStreams, AServerThatDoesNotAnswerAboutStreamsStopsAndForgetsNothing) {
  StreamUndoFixture f;
  f.system.streams_unanswered = true;
  std::string stopped;
  const std::vector<UndoOutcome> outcomes = f.undo(stopped);
  EXPECT_NE(stopped.find("did not answer"), std::string::npos);
  for (const UndoOutcome& o : outcomes) {
    for (const StreamRestore& r : o.streams) EXPECT_NE(r.result, StreamRestore::Result::ended);
  }
  EXPECT_FALSE(f.journal.runs[0].undone);
  EXPECT_TRUE(needs_undo(entry_of(f.journal, "default.set")));
  // Once it answers, every stream goes back.
  f.system.streams_unanswered = false;
  stopped.clear();
  f.undo(stopped);
  EXPECT_TRUE(stopped.empty()) << stopped;
  EXPECT_EQ(where_streams_record(f.system.read()), where_streams_record(f.original));
  EXPECT_TRUE(f.journal.runs[0].undone);
}

// P1: a stream whose source is gone cannot ever go back: named once, the entry closed.
TEST(UndoStreams, ASourceGoneIsNamedOnceAndTheEntryClosed) {
  SystemSnapshot s = broken_system_with_discord();
  s.sources.push_back(microphone("webcam", "usb", "webcam", 2));
  s.streams[1].source = "webcam";
  s.streams[1].source_index = 2;
  MovingServer system(s);
  system.move_everything = true;  // the server takes discord along, and fix cannot put it back
  system.refuse_moves_of = 8;
  MemoryJournal memory;
  Yes consent;
  run_fixes(system, &memory, consent, FixOptions{});
  ASSERT_EQ(where_streams_record(system.read())[8], "headset");
  Journal journal;
  journal.runs.push_back(JournalRun{"run", "t", "pulseaudio", memory.entries, false});
  // Then the webcam is unplugged.
  SystemSnapshot unplugged = system.read();
  unplugged.sources.pop_back();
  MovingServer now(unplugged);
  now.move_everything = true;
  std::string stopped;
  const std::vector<UndoOutcome> outcomes =
      undo_run(now, journal.runs[0], [](std::string&) { return true; }, stopped);
  const UndoOutcome& default_set = undo_of(outcomes, "default.set");
  ASSERT_EQ(default_set.streams.size(), 2u);
  EXPECT_EQ(default_set.streams[1].result, StreamRestore::Result::not_put_back);
  EXPECT_FALSE(default_set.streams[1].may_go_away);
  EXPECT_NE(default_set.streams[1].note.find("no longer exists"), std::string::npos);
  EXPECT_FALSE(default_set.streams_back());  // named, exit 1
  EXPECT_TRUE(journal.runs[0].undone);       // once: the next undo does not pick this run again
  EXPECT_TRUE(undo_run(now, journal.runs[0], [](std::string&) { return true; }, stopped).empty());
}

TEST(UndoStreams, AFailureThatMayGoAwayIsTriedAgainAFewTimesThenGivenUp) {
  StreamUndoFixture f;
  f.system.refuse_moves_of = 8;
  std::string stopped;
  for (int attempt = 1; attempt < kMaxStreamUndoAttempts; ++attempt) {
    f.undo(stopped);
    EXPECT_FALSE(f.journal.runs[0].undone) << attempt;
  }
  const std::vector<UndoOutcome> last = f.undo(stopped);
  EXPECT_FALSE(undo_of(last, "default.set").streams_back());
  EXPECT_TRUE(f.journal.runs[0].undone);  // bounded: the journal can be pruned
  EXPECT_EQ(entry_of(f.journal, "default.set").undo_attempts, kMaxStreamUndoAttempts);
  const Journal back = journal_from_text(journal_to_text(f.journal));
  EXPECT_EQ(entry_of(back, "default.set").undo_attempts, kMaxStreamUndoAttempts);
}

// P1/P2: a stream the person moved after the fix is theirs.
TEST(UndoStreams, AStreamMovedByHandAfterTheFixIsLeftThereAndNamed) {
  SystemSnapshot s = broken_system_with_discord();
  s.sources.push_back(microphone("webcam", "usb", "webcam", 2));
  MovingServer system(s);
  MemoryJournal memory;
  Yes consent;
  run_fixes(system, &memory, consent, FixOptions{});
  std::string error;
  ASSERT_TRUE(system.apply(Setting::stream_source, ChangeTarget{"", 7, "ZOOM VoiceEngine", 4242},
                           SettingValue{false, {}, "webcam"}, error));  // by hand
  Journal journal;
  journal.runs.push_back(JournalRun{"run", "t", "pulseaudio", memory.entries, false});
  std::string stopped;
  const std::vector<UndoOutcome> outcomes =
      undo_run(system, journal.runs[0], [](std::string&) { return true; }, stopped);
  const UndoOutcome& default_set = undo_of(outcomes, "default.set");
  ASSERT_EQ(default_set.streams.size(), 2u);
  EXPECT_EQ(default_set.streams[0].result, StreamRestore::Result::changed_since);
  EXPECT_EQ(default_set.streams[0].found, "webcam");
  EXPECT_EQ(default_set.streams[1].result, StreamRestore::Result::put_back);
  EXPECT_FALSE(default_set.streams_back());  // exit 1
  EXPECT_EQ(where_streams_record(system.read())[7], "webcam");
  EXPECT_EQ(where_streams_record(system.read())[8], "headset");
  EXPECT_TRUE(journal.runs[0].undone);
}

// P2: a stream entry read while the server moves it is read again once it settles.
TEST(Undo, AStreamInMotionIsReadOnceItSettles) {
  UndoFixture f;
  MovingServer system(f.system.read());
  system.moving_stream = 7;
  system.motion_polls = 3;
  std::string stopped;
  const std::vector<UndoOutcome> outcomes =
      undo_run(system, f.journal.runs[0], [](std::string&) { return true; }, stopped);
  EXPECT_EQ(undo_of(outcomes, "stream.move").result, UndoResult::restored);
  EXPECT_EQ(where_streams_record(system.read())[7], "speakers.monitor");
}

// P3: when the wait runs out, a stream still in motion is said to be so, not "followed".
TEST(FixStreams, AStreamStillMovingWhenTheWaitRunsOutIsNotCalledFollowed) {
  MovingServer system(broken_system_with_discord());
  system.moving_stream = 7;
  system.stuck_after_default = true;
  MemoryJournal journal;
  Yes consent;
  FixOptions options;
  options.only = "default.set";
  const FixRunResult result = run_fixes(system, &journal, consent, options);
  const ChangeOutcome& default_set = outcome_of(result, "default.set");
  ASSERT_EQ(default_set.streams_moved.size(), 1u);
  EXPECT_EQ(default_set.streams_moved[0].kind, StreamMove::Kind::still_moving);
  EXPECT_FALSE(moved(system, 7));
}

// The same index later used by another application's stream is another stream.
TEST(FixStreams, AnotherStreamWithTheSameIndexIsLeftAlone) {
  SystemSnapshot s = broken_system_with_discord();
  s.sources.push_back(microphone("webcam", "usb", "webcam", 2));
  MovingServer system(s);
  auto replaced = std::make_shared<bool>(false);  // from the default change on
  system.edit_reads = [replaced](SystemSnapshot& snap) {
    *replaced = *replaced || snap.server.default_source == "headset";
    if (!*replaced) return;
    for (Stream& st : snap.streams) {
      if (st.index != 8) continue;  // discord ended; OBS got its number, on the webcam
      st.application = "OBS Studio";
      st.process_id = 999;
      st.source = "webcam";
      st.source_index = 2;
    }
  };
  MemoryJournal memory;
  Yes consent;
  FixOptions options;
  options.only = "default.set";
  const FixRunResult result = run_fixes(system, &memory, consent, options);
  for (const StreamMove& m : outcome_of(result, "default.set").streams_moved) EXPECT_NE(m.before.stream.stream_index, 8u);
  EXPECT_FALSE(moved(system, 8));
  Journal journal;
  journal.runs.push_back(JournalRun{"run", "t", "pulseaudio", memory.entries, false});
  std::string stopped;
  const std::vector<UndoOutcome> outcomes =
      undo_run(system, journal.runs[0], [](std::string&) { return true; }, stopped);
  const UndoOutcome& default_set = undo_of(outcomes, "default.set");
  ASSERT_EQ(default_set.streams.size(), 2u);
  EXPECT_EQ(default_set.streams[1].result, StreamRestore::Result::ended);
  EXPECT_FALSE(moved(system, 8));
}

// The settle wait itself, on a fake clock: a script of readings.
class ScriptedReadings : public SystemAccess {
 public:
  explicit ScriptedReadings(std::vector<SystemSnapshot> readings) : readings_(std::move(readings)) {}
  SystemSnapshot read() override {
    ++reads;
    const std::size_t i = std::min(next_++, readings_.size() - 1);
    return readings_[i];
  }
  CurrentValue current(Setting, const ChangeTarget&) override { return {}; }
  bool apply(Setting, const ChangeTarget&, const SettingValue&, std::string&) override { return false; }
  std::chrono::milliseconds waited() const { return std::chrono::duration_cast<std::chrono::milliseconds>(now_ - start_); }
  int reads = 0;

 protected:
  void pause(std::chrono::milliseconds duration) override { now_ += duration; }
  std::chrono::steady_clock::time_point clock_now() override { return now_; }

 private:
  std::vector<SystemSnapshot> readings_;
  std::size_t next_ = 0;
  std::chrono::steady_clock::time_point start_{};
  std::chrono::steady_clock::time_point now_{};
};

SystemSnapshot zoom_on(const std::string& source) {
  SystemSnapshot s = broken_system();
  if (source.empty()) {
    s.streams[0].source.clear();
    s.streams[0].source_index.reset();
  } else {
    s.streams[0].source = source;
  }
  return s;
}

TEST(SettleWait, WaitsForAMoveToEndAndThenForQuiet) {
  SystemSnapshot silent;
  silent.server.reachable = false;
  // Two readings in motion, one that timed out (ignored), then settled.
  ScriptedReadings server({zoom_on(""), zoom_on(""), silent, zoom_on("headset")});
  const std::optional<std::vector<StreamPlace>> places = server.settled_stream_places();
  ASSERT_TRUE(places.has_value());
  ASSERT_EQ(places->size(), 1u);
  EXPECT_EQ((*places)[0].source, "headset");
  // Settled at the 3rd pause (150 ms), then quiet for kStreamQuietTime.
  EXPECT_GE(server.waited(), std::chrono::milliseconds(150) + kStreamQuietTime);
  EXPECT_LE(server.waited(), std::chrono::milliseconds(200) + kStreamQuietTime);
}

TEST(SettleWait, GivesUpAfterTheLimitAndSaysTheStreamIsStillMoving) {
  ScriptedReadings server({zoom_on("")});
  const std::optional<std::vector<StreamPlace>> places = server.settled_stream_places();
  ASSERT_TRUE(places.has_value());
  EXPECT_EQ((*places)[0].source, "");
  EXPECT_GE(server.waited(), kStreamSettleDeadline);
  EXPECT_LE(server.waited(), kStreamSettleDeadline + std::chrono::milliseconds(50));
}

TEST(SettleWait, NoAnswerIsNotNoStreams) {
  SystemSnapshot silent;
  silent.server.reachable = false;
  ScriptedReadings server({silent, zoom_on("headset")});
  EXPECT_FALSE(server.settled_stream_places().has_value());
  SystemSnapshot no_streams = broken_system();
  no_streams.streams.clear();
  ScriptedReadings empty({no_streams});
  ASSERT_TRUE(empty.settled_stream_places().has_value());
  EXPECT_EQ(empty.reads, 1);  // nothing to wait for
}

TEST(JournalForm, ReadsAVersion2JournalWithStreamPlaces) {
  std::ifstream in(std::string(MICDOCTOR_FIXTURES_DIR) + "/journals/default_set_with_streams_v2.json");
  std::stringstream text;
  text << in.rdbuf();
  const Journal journal = journal_from_text(text.str());
  ASSERT_EQ(journal.runs.size(), 1u);
  const Change& change = journal.runs[0].entries[0].change;
  EXPECT_EQ(change.setting, Setting::default_source);
  ASSERT_EQ(change.streams_before.size(), 2u);
  EXPECT_EQ(change.streams_before[1], (StreamPlace{ChangeTarget{"", 1, "discord", 7002}, "mic"}));
  EXPECT_EQ(journal_to_text(journal), text.str());
}

TEST(JournalForm, StreamPlacesRoundTripAndVersion2RequiresThem) {
  StreamUndoFixture f;
  const std::string text = journal_to_text(f.journal);
  EXPECT_NE(text.find("micdoctor.journal/2"), std::string::npos);
  const Journal back = journal_from_text(text);
  for (std::size_t i = 0; i < f.journal.runs[0].entries.size(); ++i) {
    EXPECT_EQ(back.runs[0].entries[i].change.streams_before, f.journal.runs[0].entries[i].change.streams_before);
    EXPECT_EQ(back.runs[0].entries[i].change.streams_after, f.journal.runs[0].entries[i].change.streams_after);
  }
  // Where fix left each stream is written down: discord stayed on the headset, zoom followed it.
  const JournalEntry& default_set = entry_of(back, "default.set");
  ASSERT_TRUE(default_set.change.streams_after.has_value());
  EXPECT_EQ(*default_set.change.streams_after,
            (std::vector<StreamPlace>{{ChangeTarget{"", 7, "ZOOM VoiceEngine", 4242}, "headset"},
                                      {ChangeTarget{"", 8, "discord", 5151}, "headset"}}));
  std::string message;
  std::string broken = text;
  broken.replace(broken.find("\"streams_before\""), 16, "\"streams_after\"");
  EXPECT_EQ(error_kind(broken, &message), JournalError::Kind::corrupt);
  EXPECT_NE(message.find("streams_before"), std::string::npos) << message;
}

TEST(JournalForm, TooManyStreamsAreRefusedWithTheLimitNamed) {
  StreamUndoFixture f;
  JournalEntry& entry = f.journal.runs[0].entries[0];
  entry.change.streams_before.assign(kMaxJournalStreams + 1, StreamPlace{ChangeTarget{"", 1, "app", 1}, "mic"});
  const std::string text = journal_to_text(f.journal);  // the writer keeps to the limit
  EXPECT_EQ(journal_from_text(text).runs[0].entries[0].change.streams_before.size(), kMaxJournalStreams);
  nlohmann::json doc = nlohmann::json::parse(text);
  doc["runs"][0]["entries"][0]["change"]["streams_before"].push_back(
      doc["runs"][0]["entries"][0]["change"]["streams_before"][0]);
  std::string message;
  EXPECT_EQ(error_kind(doc.dump(), &message), JournalError::Kind::corrupt);
  EXPECT_NE(message.find("more than 1000 streams"), std::string::npos) << message;
}

// --- the journal file ------------------------------------------------------

class JournalFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/micdoctor-journal-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    root_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(root_); }
  std::string root_;
};

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST_F(JournalFileTest, SavesAtomicallyAndReadsBack) {
  linux_system::JournalFile file(root_ + "/state/micdoctor");
  file.open_for_writing();
  EXPECT_TRUE(file.load().runs.empty());  // no file yet: an empty journal
  const SystemSnapshot s = broken_system();
  const Journal journal = journal_of(plan_changes(run_checks(s), s, ""));
  std::string error;
  ASSERT_TRUE(file.save(journal, error)) << error;
  EXPECT_EQ(journal_to_text(file.load()), journal_to_text(journal));
  EXPECT_FALSE(std::filesystem::exists(root_ + "/state/micdoctor/.journal.json.tmp"));
  struct stat info {};
  ASSERT_EQ(::stat((root_ + "/state/micdoctor").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0700u);
  ASSERT_EQ(::stat(file.path().c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
}

TEST_F(JournalFileTest, ACorruptFileIsReportedAndLeftByteForByte) {
  const std::string dir = root_ + "/micdoctor";
  std::filesystem::create_directories(dir);
  const std::string garbage = "{\"schema\":\"micdoctor.journal/1\",\"runs\":[{\"id\":";
  std::ofstream(dir + "/journal.json") << garbage;
  linux_system::JournalFile file(dir);
  file.open_for_writing();
  try {
    file.load();
    FAIL() << "a corrupt journal was accepted";
  } catch (const JournalError& e) {
    EXPECT_EQ(e.kind(), JournalError::Kind::corrupt);
    EXPECT_NE(std::string(e.what()).find(dir + "/journal.json"), std::string::npos);
  }
  EXPECT_EQ(read_file(dir + "/journal.json"), garbage);
}

TEST_F(JournalFileTest, AnUnwritableDirectoryIsToldBeforeAnything) {
  std::ofstream(root_ + "/a-file") << "x";
  linux_system::JournalFile file(root_ + "/a-file/micdoctor");
  try {
    file.open_for_writing();
    FAIL() << "a directory under a file was accepted";
  } catch (const JournalError& e) {
    EXPECT_EQ(e.kind(), JournalError::Kind::unwritable);
  }
}

TEST_F(JournalFileTest, ASecondWriterIsRefused) {
  linux_system::JournalFile first(root_ + "/m");
  first.open_for_writing();
  linux_system::JournalFile second(root_ + "/m");
  try {
    second.open_for_writing();
    FAIL() << "two writers at once";
  } catch (const JournalError& e) {
    EXPECT_NE(std::string(e.what()).find("another micdoctor"), std::string::npos);
  }
}

TEST_F(JournalFileTest, DirectoryFollowsXdgStateHome) {
  ::setenv("XDG_STATE_HOME", "/somewhere/state", 1);
  EXPECT_EQ(linux_system::JournalFile::default_directory(), "/somewhere/state/micdoctor");
  ::setenv("XDG_STATE_HOME", "relative/state", 1);  // invalid by the spec: ignored
  ::setenv("HOME", "/home/ann", 1);
  EXPECT_EQ(linux_system::JournalFile::default_directory(), "/home/ann/.local/state/micdoctor");
  ::unsetenv("XDG_STATE_HOME");
}

}  // namespace
}  // namespace micdoctor::test
