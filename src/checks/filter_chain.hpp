#pragma once
// Filter microphones: which sources are filters (noise suppression, echo
// cancelling, remapping) and which physical microphone each one filters, its
// master. Pure: reads the raw facts the platform layer recorded (owner
// modules and their arguments, device.master_device, node.link-group,
// target.object) and fills Source::filter and Source::master.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/signal_metrics.hpp"
#include "model/finding.hpp"
#include "model/snapshot.hpp"

namespace micdoctor {

// One key of a PulseAudio module argument string ("source_name=x master='a b'"),
// unquoted as pa_modargs does; null when absent.
std::optional<std::string> module_argument(std::string_view argument, std::string_view key);

// Fills filter and master on every virtual source of the snapshot (sources
// described as hardware and monitors are left alone). The master is the end
// of the chain: through remaps, echo cancellers, and null sinks fed by a
// loopback (NoiseTorch), down to the first source that is not a filter, or
// the name a filter still asks for when that source is gone.
void resolve_filters(SystemSnapshot& snapshot);

// The application or component to restart for a filter kind, in words:
// "EasyEffects", "NoiseTorch", "the echo-cancel module", ...
std::string filter_app_name(std::string_view kind);

}  // namespace micdoctor

namespace micdoctor {

// A filter's voice this much (or more) quieter than its master's is lost.
inline constexpr double kFilterLossDb = 20.0;

// What `test` heard through a filter and, at the same time, from its master.
struct FilterRecording {
  const SystemSnapshot& snapshot;
  const Source& filter;
  const Source& master;
  const SignalMetrics& through_filter;
  const SignalMetrics& from_master;
};

// filter.silences_mic when the master heard a voice and the filter
// delivered silence, or the voice kFilterLossDb or more quieter; nothing
// when the filter passes the voice, or when the master heard none (then
// there is nothing to compare).
std::vector<Finding> compare_filter_with_master(const FilterRecording& recording);

}  // namespace micdoctor
