#include "watch/call_findings.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "checks/check_catalog.hpp"
#include "checks/check_context.hpp"
#include "watch/state_changes.hpp"

namespace micdoctor::watch {

namespace {

using checks::contains;
using checks::lowercase;
using checks::shell_quote;


constexpr std::string_view kChromiumSwitch = "--disable-features=WebRtcAllowInputVolumeAdjustment";

std::string app_text(const AppSeen& app) {
  std::string who = app.application.empty() ? app.binary : app.application;
  if (who.empty()) who = "an application";
  if (!app.binary.empty() && app.binary != who) who += " (" + app.binary + ")";
  return who;
}

std::string apps_text(const std::vector<AppSeen>& apps) {
  std::string out;
  for (std::size_t i = 0; i < apps.size(); ++i) {
    if (i > 0) out += i + 1 == apps.size() ? " and " : ", ";
    out += app_text(apps[i]);
  }
  return out;
}

void add_app(std::vector<AppSeen>& apps, const Stream& stream) {
  AppSeen seen{stream.application, stream.binary};
  if (apps.size() < 8 && std::find(apps.begin(), apps.end(), seen) == apps.end()) apps.push_back(std::move(seen));
}

std::string number_text(double value, const char* format) {
  char text[64];
  std::snprintf(text, sizeof text, format, value);
  return text;
}

// The part of a source's name that names the device: "alsa_input.usb-X-00.mono-fallback" -> "usb-X-00".
std::string device_core(const std::string& name) {
  if (checks::is_endpoint_id(name)) return {};  // Windows: "{0.0.1.00000000}.{GUID}", the GUID is the device
  const auto first = name.find('.');
  const auto last = name.rfind('.');
  if (first == std::string::npos || last == first) return {};
  return name.substr(first + 1, last - first - 1);
}

template <typename T>
void keep(std::vector<T>& records, T record, std::size_t& not_kept) {
  if (records.size() < kMaxRecords) {
    records.push_back(std::move(record));
  } else {
    ++not_kept;
  }
}

}  // namespace

std::string agc_switch(const std::string& application, const std::string& binary) {
  const std::string who = lowercase(application + " " + binary);
  const std::string name = application.empty() ? (binary.empty() ? std::string("the app") : binary) : application;
  if (contains(who, "zoom")) {
    return "Zoom: Settings > Audio > untick \"Automatically adjust microphone volume\".";
  }
  if (contains(who, "discord")) {
    return "Discord: User Settings > Voice & Video > turn off \"Automatic Gain Control\".";
  }
  if (contains(who, "teams")) {
    return "Teams: Settings > Devices > turn off \"Automatically adjust mic sensitivity\" (Teams for Linux and the "
           "classic Electron Teams: start it with " +
           std::string(kChromiumSwitch) + ").";
  }
  if (contains(who, "skype")) {
    return "Skype: Settings > Audio & Video > turn off \"Automatically adjust microphone settings\".";
  }
  if (contains(who, "firefox")) {
    return "Firefox: open about:config and set media.getusermedia.agc_enabled to false (the page's own setting may "
           "still ask for it).";
  }
  static constexpr std::string_view kChromiumFamily[] = {"chrom",      "edge",        "brave",    "opera",    "vivaldi",
                                                         "electron",   "slack",       "element",  "signal",   "webrtc",
                                                         "mattermost", "rocket.chat", "whatsapp", "nextcloud"};
  for (const std::string_view part : kChromiumFamily) {
    if (!contains(who, part)) continue;
    std::string text = name + " (a Chromium browser or an Electron app): start it with " + std::string(kChromiumSwitch);
    // A Windows program (Zoom.exe, msedge.exe) is started from a shortcut, and
    // a POSIX-quoted command line would not paste into cmd or PowerShell.
    const bool windows_program =
        binary.size() > 4 && lowercase(binary.substr(binary.size() - 4)) == ".exe";
    if (windows_program) {
      text += ": right-click its shortcut > Properties and add it at the end of Target, after a space";
    } else if (!binary.empty()) {
      text += ", e.g. " + shell_quote(binary) + " " + std::string(kChromiumSwitch);
    }
    return text + " (quit it completely first).";
  }
  return name +
         ": turn off its automatic gain control (\"automatically adjust microphone volume\" or similar) in its "
         "audio settings.";
}

void CallRecord::observe(const WatchEvent& event, const SystemSnapshot& before, const SystemSnapshot& after) {
  switch (event.kind) {
    case EventKind::source_volume:
      note_volume(event, recorders_of(after, event.subject).empty() ? before : after);
      break;
    case EventKind::device_removed:
      note_removal(event, before);
      break;
    case EventKind::device_added:
      note_added(event, after);
      break;
    case EventKind::card_profile:
      note_profile(event, before);
      break;
    case EventKind::app_moved:
    case EventKind::app_mute:
    case EventKind::app_volume:
      note_stream(event);
      break;
    case EventKind::signal_silence_started:
    case EventKind::signal_silence_ended:
      note_silence(event);
      break;
    default:
      break;
  }
  remember_recent(event);
}

void CallRecord::remember_recent(const WatchEvent& event) {
  switch (event.kind) {
    case EventKind::signal_level:
    case EventKind::signal_silence_started:
    case EventKind::signal_silence_ended:
    case EventKind::signal_swing:
    case EventKind::signal_clipping:
      return;
    default:
      break;
  }
  recent_.push_back(event);
  while (!recent_.empty() && (recent_.size() > 32 || event.elapsed_s - recent_.front().elapsed_s > 15.0)) {
    recent_.pop_front();
  }
}

void CallRecord::note_volume(const WatchEvent& event, const SystemSnapshot& state) {
  const auto recorders = recorders_of(state, event.subject);
  if (recorders.empty()) return;  // nobody recorded: no call to fight over
  if (volumes_.size() >= kMaxRecords && volumes_.find(event.subject) == volumes_.end()) return;
  VolumeWatch& watch = volumes_[event.subject];
  watch.label = event.label();
  ++watch.changes_recorded;
  const double t = event.elapsed_s;
  watch.recent.emplace_back(t, event.number("to_percent").value_or(0));
  while (!watch.recent.empty() && t - watch.recent.front().first > kAgcWindowSeconds) watch.recent.pop_front();
  if (watch.recent.size() < kAgcChanges) return;
  if (!watch.fighting) watch.lowest = watch.highest = event.number("from_percent").value_or(watch.recent.front().second);
  watch.fighting = true;
  for (const auto& change : watch.recent) {
    watch.lowest = std::min(watch.lowest, change.second);
    watch.highest = std::max(watch.highest, change.second);
  }
  if (watch.recent.size() > watch.most_in_window) {
    watch.most_in_window = watch.recent.size();
    watch.window_start_s = watch.recent.front().first;
    watch.window_end_s = t;
  }
  for (const Stream* s : recorders) add_app(watch.apps, *s);
}

void CallRecord::note_removal(const WatchEvent& event, const SystemSnapshot& before) {
  const auto recorders = recorders_of(before, event.subject);
  if (recorders.empty()) return;
  Removal r;
  r.source = event.subject;
  r.label = event.label();
  r.card = event.text("card");
  r.bus = event.text("bus");
  r.at_s = event.elapsed_s;
  for (const Stream* s : recorders) add_app(r.apps, *s);
  keep(removals_, std::move(r), not_kept_);
}

// A removed microphone coming back: the same name, description, card or device.
void CallRecord::note_added(const WatchEvent& event, const SystemSnapshot& after) {
  const Source* now = after.find_source(event.subject);
  for (Removal& r : removals_) {
    if (r.back_s >= 0) continue;
    const bool same = r.source == event.subject || (!r.label.empty() && r.label == event.label()) ||
                      (!r.card.empty() && now != nullptr && now->card == r.card) ||
                      (!device_core(r.source).empty() && device_core(r.source) == device_core(event.subject));
    if (!same) continue;
    r.back_as = event.subject;
    r.back_label = event.label();
    r.back_s = event.elapsed_s;
  }
}

void CallRecord::note_profile(const WatchEvent& event, const SystemSnapshot& before) {
  ProfileSwitch p;
  for (const Source& source : before.sources) {
    if (source.card != event.subject) continue;
    for (const Stream* s : recorders_of(before, source.name)) add_app(p.apps, *s);
  }
  if (p.apps.empty()) return;
  p.card = event.subject;
  p.label = event.label();
  p.from = event.from;
  p.to = event.to;
  p.from_label = event.text("from_label");
  p.to_label = event.text("to_label");
  p.at_s = event.elapsed_s;
  keep(profile_switches_, std::move(p), not_kept_);
}

void CallRecord::note_stream(const WatchEvent& event) {
  StreamChange c;
  c.app = event.subject;
  c.binary = event.text("binary");
  c.stream = event.number("stream").value_or(0);
  c.at_s = event.elapsed_s;
  if (event.kind == EventKind::app_moved) {
    const std::string from = event.text("from_label");
    const std::string to = event.text("to_label");
    c.what = "moved from " + (from.empty() ? event.from : from) + " to " + (to.empty() ? event.to : to);
    c.source = event.to;
    keep(moves_, std::move(c), not_kept_);
    return;
  }
  c.source = event.text("source");
  if (event.kind == EventKind::app_mute) {
    if (event.to != "muted") return;
    c.what = "muted";
  } else {
    const double from = event.number("from_percent").value_or(100);
    const double to = event.number("to_percent").value_or(100);
    if (!(to <= kStreamLowPercent && from > kStreamLowPercent)) return;
    c.what = "turned down from " + event.from + " to " + event.to;
  }
  keep(mutes_, std::move(c), not_kept_);
}

void CallRecord::note_silence(const WatchEvent& event) {
  if (event.kind == EventKind::signal_silence_started) {
    Silence s;
    s.source = event.subject;
    s.apps = event.text("apps");
    s.start_s = event.elapsed_s;
    // The nearest events are the likely causes: the last few of the window,
    // without the watch's own start (it says nothing about the silence).
    constexpr std::size_t kMaxBefore = 8;
    for (const WatchEvent& e : recent_) {
      if (e.elapsed_s < event.elapsed_s - kBeforeSilenceSeconds || e.elapsed_s > event.elapsed_s + 1.0) continue;
      if (e.kind == EventKind::watch_started || e.kind == EventKind::meter_started) continue;
      if (e.kind == EventKind::app_started && e.text("at_start") == "yes") continue;
      if (e.kind == EventKind::source_mute && e.subject == event.subject && e.to == "muted") {
        s.muted_before = number_text(e.elapsed_s, "%.1f s");
      }
      s.before.push_back(number_text(e.elapsed_s, "%.1f s: ") + describe_event(e));
      if (s.before.size() > kMaxBefore) s.before.erase(s.before.begin());
    }
    keep(silences_, std::move(s), not_kept_);
    return;
  }
  for (auto it = silences_.rbegin(); it != silences_.rend(); ++it) {
    if (it->source != event.subject || it->length_s >= 0) continue;
    it->length_s = event.number("seconds").value_or(event.elapsed_s - it->start_s);
    it->still_silent = event.text("still_silent") == "yes";
    it->ended_with_watch = it->still_silent && finishing_;
    break;
  }
}

namespace {

struct Clock {
  std::int64_t start_unix_ms;
  // "21:55:01 UTC (12.3 s into the watch)"
  std::string when(double elapsed_s) const {
    const std::string iso = event_time_text(start_unix_ms + std::llround(elapsed_s * 1000.0));
    return iso.substr(11, 8) + " UTC (" + number_text(elapsed_s, "%.1f") + " s into the watch)";
  }
};


// "H390 headset Mono (alsa_input.usb-…)": the description and the server's
// name (a Windows endpoint id is no name for people: left out).
std::string label_and_name(const std::string& label, const std::string& name) {
  if (label.empty() || label == name) return name;
  return checks::is_endpoint_id(name) ? label : label + " (" + name + ")";
}

std::string named(const SystemSnapshot& state, const std::string& source) {
  return label_and_name(source_description(state, source), source);
}

std::string switch_detail(const std::string& label, const std::string& card, const std::string& from,
                          const std::string& to, const std::string& when, const std::string& apps) {
  std::string detail = label;
  detail += " (" + card + ") switched from ";
  detail += from;
  detail += " to ";
  detail += to;
  detail += " at " + when + " while " + apps;
  detail +=
      " recorded from its microphone. A Bluetooth headset has a music profile (A2DP, no microphone) and a "
      "headset profile (with the microphone): a switch replaces the microphone under the app.";
  return detail;
}

std::string clipping_detail(const std::string& source, std::size_t bursts, std::size_t samples,
                            const std::string& times) {
  std::string detail = source;
  detail += " clipped in " + std::to_string(bursts) + " bursts (";
  detail += std::to_string(samples) + " samples at full scale), first at ";
  detail += times;
  detail += ". A burst is a run of 100 ms blocks with at least " + std::to_string(kClippedSamplesPerBlock) +
            " samples at full scale, less than 1 s apart.";
  return detail;
}

}  // namespace

std::vector<Finding> CallRecord::findings(const SystemSnapshot& last) const {
  const Clock clock{start_unix_ms_};
  const bool windows = last.is_windows();
  std::vector<Finding> out;

  for (const auto& [source, w] : volumes_) {
    if (!w.fighting) continue;
    const std::string apps = apps_text(w.apps);
    Finding f = make_check_finding(
        CheckId::app_agc_fighting, Severity::warning,
        "Something keeps changing the volume of " + w.label + " during the call: most likely " + apps +
            "'s automatic gain control",
        "The volume of " + w.label + " changed " + std::to_string(w.most_in_window) + " times between " +
            clock.when(w.window_start_s) + " and " + clock.when(w.window_end_s) + ", between " + watch::percent_text(w.lowest) +
            " and " + watch::percent_text(w.highest) + " (" + std::to_string(w.changes_recorded) +
            " changes while recorded in all). The sound server does not say who changed the volume; these apps were "
            "recording from it at the time: " +
            apps +
            ". A call app's automatic gain control moves the microphone's "
            "volume like this, and undoes every manual correction.",
        source);
    for (const AppSeen& app : w.apps) f.manual_steps.push_back(agc_switch(app.application, app.binary));
    if (windows) {
      f.manual_steps.push_back("Then set the microphone's volume once: Settings > System > Sound > Input > Volume.");
    } else {
      f.manual_steps.push_back("Then set the microphone's volume once: pactl set-source-volume " + shell_quote(source) +
                               " 100%  (or in pavucontrol > Input Devices)");
    }
    out.push_back(std::move(f));
  }

  for (const Removal& r : removals_) {
    std::string back;
    if (r.back_s >= 0) {
      back = r.back_as == r.source
                 ? " It came back under the same name at " + clock.when(r.back_s) + "."
                 : " A similar device came back as " + label_and_name(r.back_label, r.back_as) + " at " +
                       clock.when(r.back_s) + ": a new name, which apps do not follow by themselves.";
    } else {
      back = " It did not come back before the watch ended.";
    }
    Finding f = make_check_finding(
        CheckId::device_removed_during_call, Severity::error,
        "The microphone " + r.label + " disappeared while " + apps_text(r.apps) + " recorded from it",
        label_and_name(r.label, r.source) + " disappeared at " + clock.when(r.at_s) + " while " + apps_text(r.apps) +
            " recorded from it." + back +
            " Apps may keep recording from the vanished device (silence) or move to "
            "another microphone, and may not follow it back.",
        r.source);
    f.manual_steps.push_back("In the call app's audio settings, choose the microphone again.");
    if (r.bus == "usb") {
      f.manual_steps.push_back(
          "A USB microphone that drops out: plug it straight into the computer (not a hub) and "
          "try another port or cable.");
    } else if (r.bus == "bluetooth") {
      f.manual_steps.push_back(
          "A Bluetooth headset that drops out: charge it, keep it close to the computer, and "
          "turn off other Bluetooth devices nearby.");
    }
    out.push_back(std::move(f));
  }

  for (const ProfileSwitch& p : profile_switches_) {
    const std::string from = p.from_label.empty() ? p.from : p.from_label + " (" + p.from + ")";
    const std::string to = p.to_label.empty() ? p.to : p.to_label + " (" + p.to + ")";
    Finding f = make_check_finding(
        CheckId::device_profile_switched_during_call, Severity::warning,
        "The sound card " + p.label + " changed its profile while " + apps_text(p.apps) + " recorded from it",
        switch_detail(p.label, p.card, from, to, clock.when(p.at_s), apps_text(p.apps)), p.card);
    if (!windows) {
      const Card* card = last.find_card(p.card);
      const Profile* best = card != nullptr ? checks::best_input_profile(*card) : nullptr;
      if (best != nullptr) {
        f.manual_steps.push_back("Put the card back on a profile with a microphone: pactl set-card-profile " +
                                 shell_quote(p.card) + " " + shell_quote(best->name));
      }
      f.manual_steps.push_back(
          "Choose the headset profile before the call starts (pavucontrol > Configuration), so "
          "nothing needs to switch during it.");
    }
    f.manual_steps.push_back("In the call app's audio settings, choose the headset's microphone again.");
    out.push_back(std::move(f));
  }

  for (const StreamChange& m : moves_) {
    const std::string who = app_text(AppSeen{m.app, m.binary});
    Finding f = make_check_finding(CheckId::app_moved_during_call, Severity::warning,
                                   who + " was moved to another microphone during the call",
                                   who + " was " + m.what + " at " + clock.when(m.at_s) +
                                       ". The app itself, the desktop's sound settings or the server (after a device "
                                       "change) moved it; it now records from a different microphone.",
                                   "stream:" + number_text(m.stream, "%.0f"));
    f.manual_steps.push_back("In " + who + "'s audio settings, choose the microphone you want.");
    if (!windows) f.manual_steps.push_back("Or move it back in pavucontrol > Recording.");
    out.push_back(std::move(f));
  }

  for (const StreamChange& m : mutes_) {
    const std::string who = app_text(AppSeen{m.app, m.binary});
    const std::string index = number_text(m.stream, "%.0f");
    Finding f = make_check_finding(CheckId::app_muted_during_call, Severity::warning,
                                   who + "'s recording was muted or turned down during the call",
                                   who + "'s recording stream was " + m.what + " at " + clock.when(m.at_s) +
                                       ": the others hear you faintly or not at all, whatever the microphone does.",
                                   "stream:" + index);
    if (windows) {
      f.manual_steps.push_back("Open Settings > System > Sound > Volume mixer and unmute or raise " + who + ".");
    } else if (m.what == "muted") {
      f.manual_steps.push_back("Unmute it: pactl set-source-output-mute " + index +
                               " 0  (or in pavucontrol > Recording)");
    } else {
      f.manual_steps.push_back("Raise it: pactl set-source-output-volume " + index +
                               " 100%  (or in pavucontrol > Recording)");
    }
    f.manual_steps.push_back("Check the call app's own mute button and input volume.");
    out.push_back(std::move(f));
  }

  if (!silences_.empty()) {
    const Silence& first = silences_.front();
    std::string detail;
    for (std::size_t i = 0; i < silences_.size() && i < 5; ++i) {
      const Silence& s = silences_[i];
      if (i > 0) detail += " ";
      detail += named(last, s.source) + " went silent at " + clock.when(s.start_s) +
                (s.apps.empty() ? std::string() : " while " + s.apps + " recorded it") + "; ";
      if (s.length_s < 0 || s.ended_with_watch) {
        detail += "it was still silent when the watch ended";
        if (s.length_s >= 0) detail += " (" + number_text(s.length_s, "%.1f") + " s)";
      } else if (s.still_silent) {
        detail += "it was still silent when the meter stopped (" + number_text(s.length_s, "%.1f") + " s)";
      } else {
        detail += "the sound came back after " + number_text(s.length_s, "%.1f") + " s";
      }
      if (!s.muted_before.empty()) {
        detail += ". It was muted in the sound server at " + s.muted_before + ": that mute explains the silence";
      }
      detail += s.before.empty() ? ". Nothing else happened in the 10 s before." : ". Just before: " + [&] {
        std::string list;
        for (const std::string& b : s.before) list += (list.empty() ? "" : "; ") + b;
        return list;
      }() + ".";
    }
    if (silences_.size() > 5) detail += " And " + std::to_string(silences_.size() - 5) + " more silences.";
    detail += " Silence here means the level stayed below " + number_text(kSilenceDbfs, "%.0f") + " dBFS for " +
              number_text(kSilenceMinSeconds, "%.0f") + " s or more: digital silence, not a quiet room.";
    Finding f = make_check_finding(
        CheckId::signal_went_silent, Severity::error,
        "The microphone went silent during the call" +
            (silences_.size() > 1 ? " (" + std::to_string(silences_.size()) + " times)" : std::string()),
        detail, first.source);
    f.manual_steps.push_back("Check the microphone's mute switch or key, its cable or battery.");
    f.manual_steps.push_back(
        "Look at what happened just before (above): a device that disappeared, a profile switch "
        "or a mute explains the silence.");
    if (!windows) f.manual_steps.push_back("Run micdoctor check and micdoctor test to see where the sound stops.");
    out.push_back(std::move(f));
  }

  for (const auto& [source, totals] : meter_totals_) {
    if (totals.clipping_bursts < kClippingBursts) continue;
    std::string times;
    for (std::size_t i = 0; i < totals.burst_times.size() && i < 5; ++i) {
      times += (i == 0 ? "" : ", ") + clock.when(totals.burst_times[i]);
    }
    Finding f = make_check_finding(
        CheckId::signal_clipping_bursts, Severity::warning,
        "The microphone clipped again and again during the call: your voice sounds harsh and distorted",
        clipping_detail(named(last, source), totals.clipping_bursts, totals.clipped_samples, times), source);
    if (windows) {
      f.manual_steps.push_back(
          "Lower the microphone's volume: Settings > System > Sound > Input > Volume, to about 70.");
    } else {
      f.manual_steps.push_back("Lower the microphone's volume: pactl set-source-volume " + shell_quote(source) +
                               " 70%  (or in pavucontrol > Input Devices)");
    }
    f.manual_steps.push_back("Turn off the call app's automatic gain control if it raises the volume again.");
    f.manual_steps.push_back("Speak a little further from the microphone.");
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace micdoctor::watch
