#pragma once
// `micdoctor watch --format html`: the call drawn on one self-contained page
// (the shared report style and Content-Security-Policy: nothing fetched, no
// script). First what went wrong, in plain words with the evidence behind a
// <details> and what to do; then the level of the metered microphone over
// time (RMS and peak dBFS) with every event marked where it happened,
// silences and clipping bursts shaded; then every event in a table. Every
// name (app, source, card, details) is escaped.
//
// Hooks for tools and tests: each finding has data-id="<finding id>"; each
// event marker and table row data-kind="<event kind id>" and
// data-elapsed="<seconds>"; the chart data-chart="level", its plot area a
// rect.plot-area whose left and right edges are 0 s and timeline.duration_s.
#include <string>
#include <vector>

#include "model/finding.hpp"
#include "model/snapshot.hpp"
#include "watch/call_watch.hpp"

namespace micdoctor {

std::string watch_to_html(const WatchTimeline& timeline, const std::vector<Finding>& findings,
                          const SystemSnapshot& last_state);

}  // namespace micdoctor
