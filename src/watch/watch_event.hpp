#pragma once
// What `micdoctor watch` saw happen, one event at a time: plain data with a
// JSON Lines form (schema micdoctor.event/1). The kinds' ids are a contract
// (docs/watch.md): tools and tests match on them.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace micdoctor {

inline constexpr const char* kEventSchema = "micdoctor.event/1";

enum class EventKind {
  watch_started,     // subject: what is metered ("" none); details: server
  watch_ended,       // details: why (duration reached, Ctrl-C, server lost)
  app_started,       // an app started recording; subject: the app; to: the source
  app_stopped,       // subject: the app; from: the source it recorded from
  app_moved,         // subject: the app; from/to: sources
  app_mute,          // subject: the app; from/to: "unmuted"/"muted"
  app_volume,        // subject: the app; from/to: "100 %"
  source_volume,     // subject: the source; from/to: "100 %" (details: dB when known)
  source_mute,       // subject: the source; from/to: "unmuted"/"muted"
  source_port,       // subject: the source; from/to: port names
  default_changed,   // subject: "default input"; from/to: sources
  device_added,      // subject: the source
  device_removed,    // subject: the source
  card_added,        // subject: the card
  card_removed,      // subject: the card
  card_profile,      // subject: the card; from/to: profiles
  meter_started,     // the level meter records this source (subject)
  meter_stopped,     // subject: the source; details: why
  signal_level,      // subject: the source; details: level_dbfs, peak_dbfs (every few seconds)
  signal_silence_started,  // subject: the source; details: apps recording
  signal_silence_ended,    // subject: the source; details: seconds
  signal_clipping,   // a clipping burst; details: clipped samples, seconds
  signal_swing,      // the level swung by more than 20 dB within a minute; from/to: dBFS
  server_lost,       // the sound server went away; details: error
};

// "app.started", "source.volume", "signal.silence_started", ...
std::string_view event_kind_id(EventKind kind);
std::optional<EventKind> event_kind_from_id(std::string_view id);

// One detail of an event: a number or a text.
struct EventDetail {
  std::string key;
  std::string text;              // used when number is empty
  std::optional<double> number;
};

struct WatchEvent {
  double elapsed_s = 0;          // seconds since the watch started
  std::int64_t unix_ms = 0;      // wall clock (UTC), for "time"
  EventKind kind = EventKind::watch_started;
  std::string subject;           // the app, source or card (the server's name for it)
  std::string from;
  std::string to;
  std::vector<EventDetail> details;

  const EventDetail* detail(std::string_view key) const;
  // A detail as text (a number in %g form; "" when absent), or as a number
  // (null when absent or a text).
  std::string text(std::string_view key) const;
  std::optional<double> number(std::string_view key) const;
  // What people call the subject: its "label" detail, else its name.
  std::string label() const;
  // Appends a detail (a text, or a number).
  void add(std::string key, std::string text) { details.push_back({std::move(key), std::move(text), std::nullopt}); }
  void add(std::string key, double number) { details.push_back({std::move(key), {}, number}); }
};

// One JSON Lines line (no newline): {"schema":"micdoctor.event/1",
// "time":"2026-12-03T21:55:01.234Z","elapsed_s":12.345,"kind":"source.volume",
// "subject":"...","from":"100 %","to":"35 %","details":{...}}.
std::string event_to_json_line(const WatchEvent& event);
// The "time" field: ISO 8601 UTC with milliseconds, "2026-12-03T21:55:01.234Z".
std::string event_time_text(std::int64_t unix_ms);

// One line in plain words for the timeline, without the time column
// ("Zoom started recording from Built-in Microphone"). Names are as given:
// the caller escapes for its terminal.
std::string describe_event(const WatchEvent& event);

// "-23.4 dBFS" ("?" when unknown): how events and their words print a level.
std::string dbfs_text(std::optional<double> dbfs);

}  // namespace micdoctor
