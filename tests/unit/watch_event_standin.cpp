// A stand-in for the event model's functions (src/watch/watch_event.hpp)
// until their implementation (src/watch/watch_event.cpp, branch i14-core) is
// merged: the watch page's tests need describe_event, event_kind_id and
// WatchEvent::detail to link. tests/CMakeLists.txt compiles this file only
// while src/watch/watch_event.cpp does not exist. The tests never compare
// against these words: they ask describe_event for the expected text.
#include <string>

#include "watch/watch_event.hpp"

namespace micdoctor {

std::string_view event_kind_id(EventKind kind) {
  switch (kind) {
    case EventKind::watch_started: return "watch.started";
    case EventKind::watch_ended: return "watch.ended";
    case EventKind::app_started: return "app.started";
    case EventKind::app_stopped: return "app.stopped";
    case EventKind::app_moved: return "app.moved";
    case EventKind::app_mute: return "app.mute";
    case EventKind::app_volume: return "app.volume";
    case EventKind::source_volume: return "source.volume";
    case EventKind::source_mute: return "source.mute";
    case EventKind::source_port: return "source.port";
    case EventKind::default_changed: return "default.changed";
    case EventKind::device_added: return "device.added";
    case EventKind::device_removed: return "device.removed";
    case EventKind::card_added: return "card.added";
    case EventKind::card_removed: return "card.removed";
    case EventKind::card_profile: return "card.profile";
    case EventKind::meter_started: return "meter.started";
    case EventKind::meter_stopped: return "meter.stopped";
    case EventKind::signal_level: return "signal.level";
    case EventKind::signal_silence_started: return "signal.silence_started";
    case EventKind::signal_silence_ended: return "signal.silence_ended";
    case EventKind::signal_clipping: return "signal.clipping";
    case EventKind::signal_swing: return "signal.swing";
    case EventKind::server_lost: return "server.lost";
  }
  return "unknown";
}

const EventDetail* WatchEvent::detail(std::string_view key) const {
  for (const EventDetail& d : details) {
    if (d.key == key) return &d;
  }
  return nullptr;
}

std::string describe_event(const WatchEvent& event) {
  std::string out = std::string(event_kind_id(event.kind)) + ": " + event.subject;
  if (!event.from.empty() || !event.to.empty()) out += " from " + event.from + " to " + event.to;
  for (const EventDetail& d : event.details) out += ", " + d.key + " " + d.text;
  return out;
}

}  // namespace micdoctor
