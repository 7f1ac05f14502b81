#pragma once
// Whether sandboxed communication apps may record: Flatpak apps need the
// sound server socket (sockets=pulseaudio), Snaps their audio-record
// interface connected. Parsing is separate from reading, so it is testable
// on recorded files and command output.
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "model/snapshot.hpp"

namespace micdoctor::linux_system {

struct KnownApp {
  const char* name;        // "Zoom"
  const char* flatpak_id;  // "us.zoom.Zoom", or "" when there is none
  const char* snap_name;   // "zoom-client", or ""
};
const std::vector<KnownApp>& known_communication_apps();

// A keyfile that can change a Flatpak's permissions, in the order Flatpak applies them.
struct KeyfileText {
  std::string label;  // where it came from, for the reason text
  std::string text;
};

struct SoundAccess {
  bool allowed = false;
  std::string reason;  // why not, in words
};

// metadata: the app's own metadata file; overrides: global then per-app, system then user.
SoundAccess flatpak_sound_access(const std::string& metadata, const std::vector<KeyfileText>& overrides);

// Output of `snap connections NAME`: whether its audio-record plug is connected.
SoundAccess snap_record_access(const std::string& connections_output, const std::string& snap_name);

struct SandboxPaths {
  std::filesystem::path flatpak_system = "/var/lib/flatpak";
  std::filesystem::path flatpak_user;  // ~/.local/share/flatpak
  std::filesystem::path snap_root = "/snap";
  // Runs `snap connections NAME`; null when it cannot tell.
  std::function<std::optional<std::string>(const std::string&)> snap_connections;
};
SandboxPaths default_sandbox_paths();

std::vector<SandboxedApp> read_sandboxes(const SandboxPaths& paths);

}  // namespace micdoctor::linux_system
