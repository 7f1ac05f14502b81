#pragma once
// Builders the watch tests share: server states shaped like what the pulse
// reader gives (names as PulseAudio/PipeWire spell them), and a CallWatch
// driven through them.
#include <algorithm>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "model/snapshot.hpp"
#include "watch/call_watch.hpp"
#include "watch/watch_event.hpp"

namespace micdoctor::test {

inline constexpr std::int64_t kWatchStartMs = 1796334901234;  // 2026-12-03T21:55:01.234Z

inline Source watch_mic(const std::string& name, const std::string& description, const std::string& card = {},
                        const std::string& bus = "usb") {
  Source s;
  s.name = name;
  s.description = description;
  s.card = card;
  s.bus = bus;
  s.state = "running";
  s.channels = 1;
  s.sample_rate = 48000;
  return s;
}

inline Source watch_monitor(const std::string& sink) {
  Source s = watch_mic(sink + ".monitor", "Monitor of " + sink, {}, "pci");
  s.kind = SourceKind::monitor;
  s.monitor_of = sink;
  return s;
}

inline Stream watch_app(std::uint32_t index, const std::string& application, const std::string& binary,
                        const std::string& source) {
  Stream s;
  s.index = index;
  s.application = application;
  s.binary = binary;
  s.source = source;
  return s;
}

inline Card watch_card(const std::string& name, const std::string& description, const std::string& profile) {
  Card c;
  c.name = name;
  c.description = description;
  c.active_profile = profile;
  return c;
}

inline SystemSnapshot watch_state(std::vector<Source> sources, std::vector<Stream> streams,
                                  const std::string& default_source) {
  SystemSnapshot s;
  s.server.reachable = true;
  s.server.name = "PulseAudio (on PipeWire 1.0.5)";
  s.server.default_source = default_source;
  s.sources = std::move(sources);
  s.streams = std::move(streams);
  s.origin = "live";
  return s;
}

inline Source* source_named(SystemSnapshot& state, const std::string& name) {
  for (Source& s : state.sources) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

inline std::vector<std::string> kinds_of(const std::vector<WatchEvent>& events, bool with_levels = false) {
  std::vector<std::string> out;
  for (const WatchEvent& e : events) {
    if (!with_levels && e.kind == EventKind::signal_level) continue;
    out.emplace_back(event_kind_id(e.kind));
  }
  return out;
}

inline std::size_t count_kind(const std::vector<WatchEvent>& events, EventKind kind) {
  return static_cast<std::size_t>(
      std::count_if(events.begin(), events.end(), [&](const WatchEvent& e) { return e.kind == kind; }));
}

inline const Finding* finding_with(const std::vector<Finding>& findings, const std::string& id) {
  for (const Finding& f : findings) {
    if (f.id == id) return &f;
  }
  return nullptr;
}

inline std::size_t findings_with(const std::vector<Finding>& findings, const std::string& id) {
  return static_cast<std::size_t>(
      std::count_if(findings.begin(), findings.end(), [&](const Finding& f) { return f.id == id; }));
}

inline bool steps_say(const Finding& f, const std::string& part) {
  return std::any_of(f.manual_steps.begin(), f.manual_steps.end(),
                     [&](const std::string& s) { return s.find(part) != std::string::npos; });
}

// Feeds `interleaved` in 10 ms pieces, as a capture delivers it.
inline void feed_in_pieces(CallWatch& watch, std::span<const float> interleaved, int rate, int channels) {
  const std::size_t piece = static_cast<std::size_t>(rate / 100 * channels);
  for (std::size_t at = 0; at < interleaved.size(); at += piece) {
    watch.on_audio(interleaved.subspan(at, std::min(piece, interleaved.size() - at)));
  }
}

}  // namespace micdoctor::test
