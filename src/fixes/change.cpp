#include "fixes/change.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <utility>

namespace micdoctor {
namespace {

constexpr std::array<std::pair<Setting, std::string_view>, 16> kSettingNames{{
    {Setting::source_mute, "source_mute"},
    {Setting::source_volume, "source_volume"},
    {Setting::source_port, "source_port"},
    {Setting::default_source, "default_source"},
    {Setting::card_profile, "card_profile"},
    {Setting::stream_source, "stream_source"},
    {Setting::stream_mute, "stream_mute"},
    {Setting::stream_volume, "stream_volume"},
    {Setting::privacy_user, "privacy_user"},
    {Setting::privacy_desktop_apps, "privacy_desktop_apps"},
    {Setting::mixer_switch, "mixer_switch"},
    {Setting::mixer_volume, "mixer_volume"},
    {Setting::mixer_enum, "mixer_enum"},
    {Setting::config_file, "config_file"},
    {Setting::service_start_type, "service_start_type"},
    {Setting::firmware_version, "firmware_version"},
}};

// Servers keep volumes on their own scales (PulseAudio 16.16 fixed point,
// PipeWire cubic floats): a value set can read back a hair off.
constexpr double kVolumeTolerancePercent = 0.05;


std::string percent_text(double percent) {
  char text[32];
  std::snprintf(text, sizeof text, "%.0f %%", percent);
  return text;
}

// "on", "off / on", "-12.0 dB", "step 40 / 30": one value when every channel is the same.
std::string mixer_levels_text(Setting setting, const SettingValue& value) {
  if (value.levels.empty()) return "unknown";
  const bool with_db = setting == Setting::mixer_volume && value.db.size() == value.levels.size();
  const auto one = [&](std::size_t i) {
    if (setting == Setting::mixer_switch) return std::string(value.levels[i] != 0 ? "on" : "off");
    if (with_db) {
      char text[32];
      std::snprintf(text, sizeof text, "%.1f dB", value.db[i]);
      return std::string(text);
    }
    return std::to_string(value.levels[i]);
  };
  const bool same = std::all_of(value.levels.begin(), value.levels.end(), [&](long l) { return l == value.levels[0]; });
  std::string text = (setting == Setting::mixer_volume && !with_db) ? "step " : "";
  if (same) return text + one(0);
  for (std::size_t i = 0; i < value.levels.size(); ++i) text += (i == 0 ? "" : " / ") + one(i);
  return text;
}

std::string file_text(const SettingValue& value) {
  if (value.name.empty()) return value.flag ? "an empty file" : "no file";
  std::size_t lines = static_cast<std::size_t>(std::count(value.name.begin(), value.name.end(), '\n'));
  if (value.name.back() != '\n') ++lines;
  return "a file of " + std::to_string(lines) + (lines == 1 ? " line" : " lines");
}

}  // namespace

bool is_mixer_level_setting(Setting s) { return s == Setting::mixer_switch || s == Setting::mixer_volume; }
bool is_mixer_setting(Setting s) { return is_mixer_level_setting(s) || s == Setting::mixer_enum; }

bool is_mute_setting(Setting s) { return s == Setting::source_mute || s == Setting::stream_mute; }
bool is_permission_setting(Setting s) { return s == Setting::privacy_user || s == Setting::privacy_desktop_apps; }
bool is_volume_setting(Setting s) { return s == Setting::source_volume || s == Setting::stream_volume; }

std::string_view to_string(Setting setting) {
  for (const auto& [value, name] : kSettingNames) {
    if (value == setting) return name;
  }
  return "unknown";
}

std::optional<Setting> setting_from_string(std::string_view text) {
  for (const auto& [value, name] : kSettingNames) {
    if (name == text) return value;
  }
  return std::nullopt;
}

bool same_value(Setting setting, const SettingValue& actual, const SettingValue& expected) {
  if (is_mute_setting(setting) || is_permission_setting(setting)) return actual.flag == expected.flag;
  if (is_mixer_level_setting(setting)) {
    if (actual.levels.empty() || expected.levels.empty()) return false;
    if (expected.levels.size() == 1) {
      return std::all_of(actual.levels.begin(), actual.levels.end(), [&](long l) { return l == expected.levels[0]; });
    }
    return actual.levels == expected.levels;
  }
  if (setting == Setting::config_file) return actual.name == expected.name && actual.flag == expected.flag;
  if (setting == Setting::service_start_type) return actual.name == expected.name && (actual.flag || !expected.flag);
  if (!is_volume_setting(setting)) return actual.name == expected.name;
  if (actual.volume_percent.empty() || expected.volume_percent.empty()) return false;
  const auto close = [](double a, double b) { return std::fabs(a - b) <= kVolumeTolerancePercent; };
  if (expected.volume_percent.size() == 1) {
    return std::all_of(actual.volume_percent.begin(), actual.volume_percent.end(),
                       [&](double v) { return close(v, expected.volume_percent[0]); });
  }
  if (actual.volume_percent.size() != expected.volume_percent.size()) return false;
  return std::equal(actual.volume_percent.begin(), actual.volume_percent.end(), expected.volume_percent.begin(), close);
}

std::string describe_value(Setting setting, const SettingValue& value) {
  if (is_mute_setting(setting)) return value.flag ? "muted" : "not muted";
  if (is_permission_setting(setting)) return value.flag ? "allowed" : "denied";
  if (is_mixer_level_setting(setting)) return mixer_levels_text(setting, value);
  if (setting == Setting::config_file) return file_text(value);
  if (setting == Setting::service_start_type) {
    return (value.name.empty() ? std::string("unknown start") : "start " + value.name) + (value.flag ? ", running" : ", not running");
  }
  if (is_volume_setting(setting)) {
    if (value.volume_percent.empty()) return "unknown";
    const bool balanced = std::all_of(value.volume_percent.begin(), value.volume_percent.end(), [&](double v) {
      return std::fabs(v - value.volume_percent[0]) <= kVolumeTolerancePercent;
    });
    if (balanced) return percent_text(value.volume_percent[0]);
    std::string text;
    for (const double v : value.volume_percent) text += (text.empty() ? "" : " / ") + percent_text(v);
    return text;
  }
  return value.name.empty() ? "none" : "\"" + value.name + "\"";
}

bool can_move_streams(Setting setting) {
  return setting == Setting::default_source || setting == Setting::card_profile || setting == Setting::source_port;
}

bool same_stream(const ChangeTarget& a, const ChangeTarget& b) {
  return a.stream_index == b.stream_index && a.application == b.application && a.process_id == b.process_id;
}

const StreamPlace* find_place(const std::vector<StreamPlace>& places, const ChangeTarget& stream) {
  for (const StreamPlace& place : places) {
    if (same_stream(place.stream, stream)) return &place;
  }
  return nullptr;
}

std::string describe_stream(const ChangeTarget& stream) {
  const std::string who = stream.application.empty() ? "an application" : stream.application;
  return who + " (stream #" + (stream.stream_index ? std::to_string(*stream.stream_index) : "?") + ")";
}

std::string describe_target(Setting setting, const ChangeTarget& target) {
  switch (setting) {
    case Setting::default_source: return "the default input";
    case Setting::privacy_user: return "microphone access for this user's apps";
    case Setting::privacy_desktop_apps: return "microphone access for desktop apps";
    case Setting::card_profile: return "the card \"" + target.name + "\"";
    case Setting::stream_source:
    case Setting::stream_mute:
    case Setting::stream_volume: return describe_stream(target);
    case Setting::mixer_switch: return "the capture switch of the mixer control " + target.name;
    case Setting::mixer_volume: return "the mixer control " + target.name;
    case Setting::mixer_enum: return "the input selector " + target.name;
    case Setting::config_file: return "the file " + target.name;
    case Setting::service_start_type: return "the service " + target.name;
    case Setting::firmware_version: return "the firmware of the device " + target.name;
    default: return "the source \"" + target.name + "\"";
  }
}

}  // namespace micdoctor
