// The test half of `check --test` (see test_findings.hpp); check_command and
// ui/app both call it, so the page says what check says.
#include "cli/test_findings.hpp"

#include <algorithm>
#include <chrono>

#include "checks/check_catalog.hpp"
#include "checks/check_context.hpp"
#include "checks/filter_chain.hpp"
#include "checks/run_checks.hpp"
#include "checks/signal_joins.hpp"
#include "platform/platform.hpp"

namespace micdoctor::cli {
namespace {

// A test that could not record is a finding too, so the report says why.
Finding test_failure(const std::string& error, const Source& source) {
  Finding f = make_check_finding(CheckId::test_failed, Severity::error, "The microphone test could not record",
                                 "Recording from " + checks::source_label(source) + " failed: " + error + ".",
                                 source.name);
  f.manual_steps.push_back("Check that the microphone is plugged in and not used exclusively by another program, "
                           "then run the test again: micdoctor test");
  return f;
}

// The server went away while the test recorded: that is what to say, not a
// microphone fault. `before` is the system before the test, `after` read
// again once the capture broke off.
void server_stopped_during_test(const MicTestRun& test, const Source& source, const SystemSnapshot& before,
                                SystemSnapshot after, std::vector<Finding>& findings) {
  std::string detail = "The recording from " + checks::source_label(source) + " broke off: " + test.outcome.error + ".";
  detail += after.server.reachable ? " A sound server answers again now."
                                   : " Afterwards no sound server answered (" + after.server.error + ").";
  Finding f = make_check_finding(CheckId::test_failed, Severity::error,
                                 "The sound server stopped during the microphone test",
                                 detail + " The microphone itself was not judged.", source.name);
  f.manual_steps.push_back(after.server.reachable
                               ? "Run the test again: micdoctor test"
                               : "Start the sound server again (step 0), then run the test again: micdoctor test");
  findings.push_back(std::move(f));
  // Step 0 as it is now. The server to start again is the one that ran
  // before the test, whatever else is installed.
  const bool was_pipewire = before.server.name.find("PipeWire") != std::string::npos;
  after.server.installed = {was_pipewire ? "pipewire-pulse" : "pulseaudio"};
  for (Finding& now : run_checks(after)) {
    if (now.id == definition(CheckId::server_unreachable).id) findings.push_back(std::move(now));
  }
}

}  // namespace

HeardRun listen_to_source(const SystemSnapshot& snapshot, const Source* source, const MicTestOptions& asked,
                          bool animate) {
  HeardRun heard;
  if (!snapshot.server.reachable || source == nullptr) {
    heard.test.capture_ended = std::chrono::steady_clock::now();
    heard.test.outcome.error = snapshot.server.reachable ? "there is no microphone to record from"
                                                         : "no sound server answers, so nothing can be recorded";
    return heard;
  }
  MicTestOptions options = asked;
  options.silence_explained = silence_explained_by_settings(snapshot, *source);
  // A filter in use is recorded together with its microphone (master).
  const Source* master = source->filter.empty() ? nullptr : snapshot.find_source(source->master);
  if (master != nullptr) {
    FilterTestRun both = run_filter_test(source->name, master->name, options, animate);
    heard.test = std::move(both.filter);
    if (heard.test.analysis && both.master.analysis) {
      heard.filter_findings = compare_filter_with_master(FilterRecording{
          snapshot, *source, *master, heard.test.analysis->metrics, both.master.analysis->metrics});
    }
  } else {
    heard.test = run_mic_test(source->name, options, animate);
  }
  return heard;
}

void join_heard(const SystemSnapshot& snapshot, const Source* source, const HeardRun& heard,
                std::vector<Finding>& findings) {
  const MicTestRun& test = heard.test;
  if (test.analysis && source != nullptr) {
    findings = join_signal_with_state(JoinInput{snapshot, *source, findings, *test.analysis});
    if (!heard.filter_findings.empty()) {
      // The filter losing the voice explains what the recording of it showed.
      std::erase_if(findings, [&](const Finding& f) { return f.id.rfind("signal.", 0) == 0 && is_problem(f); });
    }
    findings.insert(findings.end(), heard.filter_findings.begin(), heard.filter_findings.end());
    std::stable_sort(findings.begin(), findings.end(), [](const Finding& a, const Finding& b) { return a.step < b.step; });
  } else if (source != nullptr && snapshot.server.reachable) {
    // The capture says so when its connection to the server broke (a stall
    // is a different fault, and re-reading a hung server would cost seconds).
    if (test.outcome.error.find("sound server stopped") != std::string::npos) {
      server_stopped_during_test(test, *source, snapshot, platform::read_system_snapshot(), findings);
    } else {
      findings.push_back(test_failure(test.outcome.error, *source));
    }
  }
}

}  // namespace micdoctor::cli
