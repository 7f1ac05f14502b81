#pragma once
// The forms of `micdoctor check` and `micdoctor devices`: doctor-style text
// (one line per walk-through step, findings and what to do under it) and
// JSON (a snapshot plus findings, readable again with --snapshot).
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "analysis/signal_analyzer.hpp"
#include "model/capture.hpp"
#include "model/finding.hpp"
#include "model/snapshot.hpp"
#include "report/terminal.hpp"

namespace micdoctor {

inline constexpr const char* kCheckSchema = "micdoctor.check/1";
inline constexpr const char* kDevicesSchema = "micdoctor.devices/1";

// The microphone test, when there was one.
struct MicTestReport {
  const CaptureOutcome& outcome;
  const SignalAnalysis* analysis;  // null when nothing could be recorded
  std::string source;              // the source that was recorded
};

struct CheckReportInput {
  const SystemSnapshot& snapshot;
  const Source* source_in_use;  // may be null
  const std::vector<Finding>& findings;  // with a test: joined with what it heard
  const MicTestReport* test = nullptr;
};

// {"schema":"micdoctor.check/1","platform",...snapshot sections...,"source_in_use",
//  "verdict","findings"} and, with a test, "signal":{"source","seconds","ending",
//  "metrics","findings"} or "signal":{"source","error"}.
std::string check_to_json(const CheckReportInput& report);
// One finding as the check JSON writes it (also used by fix and undo).
nlohmann::ordered_json check_finding_to_json(const Finding& finding);
// Verdict first, then one line per step; verbose adds info details and the device tables.
std::string check_to_text(const CheckReportInput& report, const TextStyle& style, bool verbose);
// One walk-through step as the reports show it: its findings, the worst of
// them, and whether it could not be checked at all ("?", not a tick).
struct StepStatus {
  std::vector<const Finding*> findings;
  Severity worst = Severity::info;
  bool unchecked = false;
  std::string note;  // " (listened to for 3.0 s)", ": pulseaudio 16.1", or ""
};
StepStatus step_status(const CheckReportInput& report, int step);

// One sentence: the most important problem, or that nothing is wrong.
std::string check_verdict(const CheckReportInput& report);

// What the state was read from, for a report's first line: "pulseaudio 16.1",
// "no sound server", "an alsa-info dump (Ubuntu 22.04.3 LTS, kernel 6.2.0-26-generic)".
std::string state_source_line(const SystemSnapshot& snapshot);

std::string devices_to_json(const SystemSnapshot& snapshot);
std::string devices_to_text(const SystemSnapshot& snapshot, const TextStyle& style);

}  // namespace micdoctor
