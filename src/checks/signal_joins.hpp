#pragma once
// The microphone test's verdict: what the recording showed, joined with the
// state it was recorded in, the way an expert reasons. A symptom with a
// known cause becomes evidence on the cause (digital silence from a muted
// source is the mute, one finding); a symptom without one gets the next steps
// that fit this system (silence from a source that is on: a hardware switch,
// a privacy block or a dead device). Each join is a named rule in
// signal_joins.cpp with its own test.
#include <string_view>
#include <vector>

#include "analysis/early_verdict.hpp"
#include "analysis/signal_analyzer.hpp"
#include "model/finding.hpp"
#include "model/snapshot.hpp"

namespace micdoctor {

struct JoinInput {
  const SystemSnapshot& snapshot;
  const Source& source;                 // the source that was recorded
  const std::vector<Finding>& state;    // run_checks() on the snapshot
  const SignalAnalysis& signal;         // what the recording showed
};

// State findings and signal findings (step 5, about the source), joined.
std::vector<Finding> join_signal_with_state(const JoinInput& input);

// Whether `source`'s state explains a recording of exact zeros: these joins
// fold such a silence into a cause (the mute, a volume at 0 %, a capture
// switch, the mute key, an empty jack, a monitor of nothing) rather than
// saying "pure silence although every setting is on". Only then may the
// microphone test stop on silence early (analysis/early_verdict.hpp).
SilenceExplained silence_explained_by_settings(const SystemSnapshot& snapshot, const Source& source);

// The rule names, in the order they apply (for tests and docs/checks.md).
std::vector<std::string_view> signal_join_rules();

}  // namespace micdoctor
