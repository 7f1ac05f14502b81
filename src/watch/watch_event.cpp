#include "watch/watch_event.hpp"

#include <array>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <utility>

namespace micdoctor {

namespace {

struct KindRow {
  EventKind kind;
  std::string_view id;
};

// The contract ids (docs/watch.md), in the enum's order.
constexpr std::array<KindRow, 24> kKinds{{
    {EventKind::watch_started, "watch.started"},
    {EventKind::watch_ended, "watch.ended"},
    {EventKind::app_started, "app.started"},
    {EventKind::app_stopped, "app.stopped"},
    {EventKind::app_moved, "app.moved"},
    {EventKind::app_mute, "app.mute"},
    {EventKind::app_volume, "app.volume"},
    {EventKind::source_volume, "source.volume"},
    {EventKind::source_mute, "source.mute"},
    {EventKind::source_port, "source.port"},
    {EventKind::default_changed, "default.changed"},
    {EventKind::device_added, "device.added"},
    {EventKind::device_removed, "device.removed"},
    {EventKind::card_added, "card.added"},
    {EventKind::card_removed, "card.removed"},
    {EventKind::card_profile, "card.profile"},
    {EventKind::meter_started, "meter.started"},
    {EventKind::meter_stopped, "meter.stopped"},
    {EventKind::signal_level, "signal.level"},
    {EventKind::signal_silence_started, "signal.silence_started"},
    {EventKind::signal_silence_ended, "signal.silence_ended"},
    {EventKind::signal_clipping, "signal.clipping"},
    {EventKind::signal_swing, "signal.swing"},
    {EventKind::server_lost, "server.lost"},
}};

// Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm): no
// gmtime, so the same on every platform and thread.
void civil_from_days(std::int64_t days, int& year, int& month, int& day) {
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const std::int64_t doe = days - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const std::int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const std::int64_t m = mp < 10 ? mp + 3 : mp - 9;
  year = static_cast<int>(yoe + era * 400 + (m <= 2 ? 1 : 0));
  month = static_cast<int>(m);
  day = static_cast<int>(d);
}

std::string side_label(const WatchEvent& event, bool from) {
  std::string label = event.text(from ? "from_label" : "to_label");
  if (!label.empty()) return label;
  const std::string& name = from ? event.from : event.to;
  return name.empty() ? std::string("an unknown source") : name;
}

// "Zoom (zoom)": the application and, when it says more, its program.
std::string app_label(const WatchEvent& event) {
  std::string who = event.subject.empty() ? std::string("An application") : event.subject;
  const std::string binary = event.text("binary");
  if (!binary.empty() && binary != who) who += " (" + binary + ")";
  return who;
}

std::string seconds_text(double seconds) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f s", seconds);
  return text;
}

}  // namespace

std::string_view event_kind_id(EventKind kind) {
  for (const KindRow& row : kKinds) {
    if (row.kind == kind) return row.id;
  }
  return "unknown";
}

std::optional<EventKind> event_kind_from_id(std::string_view id) {
  for (const KindRow& row : kKinds) {
    if (row.id == id) return row.kind;
  }
  return std::nullopt;
}

const EventDetail* WatchEvent::detail(std::string_view key) const {
  for (const EventDetail& d : details) {
    if (d.key == key) return &d;
  }
  return nullptr;
}

std::string WatchEvent::text(std::string_view key) const {
  const EventDetail* d = detail(key);
  if (d == nullptr) return {};
  if (d->number) {
    char text[48];
    std::snprintf(text, sizeof text, "%g", *d->number);
    return text;
  }
  return d->text;
}

std::optional<double> WatchEvent::number(std::string_view key) const {
  const EventDetail* d = detail(key);
  return d == nullptr ? std::nullopt : d->number;
}

std::string WatchEvent::label() const {
  std::string given = text("label");
  return given.empty() ? subject : given;
}

std::string event_time_text(std::int64_t unix_ms) {
  std::int64_t days = unix_ms / 86400000;
  std::int64_t ms_of_day = unix_ms % 86400000;
  if (ms_of_day < 0) {
    ms_of_day += 86400000;
    --days;
  }
  int year = 1970;
  int month = 1;
  int day = 1;
  civil_from_days(days, year, month, day);
  const auto seconds = static_cast<int>(ms_of_day / 1000);
  char text[48];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", year, month, day, seconds / 3600,
                seconds / 60 % 60, seconds % 60, static_cast<int>(ms_of_day % 1000));
  return text;
}

std::string event_to_json_line(const WatchEvent& event) {
  nlohmann::ordered_json line;
  line["schema"] = kEventSchema;
  line["time"] = event_time_text(event.unix_ms);
  line["elapsed_s"] = std::isfinite(event.elapsed_s) ? std::round(event.elapsed_s * 1000.0) / 1000.0 : 0.0;
  line["kind"] = std::string(event_kind_id(event.kind));
  line["subject"] = event.subject;
  line["from"] = event.from;
  line["to"] = event.to;
  nlohmann::ordered_json details = nlohmann::ordered_json::object();
  for (const EventDetail& d : event.details) {
    if (d.number) {
      // JSON has no infinities: a level of -inf is written as null.
      // Whole numbers (pids, indices, sample rates) as integers, not 23317.0.
      const double value = *d.number;
      const bool whole = std::isfinite(value) && std::abs(value) < 9e15 && value == std::trunc(value);
      details[d.key] = !std::isfinite(value) ? nlohmann::ordered_json()
                       : whole              ? nlohmann::ordered_json(static_cast<std::int64_t>(value))
                                            : nlohmann::ordered_json(value);
    } else {
      details[d.key] = d.text;
    }
  }
  line["details"] = std::move(details);
  // Names come from other programs: invalid UTF-8 becomes U+FFFD, never an exception.
  return line.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

namespace {

// How a level sounds in a call, in one word, with the analyser's limits for
// a voice (docs/analyze.md: too quiet at -42 dBFS or less, an error at -55,
// too loud from -11).
std::string loudness_word(std::optional<double> dbfs) {
  if (!dbfs || *dbfs < -80) return "silent";
  if (*dbfs <= -55) return "far too quiet";
  if (*dbfs <= -42) return "quiet";
  if (*dbfs < -11) return "normal";
  return "very loud";
}

}  // namespace

std::string dbfs_text(std::optional<double> dbfs) {
  if (!dbfs) return "?";
  char text[32];
  std::snprintf(text, sizeof text, "%.1f dBFS", *dbfs);
  return text;
}

std::string describe_event(const WatchEvent& event) {
  const std::string subject = event.label();
  switch (event.kind) {
    case EventKind::watch_started: {
      std::string server = event.text("server");
      std::string text = "Watching the sound server";
      if (!server.empty()) text += " (" + server + ")";
      return text + (event.subject.empty() ? std::string("; no input to meter") : "; metering " + subject);
    }
    case EventKind::watch_ended: {
      const std::string why = event.text("why");
      return "The watch ended" + (why.empty() ? std::string() : ": " + why);
    }
    case EventKind::app_started:
      if (event.text("at_start") == "yes") {
        return app_label(event) + " was recording from " + side_label(event, false) + " when the watch started";
      }
      return app_label(event) + " started recording from " + side_label(event, false);
    case EventKind::app_stopped:
      return app_label(event) + " stopped recording from " + side_label(event, true);
    case EventKind::app_moved:
      return app_label(event) + " was moved from " + side_label(event, true) + " to " + side_label(event, false);
    case EventKind::app_mute:
      return app_label(event) + (event.to == "muted" ? " was muted" : " was unmuted");
    case EventKind::app_volume:
      return app_label(event) + "'s recording volume changed from " + event.from + " to " + event.to;
    case EventKind::source_volume:
      return subject + "'s volume changed from " + event.from + " to " + event.to;
    case EventKind::source_mute:
      return subject + (event.to == "muted" ? " was muted" : " was unmuted");
    case EventKind::source_port:
      return subject + " switched its input from " + side_label(event, true) + " to " + side_label(event, false);
    case EventKind::default_changed: {
      const std::string from = event.from.empty() ? std::string("none") : side_label(event, true);
      const std::string to = event.to.empty() ? std::string("none") : side_label(event, false);
      return "The default input changed from " + from + " to " + to;
    }
    case EventKind::device_added:
      return "A microphone appeared: " + subject;
    case EventKind::device_removed:
      return "The microphone " + subject + " disappeared";
    case EventKind::card_added:
      return "A sound card appeared: " + subject;
    case EventKind::card_removed:
      return "The sound card " + subject + " disappeared";
    case EventKind::card_profile:
      return "The sound card " + subject + " switched from profile " + side_label(event, true) + " to " +
             side_label(event, false);
    case EventKind::meter_started: {
      const std::string rate = event.text("sample_rate");
      const std::string channels = event.text("channels");
      return "Listening to " + subject + " to follow its sound level" +
             (rate.empty() ? std::string()
                           : " (" + rate + " Hz, " + channels + (channels == "1" ? " channel)" : " channels)"));
    }
    case EventKind::meter_stopped: {
      const std::string why = event.text("why");
      return "Stopped listening to " + subject + (why.empty() ? std::string() : ": " + why);
    }
    case EventKind::signal_level: {
      // A plain word first (by the voice when there was one), the numbers after.
      const auto voice = event.number("voice_dbfs");
      const auto level = event.number("level_dbfs");
      const std::string word = voice                     ? loudness_word(voice)
                               : level && *level >= -80 ? std::string("no voice heard")
                                                        : std::string("silent");
      std::string text = "Sound from " + subject + ": " + word + " (";
      if (voice) text += "voice " + dbfs_text(voice) + ", ";
      text += "average " + dbfs_text(level) + ", peak " + dbfs_text(event.number("peak_dbfs"));
      return text + ")";
    }
    case EventKind::signal_silence_started: {
      const std::string apps = event.text("apps");
      return subject + " went silent" + (apps.empty() ? std::string() : " while " + apps + " recorded it");
    }
    case EventKind::signal_silence_ended: {
      const auto seconds = event.number("seconds").value_or(0.0);
      if (event.text("still_silent") == "yes") {
        return subject + " was still silent when the meter stopped (silent for " + seconds_text(seconds) + ")";
      }
      return subject + " is heard again after " + seconds_text(seconds) + " of silence";
    }
    case EventKind::signal_clipping: {
      char text[160];
      std::snprintf(text, sizeof text, " clipped: %.0f samples at full scale within %.1f s",
                    event.number("clipped_samples").value_or(0.0), event.number("seconds").value_or(0.0));
      std::string more;
      if (const auto extra = event.number("more_bursts"); extra && *extra > 0) {
        char m[96];
        std::snprintf(m, sizeof m, " (and %.0f more bursts since the last one shown)", *extra);
        more = m;
      }
      return subject + text + more;
    }
    case EventKind::signal_swing:
      return subject + "'s voice level swung from " + event.from + " to " + event.to + " within " +
             seconds_text(event.number("seconds").value_or(0.0));
    case EventKind::server_lost: {
      const std::string error = event.text("error");
      return "The sound server went away" + (error.empty() ? std::string() : ": " + error);
    }
  }
  return std::string(event_kind_id(event.kind)) + " " + event.subject;
}

}  // namespace micdoctor
