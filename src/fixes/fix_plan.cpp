#include "fixes/fix_plan.hpp"

#include <algorithm>
#include <charconv>

#include "checks/check_catalog.hpp"
#include "checks/check_context.hpp"
#include "checks/run_checks.hpp"
#include "fixes/below_server_plan.hpp"
#include "fixes/driver_plan.hpp"

namespace micdoctor {
namespace {

using checks::best_input;
using checks::best_input_profile;

Source* find_source(SystemSnapshot& s, const std::string& name) {
  for (Source& source : s.sources) {
    if (source.name == name) return &source;
  }
  return nullptr;
}

// A stream by its index; a Windows session (its target names the endpoint)
// by its process and endpoint, which last longer than one reading's numbering.
template <typename Snapshot>
auto find_stream(Snapshot& s, const ChangeTarget& target) -> decltype(&s.streams.front()) {
  for (auto& stream : s.streams) {
    if (!target.name.empty()) {
      if (target.process_id && stream.process_id == target.process_id && stream.source == target.name) return &stream;
    } else if (target.stream_index && stream.index == *target.stream_index) {
      return &stream;
    }
  }
  return nullptr;
}

// "stream:12" -> 12.
std::optional<std::uint32_t> stream_index_of(const std::string& device) {
  constexpr std::string_view prefix = "stream:";
  if (device.rfind(prefix, 0) != 0) return std::nullopt;
  std::uint32_t index = 0;
  const char* begin = device.data() + prefix.size();
  const char* end = device.data() + device.size();
  const auto [ptr, error] = std::from_chars(begin, end, index);
  if (error != std::errc() || ptr != end || begin == end) return std::nullopt;
  return index;
}

// The microphone a default or a stream should point at: the one asked for
// when it is a real input, else the best ready input.
const Source* wanted_microphone(const SystemSnapshot& s, const std::string& asked_device) {
  if (!asked_device.empty()) {
    const Source* asked = find_source_by_id(s, asked_device);
    if (asked != nullptr && asked->kind != SourceKind::monitor) return asked;
  }
  return best_input(s);
}

std::string label(const Source& source) { return checks::source_label(source); }

ChangeTarget stream_target(const Stream& stream) {
  return ChangeTarget{"", stream.index, stream.application.empty() ? stream.binary : stream.application,
                      stream.process_id};
}

SettingValue volume(double percent) { return SettingValue{false, {percent}, ""}; }
SettingValue flag(bool value) { return SettingValue{value, {}, ""}; }
SettingValue named(std::string name) { return SettingValue{false, {}, std::move(name)}; }

std::optional<Change> source_change(const Finding& f, const SystemSnapshot& s, FixId fix) {
  const Source* source = s.find_source(f.device);
  if (source == nullptr) return std::nullopt;
  Change c;
  c.target.name = source->name;
  switch (fix) {
    case FixId::source_unmute:
      c.setting = Setting::source_mute;
      c.to = flag(false);
      c.summary = "Unmute " + label(*source);
      break;
    case FixId::source_raise_volume:
    case FixId::source_lower_volume:
      c.setting = Setting::source_volume;
      c.to = volume(kFixedVolumePercent);
      c.summary = std::string(fix == FixId::source_raise_volume ? "Raise" : "Lower") + " the volume of " +
                  label(*source) + " to 100 % (0 dB)";
      break;
    case FixId::source_set_port: {
      const Port* plugged = nullptr;
      for (const Port& port : source->ports) {
        if (port.name != source->active_port && port.available == Availability::yes &&
            (plugged == nullptr || port.priority > plugged->priority)) {
          plugged = &port;
        }
      }
      if (plugged == nullptr) return std::nullopt;
      c.setting = Setting::source_port;
      c.to = named(plugged->name);
      c.summary = "Switch " + label(*source) + " to its plugged-in port \"" +
                  (plugged->description.empty() ? plugged->name : plugged->description) + "\"";
      break;
    }
    default: return std::nullopt;
  }
  return c;
}

std::optional<Change> stream_change(const Finding& f, const SystemSnapshot& s, FixId fix,
                                    const std::string& asked_device) {
  const auto index = stream_index_of(f.device);
  if (!index) return std::nullopt;
  ChangeTarget probe;
  probe.stream_index = index;
  const Stream* stream = find_stream(s, probe);
  if (stream == nullptr) return std::nullopt;
  Change c;
  c.target = stream_target(*stream);
  // Windows finds the session again by its process and endpoint.
  if (s.is_windows()) c.target.name = stream->source;
  const std::string who = checks::stream_label(*stream);
  switch (fix) {
    case FixId::stream_unmute:
      c.setting = Setting::stream_mute;
      c.to = flag(false);
      c.summary = "Unmute the recording of " + who;
      break;
    case FixId::stream_raise_volume:
      c.setting = Setting::stream_volume;
      c.to = volume(kFixedVolumePercent);
      c.summary = "Raise the recording volume of " + who + " to 100 %";
      break;
    case FixId::stream_move: {
      if (s.is_windows()) return std::nullopt;  // Windows lets only the app choose its microphone
      const Source* mic = wanted_microphone(s, asked_device);
      if (mic == nullptr || mic->name == stream->source) return std::nullopt;
      c.setting = Setting::stream_source;
      c.to = named(mic->name);
      c.summary = "Move the recording of " + who + " to " + label(*mic);
      break;
    }
    default: return std::nullopt;
  }
  return c;
}

std::optional<Change> default_change(const Finding& f, const SystemSnapshot& s, const std::string& asked_device) {
  const Source* mic = wanted_microphone(s, asked_device);
  // A filter that loses the voice: its own microphone (master) is the one to choose.
  if (f.id == definition(CheckId::filter_silences_mic).id) {
    const Source* filter = s.find_source(f.device);
    mic = filter != nullptr && !filter->master.empty() ? s.find_source(filter->master) : nullptr;
  }
  if (mic == nullptr || mic->name == s.server.default_source) return std::nullopt;
  Change c;
  c.setting = Setting::default_source;
  c.to = named(mic->name);
  c.summary = "Make " + label(*mic) + " the default input";
  return c;
}

// Windows: the current user's privacy switches (HKCU: no administrator needed).
std::optional<Change> privacy_change(FixId fix) {
  Change c;
  c.setting = fix == FixId::privacy_allow_user ? Setting::privacy_user : Setting::privacy_desktop_apps;
  c.to = flag(true);
  c.summary = fix == FixId::privacy_allow_user
                  ? "Allow apps to use the microphone (Settings > Privacy & security > Microphone)"
                  : "Allow desktop apps such as Zoom, Discord and browsers to use the microphone";
  return c;
}

std::optional<Change> profile_change(const Finding& f, const SystemSnapshot& s) {
  const Card* card = s.find_card(f.device);
  if (card == nullptr) return std::nullopt;
  const Profile* profile = best_input_profile(*card);
  if (profile == nullptr || profile->name == card->active_profile) return std::nullopt;
  Change c;
  c.setting = Setting::card_profile;
  c.target.name = card->name;
  c.to = named(profile->name);
  c.summary = "Switch " + card->description + " to the profile \"" + profile->description + "\" (" + profile->name +
              "), which has a microphone";
  if (card->bus == "bluetooth" || card->api == "bluez5") {
    c.cost = "While the headset profile is on, playback drops to telephone quality: music and voices sound like a "
             "phone call. Switch back with 'micdoctor undo' after the call.";
  }
  return c;
}

}  // namespace

std::optional<Change> change_for(const Finding& finding, const SystemSnapshot& snapshot,
                                 const std::string& asked_device) {
  if (!finding.fix) return std::nullopt;
  const std::optional<FixId> fix = fix_from_id(*finding.fix);
  if (!fix) return std::nullopt;
  std::optional<Change> change;
  switch (*fix) {
    case FixId::source_unmute:
    case FixId::source_raise_volume:
    case FixId::source_lower_volume:
    case FixId::source_set_port: change = source_change(finding, snapshot, *fix); break;
    case FixId::default_set: change = default_change(finding, snapshot, asked_device); break;
    case FixId::card_set_profile: change = profile_change(finding, snapshot); break;
    case FixId::stream_move:
    case FixId::stream_unmute:
    case FixId::stream_raise_volume: change = stream_change(finding, snapshot, *fix, asked_device); break;
    case FixId::privacy_allow_user:
    case FixId::privacy_allow_desktop_apps: change = privacy_change(*fix); break;
    case FixId::mixer_capture_on:
    case FixId::mixer_raise_capture:
    case FixId::mixer_lower_boost:
    case FixId::mixer_select_input: change = mixer_change(finding, snapshot, *fix); break;
    case FixId::bluetooth_enable_headset_roles: change = headset_roles_change(snapshot); break;
    case FixId::service_start: change = service_start_change(finding, snapshot); break;
    case FixId::firmware_update: change = firmware_update_change(finding, snapshot); break;
  }
  if (!change) return std::nullopt;
  change->fix = *finding.fix;
  change->finding = finding.id;
  change->finding_device = finding.device;
  const auto from = value_in_snapshot(snapshot, change->setting, change->target);
  if (!from) return std::nullopt;
  change->from = *from;
  if (same_value(change->setting, change->from, change->to)) return std::nullopt;
  return change;
}

std::vector<Change> plan_changes(const std::vector<Finding>& findings, const SystemSnapshot& snapshot,
                                 const std::string& asked_device) {
  std::vector<Change> changes;
  for (const Finding& finding : findings) {
    std::optional<Change> change = change_for(finding, snapshot, asked_device);
    if (!change) continue;
    bool duplicate = false;
    for (const Change& planned : changes) {
      duplicate = duplicate || (planned.setting == change->setting && planned.target == change->target);
    }
    if (!duplicate) changes.push_back(std::move(*change));
  }
  return changes;
}

std::optional<SettingValue> value_in_snapshot(const SystemSnapshot& snapshot, Setting setting,
                                              const ChangeTarget& target) {
  switch (setting) {
    case Setting::mixer_switch:
    case Setting::mixer_volume:
    case Setting::mixer_enum:
    case Setting::config_file: return below_server_value(snapshot, setting, target);
    case Setting::service_start_type:
    case Setting::firmware_version: return driver_setting_value(snapshot, setting, target);
    case Setting::privacy_user:
      if (!snapshot.privacy.user_allowed) return std::nullopt;
      return flag(*snapshot.privacy.user_allowed);
    case Setting::privacy_desktop_apps:
      if (!snapshot.privacy.desktop_apps_allowed) return std::nullopt;
      return flag(*snapshot.privacy.desktop_apps_allowed);
    case Setting::default_source: return named(snapshot.server.default_source);
    case Setting::card_profile: {
      const Card* card = snapshot.find_card(target.name);
      if (card == nullptr) return std::nullopt;
      return named(card->active_profile);
    }
    case Setting::stream_source:
    case Setting::stream_mute:
    case Setting::stream_volume: {
      const Stream* stream = find_stream(snapshot, target);
      if (stream == nullptr) return std::nullopt;
      if (setting == Setting::stream_source) return named(stream->source);
      if (setting == Setting::stream_mute) return flag(stream->muted);
      return volume(stream->volume_percent);
    }
    case Setting::source_mute:
    case Setting::source_volume:
    case Setting::source_port: {
      const Source* source = snapshot.find_source(target.name);
      if (source == nullptr) return std::nullopt;
      if (setting == Setting::source_mute) return flag(source->muted);
      if (setting == Setting::source_port) return named(source->active_port);
      return volume(source->volume_percent);
    }
  }
  return std::nullopt;
}

void apply_to_snapshot(SystemSnapshot& snapshot, Setting setting, const ChangeTarget& target,
                       const SettingValue& value) {
  const auto loudest = [&] {
    double v = 0;
    for (const double channel : value.volume_percent) v = std::max(v, channel);
    return v;
  };
  switch (setting) {
    case Setting::mixer_switch:
    case Setting::mixer_volume:
    case Setting::mixer_enum:
    case Setting::config_file: apply_below_server(snapshot, setting, target, value); return;
    case Setting::service_start_type:
    case Setting::firmware_version: apply_driver_setting(snapshot, setting, target, value); return;
    case Setting::privacy_user: snapshot.privacy.user_allowed = value.flag; return;
    case Setting::privacy_desktop_apps: snapshot.privacy.desktop_apps_allowed = value.flag; return;
    case Setting::default_source:
      snapshot.server.default_source = value.name;
      // Windows: one fix sets the default for every role, communications included.
      if (snapshot.is_windows()) snapshot.server.default_communications = value.name;
      return;
    case Setting::card_profile:
      for (Card& card : snapshot.cards) {
        if (card.name == target.name) card.active_profile = value.name;
      }
      return;
    case Setting::stream_source:
    case Setting::stream_mute:
    case Setting::stream_volume: {
      Stream* stream = find_stream(snapshot, target);
      if (stream == nullptr) return;
      if (setting == Setting::stream_source) {
        stream->source = value.name;
        const Source* source = snapshot.find_source(value.name);
        stream->source_index = source ? std::optional<std::uint32_t>(source->index) : std::nullopt;
      } else if (setting == Setting::stream_mute) {
        stream->muted = value.flag;
      } else {
        stream->volume_percent = loudest();
        stream->volume_db.reset();
      }
      return;
    }
    case Setting::source_mute:
    case Setting::source_volume:
    case Setting::source_port: {
      Source* source = find_source(snapshot, target.name);
      if (source == nullptr) return;
      if (setting == Setting::source_mute) source->muted = value.flag;
      else if (setting == Setting::source_port) source->active_port = value.name;
      else {
        source->volume_percent = loudest();
        source->volume_db.reset();
      }
      return;
    }
  }
}

}  // namespace micdoctor
