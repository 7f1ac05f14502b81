#pragma once
// The microphone test as `check --test` joins it into the findings, shared by
// check and by `micdoctor ui`'s "Test my microphone": record the source in
// use (a filter together with its master), then join what it heard with the
// state, or say why it could not record.
#include <optional>
#include <string>
#include <vector>

#include "cli/mic_test.hpp"
#include "model/finding.hpp"
#include "model/snapshot.hpp"

namespace micdoctor::cli {

// What one test recorded: the run of the source in use and, when that source
// is a filter, the filter compared with its master.
struct HeardRun {
  MicTestRun test;
  std::vector<Finding> filter_findings;
};

// Records `source` (null, or no server: a run that says why it could not),
// stopping on silence early only when silence_explained_by_settings.
HeardRun listen_to_source(const SystemSnapshot& snapshot, const Source* source, const MicTestOptions& options,
                          bool animate);

// The findings of `snapshot` (run_checks on it, walk-through order) with what
// the test heard joined in, or the finding that says why it heard nothing.
void join_heard(const SystemSnapshot& snapshot, const Source* source, const HeardRun& heard,
                std::vector<Finding>& findings);

}  // namespace micdoctor::cli
