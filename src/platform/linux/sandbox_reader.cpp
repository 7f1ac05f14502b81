#include "platform/linux/sandbox_reader.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "platform/linux/process.hpp"

namespace micdoctor::linux_system {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kMaxKeyfileBytes = 1u << 20;

std::optional<std::string> read_small_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::string text(kMaxKeyfileBytes, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  return text;
}

std::string trim(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\r");
  if (first == std::string::npos) return "";
  const auto last = text.find_last_not_of(" \t\r");
  return text.substr(first, last - first + 1);
}

// The ;-separated values of KEY in [Context], or null when the key is absent.
std::optional<std::vector<std::string>> context_list(const std::string& keyfile, const std::string& key) {
  std::istringstream in(keyfile);
  std::string line;
  bool in_context = false;
  std::optional<std::vector<std::string>> values;
  while (std::getline(in, line)) {
    line = trim(line);
    if (line.empty() || line[0] == '#') continue;
    if (line[0] == '[') {
      in_context = line == "[Context]";
      continue;
    }
    const auto equals = line.find('=');
    if (!in_context || equals == std::string::npos || trim(line.substr(0, equals)) != key) continue;
    values.emplace();
    std::istringstream items(line.substr(equals + 1));
    std::string item;
    while (std::getline(items, item, ';')) {
      item = trim(item);
      if (!item.empty()) values->push_back(item);
    }
  }
  return values;
}

}  // namespace

const std::vector<KnownApp>& known_communication_apps() {
  static const std::vector<KnownApp> apps = {
      {"Zoom", "us.zoom.Zoom", "zoom-client"},
      {"Discord", "com.discordapp.Discord", "discord"},
      {"Microsoft Teams", "com.github.IsmaelMartinez.teams_for_linux", "teams-for-linux"},
      {"Slack", "com.slack.Slack", "slack"},
      {"Skype", "com.skype.Client", "skype"},
      {"Chromium", "org.chromium.Chromium", "chromium"},
      {"Google Chrome", "com.google.Chrome", ""},
      {"Firefox", "org.mozilla.firefox", "firefox"},
      {"OBS Studio", "com.obsproject.Studio", "obs-studio"},
      {"Telegram", "org.telegram.desktop", "telegram-desktop"},
      {"Signal", "org.signal.Signal", "signal-desktop"},
      {"Mumble", "info.mumble.Mumble", "mumble"},
  };
  return apps;
}

SoundAccess flatpak_sound_access(const std::string& metadata, const std::vector<KeyfileText>& overrides) {
  bool allowed = false;
  std::string reason = "Its Flatpak permissions do not include the sound server (sockets=pulseaudio is missing).";
  if (const auto sockets = context_list(metadata, "sockets")) {
    for (const std::string& socket : *sockets) {
      if (socket == "pulseaudio") allowed = true;
    }
  }
  for (const KeyfileText& keyfile : overrides) {
    const auto sockets = context_list(keyfile.text, "sockets");
    if (!sockets) continue;
    for (const std::string& socket : *sockets) {
      if (socket == "pulseaudio") {
        allowed = true;
      } else if (socket == "!pulseaudio") {
        allowed = false;
        reason = "An override takes its access to the sound server away (sockets=!pulseaudio in " + keyfile.label + ").";
      }
    }
  }
  return SoundAccess{allowed, allowed ? "" : reason};
}

SoundAccess snap_record_access(const std::string& connections_output, const std::string& snap_name) {
  // Columns: Interface  Plug  Slot  Notes. A plug with no slot shows "-".
  std::istringstream in(connections_output);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream columns(line);
    std::string interface, plug, slot;
    if (!(columns >> interface >> plug >> slot)) continue;
    if (interface != "audio-record" || plug != snap_name + ":audio-record") continue;
    if (slot != "-") return SoundAccess{true, ""};
    return SoundAccess{false, "Its audio-record interface is disconnected, so the Snap sandbox blocks recording."};
  }
  return SoundAccess{false, "It has no audio-record interface connected (snap connections lists none)."};
}

SandboxPaths default_sandbox_paths() {
  SandboxPaths paths;
  const char* data = std::getenv("XDG_DATA_HOME");
  const char* home = std::getenv("HOME");
  if (data != nullptr && data[0] == '/') paths.flatpak_user = fs::path(data) / "flatpak";
  else if (home != nullptr && home[0] == '/') paths.flatpak_user = fs::path(home) / ".local/share/flatpak";
  paths.snap_connections = [](const std::string& name) {
    return run_program({"snap", "connections", name}, std::chrono::milliseconds(2000));
  };
  return paths;
}

std::vector<SandboxedApp> read_sandboxes(const SandboxPaths& paths) {
  std::vector<SandboxedApp> apps;
  for (const KnownApp& known : known_communication_apps()) {
    if (known.flatpak_id[0] != '\0') {
      const std::string id = known.flatpak_id;
      for (const fs::path& installation : {paths.flatpak_user, paths.flatpak_system}) {
        if (installation.empty()) continue;
        const auto metadata = read_small_file(installation / "app" / id / "current/active/metadata");
        if (!metadata) continue;
        std::vector<KeyfileText> overrides;
        for (const fs::path& dir : {paths.flatpak_system, paths.flatpak_user}) {
          for (const std::string& file : {std::string("global"), id}) {
            if (dir.empty()) continue;
            const fs::path path = dir / "overrides" / file;
            if (auto text = read_small_file(path)) overrides.push_back(KeyfileText{path.string(), std::move(*text)});
          }
        }
        const SoundAccess access = flatpak_sound_access(*metadata, overrides);
        apps.push_back(SandboxedApp{known.name, "flatpak", id, access.allowed, access.reason});
        break;
      }
    }
    if (known.snap_name[0] != '\0' && paths.snap_connections) {
      std::error_code error;
      if (!fs::is_directory(paths.snap_root / known.snap_name, error)) continue;
      const auto output = paths.snap_connections(known.snap_name);
      if (!output) continue;  // snapd did not answer: say nothing rather than guess
      const SoundAccess access = snap_record_access(*output, known.snap_name);
      apps.push_back(SandboxedApp{known.name, "snap", known.snap_name, access.allowed, access.reason});
    }
  }
  return apps;
}

}  // namespace micdoctor::linux_system
