// Filter microphones (noise suppression, echo cancelling, remapping): the
// source in use is a filter, and its master is gone (step 2); the filter
// loses the voice its master hears (step 3, from `test`, which records both).
#include <cmath>
#include <cstdio>

#include "checks/checks.hpp"
#include "checks/filter_chain.hpp"

namespace micdoctor {
namespace {

// The real microphone to choose directly: hardware (not another filter),
// ready to record.
const Source* best_real_microphone(const SystemSnapshot& s) {
  const Source* best = checks::best_input(s);
  return best != nullptr && best->kind == SourceKind::microphone ? best : nullptr;
}

void advise(Finding& f, const Source& filter, const Source* microphone, bool fix_available) {
  const std::string app = filter_app_name(filter.filter);
  f.manual_steps.push_back("Restart " + app + " (or switch its microphone input off and on), so it records " +
                           (microphone != nullptr ? checks::source_label(*microphone) : std::string("your microphone")) +
                           " again.");
  if (microphone == nullptr) {
    f.manual_steps.push_back("Or connect the microphone again, then choose it in Settings > Sound > Input.");
    return;
  }
  if (fix_available) f.fix = std::string(fix_id(FixId::default_set));
  f.manual_steps.push_back("Or choose the microphone directly, without the filter: pactl set-default-source " +
                           checks::shell_quote(microphone->name) + "  (or in Settings > Sound > Input)");
}

// Below this (RMS), what a filter delivers is background, not sound.
constexpr double kQuietBackgroundDbfs = -50.0;

std::string decibels(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", value);
  return text;
}

}  // namespace

namespace checks {

void check_filter_master(const CheckInput& input, std::vector<Finding>& out) {
  const SystemSnapshot& s = input.snapshot;
  const Source* filter = input.target;
  if (!s.server.reachable || filter == nullptr || filter->filter.empty() || filter->master.empty()) return;
  if (s.find_source(filter->master) != nullptr) return;  // a filter with its master is somebody's choice
  Finding f = make_check_finding(
      CheckId::filter_master_missing, Severity::error, "The microphone in use is a filter whose microphone is gone",
      source_label(*filter) + " is " + filter_app_name(filter->filter) + " over \"" + filter->master +
          "\", which does not exist any more: the filter has nothing to record, so applications that use it hear "
          "silence.",
      filter->name);
  const Source* microphone = best_real_microphone(s);
  advise(f, *filter, microphone, microphone != nullptr);
  out.push_back(std::move(f));
}

}  // namespace checks

std::vector<Finding> compare_filter_with_master(const FilterRecording& r) {
  const SignalMetrics& master = r.from_master;
  if (!master.speech_level_dbfs || master.speech_seconds <= 0) return {};  // no voice to lose
  const SignalMetrics& filter = r.through_filter;
  const double master_level = *master.speech_level_dbfs;
  std::string what_came_through;
  if (!filter.peak_dbfs) {
    what_came_through = "delivered digital silence (every sample zero)";
  } else if (!filter.speech_level_dbfs || filter.speech_seconds <= 0) {
    // Quiet background, or sound with no speech in it (garbage: distortion, feedback).
    if (!filter.rms_dbfs || *filter.rms_dbfs < kQuietBackgroundDbfs) {
      what_came_through = "delivered no voice, only near silence";
    } else {
      what_came_through = "delivered no recognisable voice: sound at " + decibels(*filter.rms_dbfs) +
                          " dBFS, but no speech in it";
    }
  } else if (*filter.speech_level_dbfs <= master_level - kFilterLossDb) {
    what_came_through = "delivered it at " + decibels(*filter.speech_level_dbfs) + " dBFS, " +
                        decibels(master_level - *filter.speech_level_dbfs) + " dB quieter";
  } else {
    return {};  // the filter passes the voice
  }
  Finding f = make_check_finding(
      CheckId::filter_silences_mic, Severity::error, "The filter in front of your microphone loses your voice",
      "Applications record " + checks::source_label(r.filter) + ", " + filter_app_name(r.filter.filter) +
          " over " + checks::source_label(r.master) + ". Recorded at the same time, the microphone heard your "
          "voice at " + decibels(master_level) + " dBFS; the filter " + what_came_through + ".",
      r.filter.name);
  advise(f, r.filter, &r.master, true);
  return {std::move(f)};
}

}  // namespace micdoctor
