#pragma once
// The server's state compared over time: which apps record from which
// source, and what changed between two states, as watch events. Pure.
#include <cstdint>
#include <string>
#include <vector>

#include "model/snapshot.hpp"
#include "watch/watch_event.hpp"

namespace micdoctor::watch {

// An application's stream that is recording now: opened by an app (not a
// server module) and not paused (corked).
bool is_recording_app(const Stream& stream);
// The app streams recording from `source` (by name) in `state`.
std::vector<const Stream*> recorders_of(const SystemSnapshot& state, const std::string& source);
// "ZOOM VoiceEngine", else the binary, else "an application".
std::string app_name(const Stream& stream);
// A volume as events and findings say it: "35 %".
std::string percent_text(double percent);
// "ZOOM VoiceEngine (zoom)": the name and, when it says more, the binary.
std::string app_label(const Stream& stream);
// A source's description when it has one, else its name.
std::string source_description(const SystemSnapshot& state, const std::string& name);

// The app streams that were already recording when the watch started, as
// app.started events with detail at_start "yes".
std::vector<WatchEvent> initial_events(const SystemSnapshot& state, double elapsed_s);

// Every difference between two states, each exactly once, in this order:
// card.added, device.added, app.started, app.moved, app.mute, app.volume,
// source.volume, source.mute, source.port, card.profile, default.changed,
// app.stopped, device.removed, card.removed; within a kind in the server's
// order of the newer state (of the older for removals). Apps are matched by
// stream index, sources and cards by name. Monitors give no device.*
// events. A stream whose source is unknown ("" while the server moves it)
// is not a move.
std::vector<WatchEvent> state_changes(const SystemSnapshot& before, const SystemSnapshot& after, double elapsed_s);

// Volumes differing by less than this (percent) are the same.
inline constexpr double kVolumeEpsilonPercent = 0.05;

}  // namespace micdoctor::watch
