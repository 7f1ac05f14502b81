// Runs one of the readers below the sound server on this machine (or a
// fixture root) and prints what it read as JSON, for the Python tests that
// start real components (BlueZ's D-Bus interface from python-dbusmock on a
// private system bus; WirePlumber on the private PipeWire stack).
//   below_server_probe bluetooth ROOT TIMEOUT_MS
//   below_server_probe bluetooth-json MANAGED_OBJECTS.json [NAMES.json]
//   below_server_probe audio-config ROOT   (the user's paths from $XDG_CONFIG_HOME, $XDG_STATE_HOME, $HOME)
//   below_server_probe kernel-log ROOT TIMEOUT_MS
#include <chrono>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "platform/linux/audio_config.hpp"
#include "platform/linux/bluez_reader.hpp"
#include "platform/linux/kernel_log.hpp"

namespace {

using micdoctor::BluetoothState;
using nlohmann::json;

json to_json(const BluetoothState& state) {
  json devices = json::array();
  for (const auto& d : state.devices) {
    devices.push_back({{"address", d.address}, {"name", d.name}, {"connected", d.connected}, {"paired", d.paired},
                       {"uuids", d.uuids}});
  }
  return {{"read", state.read},       {"error", state.error},   {"adapter_present", state.adapter_present},
          {"devices", devices},       {"ofono_running", state.ofono_running}};
}

std::string slurp(const char* path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

int run(int argc, char** argv) {
  namespace ls = micdoctor::linux_system;
  const std::string what = argc > 1 ? argv[1] : "";
  if (what == "bluetooth" && argc == 4) {
    const auto started = std::chrono::steady_clock::now();
    json out = to_json(ls::read_bluetooth(argv[2], std::chrono::milliseconds(std::stol(argv[3]))));
    out["elapsed_ms"] =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  if (what == "bluetooth-json" && (argc == 3 || argc == 4)) {
    std::cout << to_json(ls::bluetooth_from_json(slurp(argv[2]), argc == 4 ? slurp(argv[3]) : "")).dump(2) << "\n";
    return 0;
  }
  if (what == "audio-config" && argc == 3) {
    const ls::AudioConfigPaths paths = ls::default_audio_config_paths(argv[2]);
    json settings = json::array();
    for (const auto& s : ls::read_audio_config(paths)) {
      settings.push_back({{"program", s.program}, {"key", s.key}, {"value", s.value}, {"file", s.file}});
    }
    const micdoctor::UserAudioConfig user = ls::read_user_audio_config(paths);
    std::cout << json{{"settings", settings},
                      {"wireplumber_version", user.wireplumber_version},
                      {"wireplumber_dir", user.wireplumber_dir}}
                     .dump(2)
              << "\n";
    return 0;
  }
  if (what == "kernel-log" && argc == 4) {
    const micdoctor::KernelLog log = ls::read_kernel_log(argv[2], std::chrono::milliseconds(std::stol(argv[3])));
    json firmware = json::array();
    for (const auto& f : ls::firmware_requests(log, argv[2])) firmware.push_back({{"path", f.path}, {"present", f.present}});
    std::cout << json{{"read", log.read}, {"source", log.source}, {"unreadable", log.unreadable}, {"lines", log.lines},
                      {"firmware", firmware}}
                     .dump(2)
              << "\n";
    return 0;
  }
  std::cerr << "usage: below_server_probe bluetooth ROOT TIMEOUT_MS | bluetooth-json FILE [NAMES] | audio-config ROOT | kernel-log ROOT TIMEOUT_MS\n";
  return 2;
}

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& error) {
    std::cerr << "below_server_probe: " << error.what() << "\n";
    return 1;
  }
}
