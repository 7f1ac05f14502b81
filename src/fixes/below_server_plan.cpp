#include "fixes/below_server_plan.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <utility>
#include <vector>

namespace micdoctor {
namespace {

MixerElement* find_element(std::vector<AlsaMixer>& mixers, const std::string& element_id) {
  MixerElementId id;
  if (!parse_mixer_element_id(element_id, id)) return nullptr;
  for (AlsaMixer& mixer : mixers) {
    if (mixer.card_id != id.card_id) continue;
    for (MixerElement& element : mixer.elements) {
      if (element.name == id.name && element.index == id.index) return &element;
    }
  }
  return nullptr;
}

// The steps of a volume whose dB is known: the ends of its range (step min+1
// when the lowest step mutes) and the channels' own, sorted by step. A scale
// need not be linear (DB_RANGE, a muting lowest step): dB is interpolated only
// between known points.
std::vector<std::pair<long, double>> known_db_points(const MixerVolume& v) {
  std::vector<std::pair<long, double>> points;
  if (!v.db_min || !v.db_max || v.max <= v.min || is_mute_db(*v.db_max)) return points;
  if (!is_mute_db(*v.db_min)) points.emplace_back(v.min, *v.db_min);
  else if (v.db_above_mute && v.max > v.min + 1) points.emplace_back(v.min + 1, *v.db_above_mute);
  points.emplace_back(v.max, *v.db_max);
  if (v.db.size() == v.values.size()) {
    for (std::size_t i = 0; i < v.values.size(); ++i) {
      if (!is_mute_db(v.db[i]) && v.values[i] >= v.min && v.values[i] <= v.max) points.emplace_back(v.values[i], v.db[i]);
    }
  }
  std::sort(points.begin(), points.end());
  points.erase(std::unique(points.begin(), points.end(), [](const auto& a, const auto& b) { return a.first == b.first; }),
               points.end());
  return points;
}

bool has_db_scale(const MixerVolume& v) {
  const auto points = known_db_points(v);
  return points.size() >= 2 && points.back().second > points.front().second;
}

// The dB of a step: interpolated between the known points around it; below
// the lowest known point (the muting step), muted.
double db_of_step(const MixerVolume& v, long step) {
  const auto points = known_db_points(v);
  if (step < points.front().first) return kMuteDb;
  for (std::size_t i = 1; i < points.size(); ++i) {
    const auto& [low_step, low_db] = points[i - 1];
    const auto& [high_step, high_db] = points[i];
    if (step > high_step) continue;
    return low_db + (high_db - low_db) * static_cast<double>(step - low_step) / static_cast<double>(high_step - low_step);
  }
  return points.back().second;
}

// The step of a volume whose dB is nearest `db` (never the muting step).
long step_for_db(const MixerVolume& v, double db) {
  const auto points = known_db_points(v);
  long best = points.front().first;
  for (std::size_t i = 1; i < points.size(); ++i) {
    const auto& [low_step, low_db] = points[i - 1];
    const auto& [high_step, high_db] = points[i];
    long step = low_step;
    if (high_db != low_db) {
      const double share = std::clamp((db - low_db) / (high_db - low_db), 0.0, 1.0);
      step = low_step + std::lround(share * static_cast<double>(high_step - low_step));
    }
    if (std::fabs(db_of_step(v, step) - db) < std::fabs(db_of_step(v, best) - db)) best = step;
  }
  return best;
}

SettingValue levels_value(const MixerVolume& v, std::vector<long> levels) {
  SettingValue value;
  if (has_db_scale(v)) {
    for (const long level : levels) value.db.push_back(db_of_step(v, level));
  }
  value.levels = std::move(levels);
  return value;
}

bool says_mic(const std::string& item) {
  std::string lower = item;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  return lower.find("mic") != std::string::npos;
}

// The microphone item an input selector should select.
std::optional<std::string> microphone_item(const MixerElement& element, const Finding& finding) {
  for (const std::string& item : element.enum_items) {
    if (item != element.enum_selected && says_mic(item) &&
        finding.detail.find("\"" + item + "\"") != std::string::npos) {
      return item;
    }
  }
  for (const std::string& item : element.enum_items) {
    if (item != element.enum_selected && says_mic(item)) return item;
  }
  return std::nullopt;
}

std::string element_label(const std::string& element_id) { return "\"" + element_id + "\""; }

std::string format_db(double db) {
  char text[32];
  std::snprintf(text, sizeof text, "%+.1f dB", db);
  return text;
}

// "0.5.2" -> {0, 5}.
bool major_minor(const std::string& version, int& major, int& minor) {
  return std::sscanf(version.c_str(), "%d.%d", &major, &minor) == 2;
}

const char* const kDropInName = "99-micdoctor-enable-headset-roles";

}  // namespace

const MixerElement* find_mixer_element(const SystemSnapshot& snapshot, const std::string& element_id) {
  return find_element(const_cast<std::vector<AlsaMixer>&>(snapshot.kernel.mixers), element_id);
}

std::optional<Change> mixer_change(const Finding& finding, const SystemSnapshot& snapshot, FixId fix) {
  const MixerElement* element = find_mixer_element(snapshot, finding.device);
  if (element == nullptr) return std::nullopt;
  Change c;
  c.target.name = finding.device;
  const std::string label = element_label(finding.device);
  switch (fix) {
    case FixId::mixer_capture_on:
      if (element->capture_switch.empty()) return std::nullopt;
      c.setting = Setting::mixer_switch;
      c.to.levels.assign(element->capture_switch.size(), 1);
      c.summary = "Switch on the capture of the mixer control " + label + " (every channel)";
      return c;
    case FixId::mixer_raise_capture:
    case FixId::mixer_lower_boost: {
      if (!element->volume || element->volume->values.empty()) return std::nullopt;
      const MixerVolume& v = *element->volume;
      const bool raise = fix == FixId::mixer_raise_capture;
      if (!raise && !has_db_scale(v)) return std::nullopt;  // without dB, how far is not known
      const long target = has_db_scale(v) ? step_for_db(v, raise ? kCaptureTargetDb : kBoostTargetDb)
                                          : v.min + std::lround(kCaptureTargetShare * static_cast<double>(v.max - v.min));
      std::vector<long> levels;
      // Never the other way: a raise keeps a channel already louder, a boost
      // already lower stays.
      for (const long now : v.values) levels.push_back(raise ? std::max(now, target) : std::min(now, target));
      c.setting = Setting::mixer_volume;
      c.to = levels_value(v, std::move(levels));
      const std::string where = has_db_scale(v) ? format_db(db_of_step(v, target)) : "75 % of its range";
      c.summary = std::string(raise ? "Raise the capture volume " : "Lower the boost ") + label + " to " + where;
      return c;
    }
    case FixId::mixer_select_input: {
      if (element->enum_items.empty()) return std::nullopt;
      const std::optional<std::string> item = microphone_item(*element, finding);
      if (!item) return std::nullopt;
      c.setting = Setting::mixer_enum;
      c.to.name = *item;
      c.summary = "Set the input selector " + label + " to \"" + *item + "\"";
      return c;
    }
    default: return std::nullopt;
  }
}

bool headset_roles_drop_in(const UserAudioConfig& config, std::string& path, std::string& content, bool native_backend) {
  int major = 0;
  int minor = 0;
  if (config.wireplumber_dir.empty() || !major_minor(config.wireplumber_version, major, minor)) return false;
  const std::string header = "Written by micdoctor (fix bluetooth.enable_headset_roles): enables the Bluetooth headset "
                             "roles, so a headset's microphone can be used.\n";
  const std::string footer = "'micdoctor undo' removes this file (if it is unchanged).\n";
  if (major == 0 && minor == 4) {
    // WirePlumber 0.4.13's bluetooth.lua.d/50-bluez-config.lua: bluez_monitor.properties
    // go to the bluez5 plugin as they are, bluez5.roles among them.
    path = config.wireplumber_dir + "/bluetooth.lua.d/" + kDropInName + ".lua";
    content = "-- " + header + "-- " + footer + "bluez_monitor.properties[\"bluez5.roles\"] = \"" + kAllBluetoothRoles +
              "\"\nbluez_monitor.properties[\"bluez5.headset-roles\"] = \"" + kHeadsetRoles + "\"\n";
    if (native_backend) content += "bluez_monitor.properties[\"bluez5.hfphsp-backend\"] = \"native\"\n";
    return true;
  }
  if (major > 0 || minor >= 5) {
    path = config.wireplumber_dir + "/wireplumber.conf.d/" + kDropInName + ".conf";
    content = "# " + header + "# " + footer + "monitor.bluez.properties = {\n  bluez5.roles = " + kAllBluetoothRoles + "\n";
    if (native_backend) content += "  bluez5.hfphsp-backend = \"native\"\n";
    content += "}\n";
    return true;
  }
  return false;
}

bool backend_set_to_none(const std::vector<AudioConfigSetting>& settings) {
  return std::any_of(settings.begin(), settings.end(), [](const AudioConfigSetting& c) {
    return (c.program == "wireplumber" || c.program == "pipewire") && c.key == "bluez5.hfphsp-backend" &&
           (c.value == "none" || c.value == "\"none\"");
  });
}

bool is_micdoctor_drop_in_path(const std::string& path) {
  if (path.empty() || path[0] != '/' || path.find('\0') != std::string::npos) return false;
  // Every component plain: no "", ".", ".." that could lead elsewhere.
  std::vector<std::string> parts;
  for (std::size_t start = 1; start <= path.size();) {
    const std::size_t end = std::min(path.find('/', start), path.size());
    parts.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  for (const std::string& part : parts) {
    if (part.empty() || part == "." || part == "..") return false;
  }
  if (parts.size() < 3 || parts[parts.size() - 3] != "wireplumber") return false;
  const std::string& dir = parts[parts.size() - 2];
  const std::string& file = parts.back();
  const std::string prefix = "99-micdoctor-";
  const std::string extension = dir == "bluetooth.lua.d" ? ".lua" : dir == "wireplumber.conf.d" ? ".conf" : "";
  return !extension.empty() && file.size() > prefix.size() + extension.size() && file.starts_with(prefix) &&
         file.ends_with(extension);
}

std::optional<Change> headset_roles_change(const SystemSnapshot& snapshot) {
  Change c;
  if (!headset_roles_drop_in(snapshot.user_config, c.target.name, c.to.name, backend_set_to_none(snapshot.audio_config))) {
    return std::nullopt;
  }
  c.to.flag = true;  // the file is there after
  c.setting = Setting::config_file;
  c.summary = "Enable the Bluetooth headset roles in WirePlumber (a drop-in file of micdoctor's: " + c.target.name + ")";
  c.cost = "WirePlumber reads it when it starts: restart it with 'systemctl --user restart wireplumber' (sound stops for "
           "a moment), then reconnect the headset. 'micdoctor undo' removes the file.";
  return c;
}

std::optional<SettingValue> below_server_value(const SystemSnapshot& snapshot, Setting setting, const ChangeTarget& target) {
  if (setting == Setting::config_file) {
    for (const AudioConfigSetting& s : snapshot.audio_config) {
      if (s.file == target.name) return std::nullopt;
    }
    return SettingValue{};
  }
  const MixerElement* element = find_mixer_element(snapshot, target.name);
  if (element == nullptr) return std::nullopt;
  SettingValue value;
  switch (setting) {
    case Setting::mixer_switch:
      if (element->capture_switch.empty()) return std::nullopt;
      for (const bool on : element->capture_switch) value.levels.push_back(on ? 1 : 0);
      return value;
    case Setting::mixer_volume:
      if (!element->volume || element->volume->values.empty()) return std::nullopt;
      value.levels = element->volume->values;
      if (element->volume->db.size() == value.levels.size()) value.db = element->volume->db;
      return value;
    case Setting::mixer_enum:
      if (element->enum_items.empty()) return std::nullopt;
      value.name = element->enum_selected;
      return value;
    default: return std::nullopt;
  }
}

void apply_below_server(SystemSnapshot& snapshot, Setting setting, const ChangeTarget& target, const SettingValue& value) {
  if (setting == Setting::config_file) {
    std::erase_if(snapshot.audio_config, [&](const AudioConfigSetting& s) { return s.file == target.name; });
    // Only micdoctor's own drop-in is ever written: it sets the headset roles.
    if (value.flag || !value.name.empty()) {
      snapshot.audio_config.push_back(AudioConfigSetting{"wireplumber", "bluez5.roles", kAllBluetoothRoles, target.name});
    }
    return;
  }
  MixerElement* element = find_element(snapshot.kernel.mixers, target.name);
  if (element == nullptr) return;
  const auto level = [&](std::size_t channel) {
    return value.levels.size() == 1 ? value.levels[0] : value.levels.at(channel);
  };
  if (setting == Setting::mixer_switch && !value.levels.empty()) {
    for (std::size_t i = 0; i < element->capture_switch.size() && (value.levels.size() == 1 || i < value.levels.size()); ++i) {
      element->capture_switch[i] = level(i) != 0;
    }
  } else if (setting == Setting::mixer_volume && element->volume && !value.levels.empty()) {
    MixerVolume& v = *element->volume;
    const MixerVolume before = v;  // its known dB points, before channels move
    for (std::size_t i = 0; i < v.values.size() && (value.levels.size() == 1 || i < value.levels.size()); ++i) {
      v.values[i] = level(i);
      if (has_db_scale(before) && i < v.db.size()) v.db[i] = db_of_step(before, v.values[i]);
    }
  } else if (setting == Setting::mixer_enum) {
    element->enum_selected = value.name;
  }
}

}  // namespace micdoctor
