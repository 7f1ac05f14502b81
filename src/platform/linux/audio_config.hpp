#pragma once
// The sound server's own configuration files that shape Bluetooth headsets
// (WirePlumber 0.4 Lua and 0.5 SPA-JSON, PipeWire's drop-ins, PulseAudio's
// default.pa), its remembered default input, and which WirePlumber reads the
// user's configuration. Files are small, read with a bound; malformed ones
// give what is clear in them.
#include <filesystem>
#include <string>
#include <vector>

#include "model/below_server.hpp"

namespace micdoctor::linux_system {

struct AudioConfigPaths {
  std::filesystem::path root = "/";  // the system's files: root/etc, root/usr/share
  std::filesystem::path config_home;  // $XDG_CONFIG_HOME, else $HOME/.config
  std::filesystem::path state_home;   // $XDG_STATE_HOME, else $HOME/.local/state
};

// The paths for this user ($XDG_CONFIG_HOME, $XDG_STATE_HOME, $HOME) over root.
AudioConfigPaths default_audio_config_paths(const std::filesystem::path& root);

// The settings that shape Bluetooth headsets, in the order the programs apply
// them: a later entry with the same program and key overrides an earlier one.
// Keys: "bluez5.roles", "bluez5.headset-roles", "bluez5.hfphsp-backend",
// "bluez5.autoswitch-profile"... (WirePlumber, PipeWire), "bluez_monitor.enabled",
// "monitor.bluez" (WirePlumber's Bluetooth monitor turned off),
// "media-role.use-headset-profile", "bluetooth.autoswitch-to-headset-profile",
// "disable-headset" (a drop-in whose file name says so; value "true"),
// "module-bluetooth-discover headset", "module-bluetooth-policy auto_switch" (PulseAudio).
std::vector<AudioConfigSetting> read_audio_config(const AudioConfigPaths& paths);

// The default input the servers remember: WirePlumber's default-nodes and
// PulseAudio's <machine-id>-default-source. Both are read whichever server
// runs (a PulseAudio file left from before an upgrade to PipeWire stays on
// disk): `program` ("wireplumber", "pulseaudio") says whose it is, and only
// the running server's memory may be judged (SystemSnapshot::server.name:
// "PulseAudio (on PipeWire ...)" is PipeWire with WirePlumber, "pulseaudio"
// is PulseAudio).
std::vector<RememberedDefault> read_remembered_defaults(const AudioConfigPaths& paths);

// Which WirePlumber is installed (from its layout under root/usr/share/wireplumber:
// main.lua.d is 0.4, wireplumber.conf without it 0.5; refined by `wireplumber
// --version` on the live system) and the user's WirePlumber directory.
UserAudioConfig read_user_audio_config(const AudioConfigPaths& paths);

}  // namespace micdoctor::linux_system
