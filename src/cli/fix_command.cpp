// `fix` and `undo`: the fix loop (fixes/fix_session) against the running
// system, with consent, the journal written before every change, and undo
// from that journal. The decisions live in src/fixes; this file parses,
// wires the pieces and prints.
#include "cli/fix_command.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>

#include "checks/check_catalog.hpp"
#include "checks/run_checks.hpp"
#include "checks/signal_joins.hpp"
#include "cli/command_line.hpp"
#include "cli/fix_journal.hpp"
#include "cli/mic_test.hpp"
#include "cli/snapshot_file.hpp"
#include "fixes/fix_session.hpp"
#include "fixes/journal.hpp"
#include "fixes/setting_value_json.hpp"
#include "fixes/undo.hpp"
#include "model/snapshot_json.hpp"
#include "platform/platform.hpp"
#include "report/analysis_report.hpp"
#include "report/check_report.hpp"
#include "report/terminal.hpp"

namespace micdoctor::cli {
namespace {

// "only this fix: a, b, c,\n d, ..." from the catalogue, so a new fix is listed.
std::string only_help() {
  std::string text = "only this fix:";
  std::size_t line = text.size();
  bool first = true;
  for (const FixId fix : all_fixes()) {
    const std::string id(fix_id(fix));
    const std::string sep = first ? " " : ", ";
    if (line + sep.size() + id.size() > 72) {
      text += first ? "\n" : ",\n";
      line = 0;
    } else {
      text += sep;
      line += sep.size();
    }
    text += id;
    line += id.size();
    first = false;
  }
  return text;
}


using Json = nlohmann::ordered_json;

inline constexpr const char* kFixSchema = "micdoctor.fix/1";
inline constexpr const char* kUndoSchema = "micdoctor.undo/1";

struct FixCommandOptions {
  FixOptions fix;
  bool yes = false;
  bool json = false;
  std::string snapshot_file;  // --dry-run on a saved snapshot
  std::optional<double> test_seconds;  // --test: listen before the fixes, and again after
};

// The microphone tests of a fix run: before (planning), after (verifying).
struct Listening {
  std::string source;
  std::optional<MicTestRun> before;
  std::optional<SignalAnalysis> master_before;  // the filter's master, recorded with it
  std::optional<MicTestRun> after;
};

struct UndoCommandOptions {
  bool list = false;
  bool all = false;
  bool json = false;
};

bool is_fix_id(const std::string& id) { return fix_from_id(id).has_value(); }

// Declares and parses fix's options; nullopt to run, or the exit status.
std::optional<int> parse_fix(const std::vector<std::string>& args, FixCommandOptions& o) {
  CommandLine line("fix", "Apply the automatic fixes check found, one by one, asking first.\n"
                          "Every change is journalled before it is made: 'micdoctor undo' puts it back.");
  CLI::App& app = line.app();
  app.footer("exit status: 0 nothing left to fix, 1 problems remain, 2 could not run");
  std::string format = "text";
  std::string test_seconds;
  std::string only;
  app.add_option("--device", o.fix.device, "the microphone to fix and point things at (default: the best one)")
      ->type_name("ID");
  app.add_flag("-y,--yes", o.yes, "apply every fix without asking");
  app.add_flag("-n,--dry-run", o.fix.dry_run, "show exactly what would change (old and new values); change nothing");
  app.add_option("--only", only, only_help())->type_name("FIX_ID");
  app.add_option("--format", format, "text (default) or json")->type_name("text|json");
  app.add_option("--test", test_seconds, "listen first (default 5 s), plan from what it hears, listen again after")
      ->expected(0, 1)
      ->type_name("[SECONDS]");
  app.add_option("--snapshot", o.snapshot_file, "with --dry-run: plan the fixes for a saved check report")
      ->type_name("FILE");
  if (const auto status = line.parse(args)) return status;

  if (line.given("--device") && o.fix.device.empty()) {
    return line.error("--device needs a device id (see 'micdoctor devices')");
  }
  if (line.given("--only")) {
    if (!is_fix_id(only)) {
      return line.error("--only needs a fix id (source.unmute, default.set, ...; see 'micdoctor help fix'), not '" +
                        escape_for_terminal(only) + "'");
    }
    o.fix.only = only;
  }
  if (format != "text" && format != "json") return line.error("--format must be text or json");
  o.json = format == "json";
  if (line.given("--test")) {
    o.test_seconds = test_seconds.empty() ? std::optional<double>(5.0) : parse_test_seconds(test_seconds);
    if (!o.test_seconds) return line.error("--test takes seconds from 0.5 to 60");
  }
  if (!o.snapshot_file.empty() && !o.fix.dry_run) {
    return line.error("--snapshot describes another system: it only goes with --dry-run");
  }
  if (!o.snapshot_file.empty() && o.test_seconds) {
    return line.error("--snapshot judges a saved state; it cannot listen to a microphone");
  }
  return std::nullopt;
}

// Declares and parses undo's options; nullopt to run, or the exit status.
std::optional<int> parse_undo(const std::vector<std::string>& args, UndoCommandOptions& o) {
  CommandLine line("undo", "Put back what the last fix run changed, from the journal.");
  CLI::App& app = line.app();
  app.footer("exit status: 0 everything put back, 1 something could not be put back, 2 could not run");
  std::string format = "text";
  app.add_flag("--all", o.all, "every fix run not undone yet, newest first");
  app.add_flag("--list", o.list, "show the journal; change nothing");
  app.add_option("--format", format, "text (default) or json")->type_name("text|json");
  if (const auto status = line.parse(args)) return status;
  if (format != "text" && format != "json") return line.error("--format must be text or json");
  o.json = format == "json";
  return std::nullopt;
}

// Asks on the terminal; without one (and without --yes) nothing is applied.
class TerminalConsent : public Consent {
 public:
  explicit TerminalConsent(bool yes) : yes_(yes), terminal_(isatty(STDIN_FILENO) != 0) {}
  Answer approve(const Change& change) override {
    if (yes_) return Answer::yes;
    if (!terminal_) {
      not_asked_ = true;
      return Answer::not_asked;
    }
    std::fprintf(stderr, "\n%s\n  (%s -> %s)\n", escape_for_terminal(change.summary).c_str(),
                 escape_for_terminal(describe_value(change.setting, change.from)).c_str(),
                 escape_for_terminal(describe_value(change.setting, change.to)).c_str());
    if (!change.cost.empty()) std::fprintf(stderr, "  Note: %s\n", escape_for_terminal(change.cost).c_str());
    std::fputs("Apply this fix? [y/N] ", stderr);
    std::fflush(stderr);
    std::string answer;
    if (!std::getline(std::cin, answer)) return Answer::no;
    return answer == "y" || answer == "Y" || answer == "yes" || answer == "Yes" ? Answer::yes : Answer::no;
  }
  bool not_asked() const { return not_asked_; }

 private:
  bool yes_;
  bool terminal_;
  bool not_asked_ = false;
};

Json change_json(const Change& c) {
  return Json{{"fix", c.fix},
              {"finding", c.finding},
              {"device", c.finding_device.empty() ? Json(nullptr) : Json(c.finding_device)},
              {"setting", std::string(to_string(c.setting))},
              {"target", describe_target(c.setting, c.target)},
              {"from", setting_value_json(c.setting, c.from)},
              {"to", setting_value_json(c.setting, c.to)},
              {"summary", c.summary},
              {"cost", c.cost.empty() ? Json(nullptr) : Json(c.cost)}};
}

Json stream_json(const StreamPlace& place) {
  return Json{{"stream", place.stream.stream_index ? Json(*place.stream.stream_index) : Json(nullptr)},
              {"application", place.stream.application},
              {"process_id", place.stream.process_id ? Json(*place.stream.process_id) : Json(nullptr)},
              {"source_before", place.source}};
}

Json streams_moved_json(const std::vector<StreamMove>& moves) {
  Json list = Json::array();
  for (const StreamMove& m : moves) {
    Json j = stream_json(m.before);
    j["moved_to"] = m.moved_to.empty() ? Json(nullptr) : Json(m.moved_to);
    j["result"] = std::string(to_string(m.kind));
    j["note"] = m.note;
    list.push_back(std::move(j));
  }
  return list;
}

std::string dump(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

std::vector<Finding> problems(const std::vector<Finding>& findings) {
  std::vector<Finding> out;
  std::copy_if(findings.begin(), findings.end(), std::back_inserter(out), is_problem);
  return out;
}

Json signal_json(const std::optional<MicTestRun>& test, const std::string& source) {
  if (!test) return nullptr;
  Json j{{"source", source}, {"seconds", std::round(test->outcome.seconds_received * 1000.0) / 1000.0}};
  if (test->outcome.stopped_when_certain) j["stopped"] = "verdict_certain";  // issue 16, additive
  if (!test->analysis) {
    j["error"] = test->outcome.error;
    return j;
  }
  const Json body = analysis_body_json(*test->analysis);
  for (auto it = body.begin(); it != body.end(); ++it) j[it.key()] = *it;
  return j;
}

void print_fix_json(const FixRunResult& result, const FixCommandOptions& o, const std::string& run,
                    const std::string& journal_path, const Listening& listening) {
  Json changes = Json::array();
  for (const ChangeOutcome& outcome : result.changes) {
    Json c = change_json(outcome.change);
    c["status"] = std::string(to_string(outcome.status));
    c["resolved"] = outcome.resolved;
    c["note"] = outcome.note.empty() ? Json(nullptr) : Json(outcome.note);
    c["streams_moved"] = streams_moved_json(outcome.streams_moved);
    changes.push_back(c);
  }
  Json remaining = Json::array();
  for (const Finding& f : problems(result.findings_after)) remaining.push_back(check_finding_to_json(f));
  const Json report{{"schema", kFixSchema},
                    {"dry_run", o.fix.dry_run},
                    {"run", run.empty() ? Json(nullptr) : Json(run)},
                    {"journal", journal_path.empty() ? Json(nullptr) : Json(journal_path)},
                    {"changes", changes},
                    {"remaining", remaining},
                    {"stopped", result.stopped.empty() ? Json(nullptr) : Json(result.stopped)},
                    {"signal_before", signal_json(listening.before, listening.source)},
                    {"signal_after", signal_json(listening.after, listening.source)}};
  std::printf("%s\n", dump(report).c_str());
}

Severity status_severity(ChangeStatus status, bool resolved) {
  if (status == ChangeStatus::applied) return resolved ? Severity::info : Severity::warning;
  if (status == ChangeStatus::planned) return Severity::info;
  if (status == ChangeStatus::declined || status == ChangeStatus::not_asked || status == ChangeStatus::withheld) {
    return Severity::warning;
  }
  return Severity::error;
}

std::string heard_text(const std::optional<MicTestRun>& test, const char* when, const TextStyle& style) {
  if (!test) return {};
  if (!test->analysis) return std::string("The test ") + when + " could not record: " + escape_for_terminal(test->outcome.error) + "\n";
  std::string out = std::string("The test ") + when + " heard:\n";
  for (const Finding& f : test->analysis->findings) {
    out += "  " + severity_mark(f.severity, style) + " " + escape_for_terminal(f.title) + "\n";
  }
  return out;
}

void print_fix_text(const FixRunResult& result, const FixCommandOptions& o, const TerminalConsent& consent,
                    const std::string& run, const Listening& listening) {
  const TextStyle style = detect_text_style(STDOUT_FILENO);
  std::string out = heard_text(listening.before, "before the fixes", style);
  const auto applied = std::count_if(result.changes.begin(), result.changes.end(),
                                     [](const ChangeOutcome& c) { return c.status == ChangeStatus::applied; });
  if (o.fix.dry_run) {
    out += "micdoctor fix --dry-run: " + std::to_string(result.changes.size()) +
           (result.changes.size() == 1 ? " change" : " changes") + " would be made; nothing was changed.\n";
  } else if (result.changes.empty()) {
    out += "micdoctor fix: there is nothing micdoctor can fix automatically.\n";
  } else {
    out += "micdoctor fix: " + std::to_string(applied) + " of " + std::to_string(result.changes.size()) +
           (result.changes.size() == 1 ? " fix" : " fixes") + " applied.";
    if (applied > 0) out += " Put everything back with: micdoctor undo";
    out += "\n";
  }
  for (const ChangeOutcome& c : result.changes) {
    out += "\n" + severity_mark(status_severity(c.status, c.resolved), style) + " " +
           escape_for_terminal(c.change.summary) + "\n";
    out += "      " + escape_for_terminal(describe_value(c.change.setting, c.change.from)) + " -> " +
           escape_for_terminal(describe_value(c.change.setting, c.change.to)) + ": " +
           escape_for_terminal(status_words(c)) + "\n";
    if (!c.change.cost.empty()) out += "      Note: " + escape_for_terminal(c.change.cost) + "\n";
    for (const StreamMove& m : c.streams_moved) {
      out += "      " + escape_for_terminal(describe_stream(m.before.stream)) + " on \"" +
             escape_for_terminal(m.before.source) + "\"" +
             (m.moved_to.empty() ? "" : " -> \"" + escape_for_terminal(m.moved_to) + "\"") + ": " +
             escape_for_terminal(m.note) + "\n";
    }
  }
  if (consent.not_asked()) {
    out += "\nNothing was applied: there is no terminal to ask on. Run 'micdoctor fix --yes' to apply every fix, "
           "or 'micdoctor fix --dry-run' to see them.\n";
  }
  if (!result.stopped.empty()) out += "\nStopped: " + escape_for_terminal(result.stopped) + ".\n";
  if (listening.after) out += "\n" + heard_text(listening.after, "after the fixes", style);
  const std::vector<Finding> left = problems(result.findings_after);
  if (left.empty()) {
    out += "\n" + severity_mark(Severity::info, style) + " Nothing else is wrong that micdoctor can see" +
           (o.fix.dry_run ? " (after these changes)" : "") + ".\n";
  } else {
    out += std::string("\n") + (o.fix.dry_run ? "Would still need you:" : "Still needs you:") + "\n";
    for (const Finding& f : left) {
      out += severity_mark(f.severity, style) + " " + escape_for_terminal(f.title) + "\n";
      for (const std::string& step : f.manual_steps) out += "      - " + escape_for_terminal(step) + "\n";
    }
  }
  if (!run.empty()) out += "\n(journal: run " + run + ")\n";
  std::fputs(out.c_str(), stdout);
}

int fix_exit_status(const FixRunResult& result) {
  if (!result.stopped.empty()) return 2;
  return std::any_of(result.findings_after.begin(), result.findings_after.end(), is_problem) ? 1 : 0;
}

// path: the journal file, when it was found.
void journal_problem(const JournalError& e, const std::string& what_happened, const std::string& path) {
  std::string advice;
  switch (e.kind()) {
    case JournalError::Kind::corrupt:
      advice = " It is left exactly as it is. To start a new journal, move it aside (mv it to another name); "
               "the changes it records can then no longer be undone automatically.";
      break;
    case JournalError::Kind::newer_version:
      advice = " It is left exactly as it is: use the newer micdoctor that wrote it.";
      break;
    case JournalError::Kind::unwritable:
      advice = " Every change is journalled before it is made, so that it can be undone; without a journal "
               "micdoctor changes nothing. Set XDG_STATE_HOME to a writable directory, or use --dry-run.";
      break;
  }
  std::fprintf(stderr, "micdoctor: %s. %s%s\n", escape_for_terminal(journal_error_text(e, path)).c_str(),
               what_happened.c_str(), advice.c_str());
}

// Listens to the source fix will work on. A test that cannot record is
// reported and the fixes go on from the state alone.
// A filter in use is recorded together with its master.
std::optional<MicTestRun> listen(const SystemSnapshot& snapshot, const FixCommandOptions& o, std::string& source,
                                 std::optional<SignalAnalysis>& master_heard) {
  const Source* in_use = source_in_use(snapshot, o.fix.device);
  if (!snapshot.server.reachable || in_use == nullptr) return std::nullopt;
  source = in_use->name;
  const Source* master = in_use->filter.empty() ? nullptr : snapshot.find_source(in_use->master);
  MicTestOptions options;
  options.seconds = *o.test_seconds;
  options.silence_explained = silence_explained_by_settings(snapshot, *in_use);
  MicTestRun run;
  if (master != nullptr) {
    FilterTestRun both = run_filter_test(source, master->name, options, isatty(STDERR_FILENO) != 0);
    run = std::move(both.filter);
    master_heard = std::move(both.master.analysis);
  } else {
    run = run_mic_test(source, options, isatty(STDERR_FILENO) != 0);
  }
  if (!run.analysis) {
    std::fprintf(stderr, "micdoctor: the microphone test could not record (%s); fixing from the settings alone\n",
                 escape_for_terminal(run.outcome.error).c_str());
  }
  return run;
}

// After the fixes, listen again: only the signal can say whether a fix for
// what the test heard worked. The findings and each change's "resolved" are
// judged from this second recording.
void listen_again(SystemAccess& system, const FixCommandOptions& o, Listening& listening, FixRunResult& result) {
  const bool changed = std::any_of(result.changes.begin(), result.changes.end(),
                                   [](const ChangeOutcome& c) { return c.status == ChangeStatus::applied; });
  if (!listening.before || !changed || o.fix.dry_run) return;
  const SystemSnapshot now = system.read();
  if (now.find_source(listening.source) == nullptr) return;
  MicTestOptions test_options;
  test_options.seconds = *o.test_seconds;
  listening.after = run_mic_test(listening.source, test_options, isatty(STDERR_FILENO) != 0);
  if (!listening.after->analysis) return;
  FixOptions options = o.fix;
  options.heard = &*listening.after->analysis;
  options.heard_source = listening.source;
  result.findings_after = judge(now, options);
  for (ChangeOutcome& c : result.changes) {
    if (c.status != ChangeStatus::applied) continue;
    c.resolved = std::none_of(result.findings_after.begin(), result.findings_after.end(), [&](const Finding& f) {
      return f.id == c.change.finding && f.device == c.change.finding_device;
    });
  }
}

bool unknown_device(const SystemSnapshot& snapshot, const std::string& device) {
  if (device.empty() || !snapshot.server.reachable || find_source_by_id(snapshot, device)) return false;
  std::fprintf(stderr, "micdoctor: no capture device '%s' (run 'micdoctor devices' for the list)\n",
               escape_for_terminal(device).c_str());
  return true;
}

int dry_run(const FixCommandOptions& o, TerminalConsent& consent) {
  std::optional<SystemSnapshot> snapshot;
  try {
    snapshot = o.snapshot_file.empty() ? platform::read_system_snapshot()
                                       : load_snapshot_file(o.snapshot_file);
  } catch (const SnapshotError& e) {
    std::fprintf(stderr, "micdoctor: %s\n", escape_for_terminal(e.what()).c_str());
    return 2;
  }
  if (unknown_device(*snapshot, o.fix.device)) return 2;
  Listening listening;
  FixOptions options = o.fix;
  if (o.test_seconds) listening.before = listen(*snapshot, o, listening.source, listening.master_before);
  if (listening.before && listening.before->analysis) {
    options.heard = &*listening.before->analysis;
    options.heard_source = listening.source;
    if (listening.master_before) options.heard_master = &*listening.master_before;
  }
  SimulatedSystem simulated(std::move(*snapshot));
  const FixRunResult result = run_fixes(simulated, nullptr, consent, options);
  if (o.json) print_fix_json(result, o, "", "", listening);
  else print_fix_text(result, o, consent, "", listening);
  return fix_exit_status(result);
}

}  // namespace

int run_fix(const std::vector<std::string>& args) {
  FixCommandOptions parsed;
  if (const auto status = parse_fix(args, parsed)) return *status;
  const std::optional<FixCommandOptions> o = parsed;
  TerminalConsent consent(o->yes);
  if (o->fix.dry_run) return dry_run(*o, consent);
  std::unique_ptr<JournalStore> file;
  Journal journal;
  try {
    file = platform::open_journal_store();
    file->open_for_writing();
    journal = file->load();
  } catch (const JournalError& e) {
    journal_problem(e, "Nothing was changed.", file ? file->path() : "");
    return 2;
  }
  const std::unique_ptr<SystemAccess> live = platform::open_system_access();
  SystemAccess& system = *live;
  const SystemSnapshot first = system.read();
  if (unknown_device(first, o->fix.device)) return 2;
  Listening listening;
  FixOptions options = o->fix;
  if (o->test_seconds) listening.before = listen(first, *o, listening.source, listening.master_before);
  if (listening.before && listening.before->analysis) {
    options.heard = &*listening.before->analysis;
    options.heard_source = listening.source;
    if (listening.master_before) options.heard_master = &*listening.master_before;
  }
  FileJournal writer(*file, std::move(journal), server_name(first));
  FixRunResult result = run_fixes(system, &writer, consent, options);
  listen_again(system, *o, listening, result);
  const std::string run = writer.started() ? writer.run() : "";
  if (o->json) print_fix_json(result, *o, run, writer.started() ? file->path() : "", listening);
  else print_fix_text(result, *o, consent, run, listening);
  if (!writer.save_error().empty()) {
    std::fprintf(stderr, "micdoctor: the journal could not record the last result (%s); undo will still work\n",
                 escape_for_terminal(writer.save_error()).c_str());
  }
  if (!result.stopped.empty()) std::fprintf(stderr, "micdoctor: %s\n", escape_for_terminal(result.stopped).c_str());
  return fix_exit_status(result);
}

namespace {

Json run_json(const JournalRun& run) {
  Json entries = Json::array();
  for (const JournalEntry& e : run.entries) {
    Json j = change_json(e.change);
    j["sequence"] = e.sequence;
    j["time"] = e.time;
    j["status"] = std::string(to_string(e.status));
    j["note"] = e.note.empty() ? Json(nullptr) : Json(e.note);
    entries.push_back(j);
  }
  return Json{{"run", run.id}, {"started", run.started}, {"server", run.server}, {"undone", run.undone},
              {"entries", entries}};
}

int list_journal(const Journal& journal, const UndoCommandOptions& o, const std::string& path) {
  if (o.json) {
    Json runs = Json::array();
    for (auto it = journal.runs.rbegin(); it != journal.runs.rend(); ++it) runs.push_back(run_json(*it));
    std::printf("%s\n", dump(Json{{"schema", kUndoSchema}, {"journal", path}, {"runs", runs}}).c_str());
    return 0;
  }
  if (journal.runs.empty()) {
    std::printf("micdoctor undo: the journal is empty; nothing to undo.\n");
    return 0;
  }
  std::string out = "micdoctor undo --list: " + std::to_string(journal.runs.size()) + " fix run(s), newest first (" +
                    escape_for_terminal(path) + ")\n";
  for (auto it = journal.runs.rbegin(); it != journal.runs.rend(); ++it) {
    out += "\nrun " + it->id + ", " + it->started + ", " + escape_for_terminal(it->server) +
           (needs_undo(*it) ? "" : " (nothing left to undo)") + "\n";
    for (const JournalEntry& e : it->entries) {
      out += "  " + std::to_string(e.sequence) + ". [" + std::string(to_string(e.status)) + "] " +
             escape_for_terminal(e.change.summary) + ": " +
             escape_for_terminal(describe_value(e.change.setting, e.change.from)) + " -> " +
             escape_for_terminal(describe_value(e.change.setting, e.change.to)) +
             (e.note.empty() ? "" : " (" + escape_for_terminal(e.note) + ")") + "\n";
    }
  }
  std::fputs(out.c_str(), stdout);
  return 0;
}

Json streams_restored_json(const std::vector<StreamRestore>& restores) {
  Json list = Json::array();
  for (const StreamRestore& r : restores) {
    Json j = stream_json(r.place);
    j["found_on"] = r.found.empty() ? Json(nullptr) : Json(r.found);
    j["result"] = std::string(to_string(r.result));
    j["note"] = r.note.empty() ? Json(nullptr) : Json(r.note);
    j["try_again"] = r.may_go_away;
    list.push_back(std::move(j));
  }
  return list;
}

// One line per stream the server had moved (streams found in place are not news).
std::string streams_restored_text(const std::vector<StreamRestore>& restores, const TextStyle& style) {
  std::string out;
  for (const StreamRestore& r : restores) {
    const std::string who = escape_for_terminal(describe_stream(r.place.stream));
    std::string where = "\"";  // (built by append: GCC 12 warns falsely on "x" + string here)
    where.append(escape_for_terminal(r.place.source)).append("\"");
    std::string line;
    switch (r.result) {
      case StreamRestore::Result::in_place:
      case StreamRestore::Result::ended: continue;
      case StreamRestore::Result::put_back:
        line = severity_mark(Severity::info, style);
        line.append(" ").append(who).append(": the server had moved it to \"").append(escape_for_terminal(r.found));
        line.append("\"; put back on ").append(where);
        break;
      case StreamRestore::Result::not_put_back:
        line = severity_mark(Severity::error, style);
        line.append(" ").append(who).append(" is not back on ").append(where).append(": ");
        line.append(escape_for_terminal(r.note));
        if (r.may_go_away) line.append(" (the next 'micdoctor undo' tries again)");
        break;
      case StreamRestore::Result::changed_since:
        line = severity_mark(Severity::warning, style);
        line.append(" ").append(who).append(" recorded ").append(where).append(" before the fix: ");
        line.append(escape_for_terminal(r.note));
        break;
    }
    out.append("      ").append(line).append("\n");
  }
  return out;
}

}  // namespace

int run_undo(const std::vector<std::string>& args) {
  UndoCommandOptions parsed;
  if (const auto status = parse_undo(args, parsed)) return *status;
  const std::optional<UndoCommandOptions> o = parsed;
  std::unique_ptr<JournalStore> file;
  Journal journal;
  try {
    file = platform::open_journal_store();
    if (o->list) return list_journal(file->load(), *o, file->path());
    file->open_for_writing();
    journal = file->load();
  } catch (const JournalError& e) {
    journal_problem(e, "Nothing was undone.", file ? file->path() : "");
    return 2;
  }
  std::vector<JournalRun*> runs;
  for (auto it = journal.runs.rbegin(); it != journal.runs.rend(); ++it) {
    if (!needs_undo(*it)) continue;
    runs.push_back(&*it);
    if (!o->all) break;
  }
  const std::unique_ptr<SystemAccess> live = platform::open_system_access();
  SystemAccess& system = *live;
  std::string stopped;
  Json report_runs = Json::array();
  std::string text;
  bool all_back = true;
  const auto save = [&](std::string& error) { return file->save(journal, error); };
  for (JournalRun* run : runs) {
    if (!stopped.empty()) break;
    const std::vector<UndoOutcome> outcomes = undo_run(system, *run, save, stopped);
    Json entries = Json::array();
    text += "\nrun " + run->id + " (" + run->started + ")\n";
    for (const UndoOutcome& u : outcomes) {
      all_back = all_back && (u.result == UndoResult::restored || u.result == UndoResult::already_as_before) &&
                 u.streams_back();
      Json j = change_json(u.change);
      j["result"] = std::string(to_string(u.result));
      j["note"] = u.note.empty() ? Json(nullptr) : Json(u.note);
      j["streams"] = streams_restored_json(u.streams);
      entries.push_back(j);
      const Severity mark = u.result == UndoResult::failed ? Severity::error
                            : (u.result == UndoResult::restored || u.result == UndoResult::already_as_before)
                                ? Severity::info
                                : Severity::warning;
      text += severity_mark(mark, detect_text_style(STDOUT_FILENO)) + " " + escape_for_terminal(u.change.summary) +
              ": " + escape_for_terminal(undo_words(u)) + "\n";
      text += streams_restored_text(u.streams, detect_text_style(STDOUT_FILENO));
    }
    report_runs.push_back(Json{{"run", run->id}, {"started", run->started}, {"entries", entries}});
  }
  if (o->json) {
    std::printf("%s\n", dump(Json{{"schema", kUndoSchema}, {"journal", file->path()}, {"runs", report_runs},
                                  {"stopped", stopped.empty() ? Json(nullptr) : Json(stopped)}})
                            .c_str());
  } else if (runs.empty()) {
    std::printf("micdoctor undo: nothing to undo (every fix run in the journal is undone already).\n");
  } else {
    std::printf("micdoctor undo: %s%s", runs.size() == 1 ? "the last fix run" : "every fix run, newest first",
                text.c_str());
  }
  if (!stopped.empty()) {
    std::fprintf(stderr, "micdoctor: undo stopped: %s. Run 'micdoctor undo' again when it is resolved.\n",
                 escape_for_terminal(stopped).c_str());
    return 2;
  }
  return all_back ? 0 : 1;
}

}  // namespace micdoctor::cli
