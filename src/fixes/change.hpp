#pragma once
// One change to the system that a fix makes: which setting of which object,
// from what to what. Plain data: the planner makes it from a finding, the
// journal keeps it, the platform layer applies it, undo reverses it.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace micdoctor {

// The settings micdoctor may change; each is one libpulse call (or one
// Windows API call on Windows).
enum class Setting {
  source_mute,     // value.flag
  source_volume,   // value.volume_percent, one per channel (one value = every channel)
  source_port,     // value.name: the port's name
  default_source,  // value.name: the source's name
  card_profile,    // value.name: the profile's name
  stream_source,   // value.name: the source the stream records from
  stream_mute,     // value.flag
  stream_volume,   // value.volume_percent
  // Windows: the current user's microphone privacy switches; value.flag = allowed.
  privacy_user,          // "Allow apps to access your microphone"
  privacy_desktop_apps,  // "Allow desktop apps to access your microphone"
  // Linux, below the sound server (alsa-lib's simple mixer; target.name is
  // the mixer element's id, "PCH:Capture,0", model's mixer_element_id()).
  mixer_switch,  // value.levels: the capture switch per channel, 1 = on
  mixer_volume,  // value.levels: the raw volume step per channel (value.db: their dB, for people)
  mixer_enum,    // value.name: the selected item of an enumerated capture element
  // A configuration file of the person's own (a WirePlumber drop-in):
  // target.name is its path; value.name its whole content, "" = no such file.
  config_file,
  // Windows: a service's start type and whether it runs (target.name is the
  // service's name, "Audiosrv"; value.name "automatic", "manual", "disabled",
  // as ServiceState; value.flag = running). A change to running starts it;
  // undo puts the start type back and never stops a running audio service,
  // so "not running" is met by a service that runs.
  service_start_type,
  // Linux: a device's firmware through fwupd (target.name is fwupd's DeviceId,
  // value.name the version). Installed only when asked for by id; micdoctor
  // cannot undo it (undo says so and how to go back with fwupd).
  firmware_version,
};

std::string_view to_string(Setting setting);

// Which member of SettingValue a setting uses.
bool is_mute_setting(Setting s);        // value.flag = muted
bool is_permission_setting(Setting s);  // value.flag = allowed
bool is_volume_setting(Setting s);      // value.volume_percent
bool is_mixer_level_setting(Setting s); // value.levels (mixer_switch, mixer_volume)
bool is_mixer_setting(Setting s);       // any of the ALSA mixer settings
// (every other setting uses value.name)
std::optional<Setting> setting_from_string(std::string_view text);

// The value of one setting. Only the member that fits the setting is used.
struct SettingValue {
  bool flag = false;  // muted / allowed; config_file: the file exists (an empty file is not "no file")
  std::vector<double> volume_percent;  // 100 = unity gain; exact for every 16.16 volume
  std::string name;
  std::vector<long> levels = {};  // mixer_switch (0/1) and mixer_volume (raw steps), one per channel
  std::vector<double> db = {};    // mixer_volume: each level in dB when the control has a dB scale (for people; not compared)

  bool operator==(const SettingValue&) const = default;
};

// The value of one setting as read from the system.
struct CurrentValue {
  std::optional<SettingValue> value;  // null when it could not be read
  bool gone = false;  // ...because the object no longer exists (not: the server could not be asked)
  std::string error;  // why, in words
};

// The object a change is about, by the names that stay stable across runs:
// a source's or card's name; a stream's index together with the application
// and process that own it (an index alone could be another stream later).
struct ChangeTarget {
  std::string name;  // source or card name; "" for the default source and streams
  std::optional<std::uint32_t> stream_index;
  std::string application;
  std::optional<std::int64_t> process_id;

  bool operator==(const ChangeTarget&) const = default;
};

// Where one application's recording stream records from. Changing the
// default input, a card's profile or a source's port can make the server move
// streams on its own; these are written down before such a change, so undo
// can put every stream back (see can_move_streams).
struct StreamPlace {
  ChangeTarget stream;  // its index, application and process, as a stream change's target
  std::string source;   // the source's name; "" while the server is moving it

  bool operator==(const StreamPlace&) const = default;
};

// The settings whose change can make the server move recording streams: the
// default input (streams that follow it move with it), a card's profile and
// a source's port (a source can vanish, and its streams move elsewhere).
bool can_move_streams(Setting setting);

// True when both name the same stream: the same index, owned by the same
// application and process (an index alone could be another stream later).
bool same_stream(const ChangeTarget& a, const ChangeTarget& b);

// "zoom (stream #12)".
std::string describe_stream(const ChangeTarget& stream);

// The place of `stream` in `places` (same_stream), or nullptr.
const StreamPlace* find_place(const std::vector<StreamPlace>& places, const ChangeTarget& stream);

struct Change {
  std::string fix;      // automatic fix id, e.g. "source.unmute"
  std::string finding;  // the finding it answers, e.g. "device.muted"
  std::string finding_device;  // that finding's device field, to tell when it is gone
  Setting setting = Setting::source_mute;
  ChangeTarget target;
  SettingValue from;    // the value before (exact, as read just before the change)
  SettingValue to;
  std::string summary;  // for people: "Unmute \"USB Headset Microphone\""
  std::string cost;     // what it costs, "" when nothing (e.g. Bluetooth playback quality)
  // Where every recording stream was just before the change, when the change
  // can move streams (can_move_streams); undo puts each one back there.
  std::vector<StreamPlace> streams_before;
  // Where every recording stream was once fix was done with the change (the
  // server had settled and fix had put back what it moves back). Undo moves
  // a stream only if it is still there (or undo's own change just moved it):
  // a stream the person moved since is theirs. nullopt when not known
  // (micdoctor was stopped before it could write it down).
  std::optional<std::vector<StreamPlace>> streams_after;
};

// True when a setting's value reads as `expected`: volumes within a small
// tolerance (servers round volumes through their own scales), a single
// expected volume matching every channel. Mixer levels exactly (a single
// expected level matching every channel); a file's whole content exactly.
bool same_value(Setting setting, const SettingValue& actual, const SettingValue& expected);

// A value for people: "muted", "not muted", "20 %", "20 % / 30 %", "\"name\"";
// mixer: "on", "off", "on / off", "-12.0 dB", "step 40 / 30"; a file: "no file",
// "a file of 3 lines".
std::string describe_value(Setting setting, const SettingValue& value);

// "the source \"x\"", "the default input", "Zoom (stream #12)".
std::string describe_target(Setting setting, const ChangeTarget& target);

}  // namespace micdoctor
