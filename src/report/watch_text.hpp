#pragma once
// The text face of `micdoctor watch`: a header, one line per event as it
// happens (wall time, then the event in plain words), and the summary of
// the findings at the end. Everything from outside is escaped for a terminal.
#include <cstdint>
#include <string>
#include <vector>

#include "model/finding.hpp"
#include "report/terminal.hpp"
#include "watch/call_watch.hpp"
#include "watch/watch_event.hpp"

namespace micdoctor {

// "14:03:07": the wall clock in the local time zone.
std::string local_clock_text(std::int64_t unix_ms);
// "UTC+09:00": the local time zone's offset now ("local time" when unknown).
std::string local_zone_text();

// What is watched and how it ends, before the first event:
// "micdoctor watch: PulseAudio (on PipeWire 0.3.65), metering the default input
//  (Built-in Microphone) ... Ctrl-C ends the watch."
// device: the source named with --device ("" follows the default input);
// duration_s: --duration (0: until Ctrl-C).
std::string watch_header_text(const std::string& server, const std::string& device, double duration_s);

// "14:03:07  Zoom started recording from Built-in Microphone\n"
std::string watch_event_line(const WatchEvent& event);

// The summary at the end: how long, how many events, then each finding in
// plain words with its evidence and what to do; or that nothing went wrong.
std::string watch_summary_text(const WatchTimeline& timeline, const std::vector<Finding>& findings,
                               const TextStyle& style);

}  // namespace micdoctor
