#include "watch/state_changes.hpp"

#include <cmath>
#include <cstdio>

#include "checks/check_context.hpp"

namespace micdoctor::watch {

namespace {

const Stream* find_stream(const SystemSnapshot& state, std::uint32_t index) {
  for (const Stream& s : state.streams) {
    if (s.index == index && checks::is_application_stream(s)) return &s;
  }
  return nullptr;
}

WatchEvent make_event(EventKind kind, double elapsed_s, std::string subject) {
  WatchEvent e;
  e.kind = kind;
  e.elapsed_s = elapsed_s;
  e.subject = std::move(subject);
  return e;
}

// An app event: subject its name, details its program and stream number.
WatchEvent app_event(EventKind kind, double elapsed_s, const Stream& stream) {
  WatchEvent e = make_event(kind, elapsed_s, app_name(stream));
  if (!stream.binary.empty()) e.add("binary", stream.binary);
  e.add("stream", static_cast<double>(stream.index));
  if (stream.process_id) e.add("pid", static_cast<double>(*stream.process_id));
  return e;
}

// A source in from/to: the name there, its description as from_label/to_label.
void set_side(WatchEvent& e, bool from, const SystemSnapshot& state, const std::string& name) {
  (from ? e.from : e.to) = name;
  const std::string label = source_description(state, name);
  if (!name.empty() && label != name) e.add(from ? "from_label" : "to_label", label);
}

void add_label(WatchEvent& e, const std::string& name, const std::string& description) {
  if (!description.empty() && description != name) e.add("label", description);
}

std::string mute_text(bool muted) { return muted ? "muted" : "unmuted"; }

bool volume_differs(double a, double b) { return std::fabs(a - b) >= kVolumeEpsilonPercent; }

std::string port_description(const Source& source, const std::string& port) {
  for (const Port& p : source.ports) {
    if (p.name == port) return p.description;
  }
  return {};
}

std::string profile_description(const Card& card, const std::string& profile) {
  for (const Profile& p : card.profiles) {
    if (p.name == profile) return p.description;
  }
  return {};
}

void stream_changes(const SystemSnapshot& before, const SystemSnapshot& after, double t,
                    std::vector<WatchEvent>& started, std::vector<WatchEvent>& moved, std::vector<WatchEvent>& muted,
                    std::vector<WatchEvent>& volume, std::vector<WatchEvent>& stopped) {
  for (const Stream& now : after.streams) {
    if (!checks::is_application_stream(now)) continue;
    const Stream* was = find_stream(before, now.index);
    if (was == nullptr) {
      WatchEvent e = app_event(EventKind::app_started, t, now);
      set_side(e, false, after, now.source);
      started.push_back(std::move(e));
      continue;
    }
    if (!was->source.empty() && !now.source.empty() && was->source != now.source) {
      WatchEvent e = app_event(EventKind::app_moved, t, now);
      set_side(e, true, before, was->source);
      set_side(e, false, after, now.source);
      moved.push_back(std::move(e));
    }
    if (was->muted != now.muted) {
      WatchEvent e = app_event(EventKind::app_mute, t, now);
      e.from = mute_text(was->muted);
      e.to = mute_text(now.muted);
      e.add("source", now.source);
      muted.push_back(std::move(e));
    }
    if (volume_differs(was->volume_percent, now.volume_percent)) {
      WatchEvent e = app_event(EventKind::app_volume, t, now);
      e.from = percent_text(was->volume_percent);
      e.to = percent_text(now.volume_percent);
      e.add("from_percent", was->volume_percent);
      e.add("to_percent", now.volume_percent);
      e.add("source", now.source);
      volume.push_back(std::move(e));
    }
  }
  for (const Stream& was : before.streams) {
    if (!checks::is_application_stream(was) || find_stream(after, was.index) != nullptr) continue;
    WatchEvent e = app_event(EventKind::app_stopped, t, was);
    set_side(e, true, before, was.source);
    stopped.push_back(std::move(e));
  }
}

void source_changes(const SystemSnapshot& before, const SystemSnapshot& after, double t, std::vector<WatchEvent>& added,
                    std::vector<WatchEvent>& volume, std::vector<WatchEvent>& muted, std::vector<WatchEvent>& port,
                    std::vector<WatchEvent>& removed) {
  for (const Source& now : after.sources) {
    const Source* was = before.find_source(now.name);
    if (was == nullptr) {
      if (now.kind == SourceKind::monitor) continue;
      WatchEvent e = make_event(EventKind::device_added, t, now.name);
      add_label(e, now.name, now.description);
      if (!now.card.empty()) e.add("card", now.card);
      if (!now.bus.empty()) e.add("bus", now.bus);
      added.push_back(std::move(e));
      continue;
    }
    if (volume_differs(was->volume_percent, now.volume_percent)) {
      WatchEvent e = make_event(EventKind::source_volume, t, now.name);
      add_label(e, now.name, now.description);
      e.from = percent_text(was->volume_percent);
      e.to = percent_text(now.volume_percent);
      e.add("from_percent", was->volume_percent);
      e.add("to_percent", now.volume_percent);
      if (was->volume_db && std::isfinite(*was->volume_db)) e.add("from_db", *was->volume_db);
      if (now.volume_db && std::isfinite(*now.volume_db)) e.add("to_db", *now.volume_db);
      volume.push_back(std::move(e));
    }
    if (was->muted != now.muted) {
      WatchEvent e = make_event(EventKind::source_mute, t, now.name);
      add_label(e, now.name, now.description);
      e.from = mute_text(was->muted);
      e.to = mute_text(now.muted);
      muted.push_back(std::move(e));
    }
    if (was->active_port != now.active_port) {
      WatchEvent e = make_event(EventKind::source_port, t, now.name);
      add_label(e, now.name, now.description);
      e.from = was->active_port;
      e.to = now.active_port;
      const std::string from_label = port_description(*was, was->active_port);
      const std::string to_label = port_description(now, now.active_port);
      if (!from_label.empty()) e.add("from_label", from_label);
      if (!to_label.empty()) e.add("to_label", to_label);
      port.push_back(std::move(e));
    }
  }
  for (const Source& was : before.sources) {
    if (was.kind == SourceKind::monitor || after.find_source(was.name) != nullptr) continue;
    WatchEvent e = make_event(EventKind::device_removed, t, was.name);
    add_label(e, was.name, was.description);
    if (!was.card.empty()) e.add("card", was.card);
    if (!was.bus.empty()) e.add("bus", was.bus);
    removed.push_back(std::move(e));
  }
}

void card_changes(const SystemSnapshot& before, const SystemSnapshot& after, double t, std::vector<WatchEvent>& added,
                  std::vector<WatchEvent>& profile, std::vector<WatchEvent>& removed) {
  for (const Card& now : after.cards) {
    const Card* was = before.find_card(now.name);
    if (was == nullptr) {
      WatchEvent e = make_event(EventKind::card_added, t, now.name);
      add_label(e, now.name, now.description);
      e.add("profile", now.active_profile);
      added.push_back(std::move(e));
      continue;
    }
    if (was->active_profile != now.active_profile) {
      WatchEvent e = make_event(EventKind::card_profile, t, now.name);
      add_label(e, now.name, now.description);
      e.from = was->active_profile;
      e.to = now.active_profile;
      const std::string from_label = profile_description(*was, was->active_profile);
      const std::string to_label = profile_description(now, now.active_profile);
      if (!from_label.empty()) e.add("from_label", from_label);
      if (!to_label.empty()) e.add("to_label", to_label);
      profile.push_back(std::move(e));
    }
  }
  for (const Card& was : before.cards) {
    if (after.find_card(was.name) != nullptr) continue;
    WatchEvent e = make_event(EventKind::card_removed, t, was.name);
    add_label(e, was.name, was.description);
    removed.push_back(std::move(e));
  }
}

void append(std::vector<WatchEvent>& into, std::vector<WatchEvent>& part) {
  for (WatchEvent& e : part) into.push_back(std::move(e));
}

}  // namespace

bool is_recording_app(const Stream& stream) { return checks::is_application_stream(stream) && !stream.corked; }

std::vector<const Stream*> recorders_of(const SystemSnapshot& state, const std::string& source) {
  std::vector<const Stream*> out;
  if (source.empty()) return out;
  for (const Stream& s : state.streams) {
    if (is_recording_app(s) && s.source == source) out.push_back(&s);
  }
  return out;
}

std::string percent_text(double percent) {
  char text[32];
  std::snprintf(text, sizeof text, "%.0f %%", percent);
  return text;
}

std::string app_name(const Stream& stream) {
  if (!stream.application.empty()) return stream.application;
  if (!stream.binary.empty()) return stream.binary;
  return "an application";
}

std::string app_label(const Stream& stream) {
  std::string who = app_name(stream);
  if (!stream.binary.empty() && stream.binary != who) who += " (" + stream.binary + ")";
  return who;
}

std::string source_description(const SystemSnapshot& state, const std::string& name) {
  const Source* s = state.find_source(name);
  if (s == nullptr || s->description.empty()) return name;
  return s->description;
}

std::vector<WatchEvent> initial_events(const SystemSnapshot& state, double elapsed_s) {
  std::vector<WatchEvent> out;
  for (const Stream& s : state.streams) {
    if (!checks::is_application_stream(s)) continue;
    WatchEvent e = app_event(EventKind::app_started, elapsed_s, s);
    set_side(e, false, state, s.source);
    e.add("at_start", "yes");
    out.push_back(std::move(e));
  }
  return out;
}

std::vector<WatchEvent> state_changes(const SystemSnapshot& before, const SystemSnapshot& after, double elapsed_s) {
  std::vector<WatchEvent> card_added, card_profile, card_removed;
  std::vector<WatchEvent> dev_added, src_volume, src_muted, src_port, dev_removed;
  std::vector<WatchEvent> started, moved, app_muted, app_volume, stopped;
  card_changes(before, after, elapsed_s, card_added, card_profile, card_removed);
  source_changes(before, after, elapsed_s, dev_added, src_volume, src_muted, src_port, dev_removed);
  stream_changes(before, after, elapsed_s, started, moved, app_muted, app_volume, stopped);

  std::vector<WatchEvent> out;
  append(out, card_added);
  append(out, dev_added);
  append(out, started);
  append(out, moved);
  append(out, app_muted);
  append(out, app_volume);
  append(out, src_volume);
  append(out, src_muted);
  append(out, src_port);
  append(out, card_profile);
  if (before.server.default_source != after.server.default_source) {
    WatchEvent e = make_event(EventKind::default_changed, elapsed_s, "default input");
    set_side(e, true, before, before.server.default_source);
    set_side(e, false, after, after.server.default_source);
    out.push_back(std::move(e));
  }
  append(out, stopped);
  append(out, dev_removed);
  append(out, card_removed);
  return out;
}

}  // namespace micdoctor::watch
