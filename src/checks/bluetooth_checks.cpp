// Step 2, below the server: a Bluetooth headset that has a microphone but no
// headset (HFP/HSP) profile, so no microphone. BlueZ says what the device
// can do (Device1.UUIDs); the server's card says what it offers; the server's
// configuration files often say why the two differ.
#include <algorithm>
#include <cctype>
#include <sstream>

#include "checks/capture_path.hpp"
#include "checks/checks.hpp"
#include "fixes/below_server_plan.hpp"

namespace micdoctor::checks {
namespace {

// The device's side of the two headset profiles (Bluetooth assigned numbers):
// Handsfree 0x111e and Headset 0x1108. (0x111f and 0x1112 are the phone's side.)
constexpr const char* kHandsfreeUuid = "0000111e-0000-1000-8000-00805f9b34fb";
constexpr const char* kHeadsetUuid = "00001108-0000-1000-8000-00805f9b34fb";

// "XX:XX:XX:XX:XX:XX" in hex, as BlueZ names a device: only such an address
// goes into a command the person pastes.
bool is_mac_address(const std::string& address) {
  if (address.size() != 17) return false;
  for (std::size_t i = 0; i < address.size(); ++i) {
    const bool colon = i % 3 == 2;
    if (colon ? address[i] != ':' : std::isxdigit(static_cast<unsigned char>(address[i])) == 0) return false;
  }
  return true;
}

bool has_headset_role(const BluetoothDevice& device) {
  return std::any_of(device.uuids.begin(), device.uuids.end(),
                     [](const std::string& uuid) { return uuid == kHandsfreeUuid || uuid == kHeadsetUuid; });
}

// PipeWire's and PulseAudio's name for the device's card: bluez_card.00_1B_66_AA_BB_CC.
const Card* card_of(const SystemSnapshot& s, const BluetoothDevice& device) {
  std::string name = "bluez_card." + device.address;
  std::replace(name.begin(), name.end(), ':', '_');
  return s.find_card(name);
}

bool offers_input(const Card& card) {
  return std::any_of(card.profiles.begin(), card.profiles.end(),
                     [](const Profile& p) { return p.sources > 0 && p.available; });
}

// "[ a2dp_sink hfp_hf ]", "\"none\"" -> its words.
std::vector<std::string> words_of(const std::string& value) {
  std::string cleaned = value;
  for (char& c : cleaned) {
    if (c == '[' || c == ']' || c == '"' || c == '\'' || c == ',') c = ' ';
  }
  std::istringstream in(cleaned);
  std::vector<std::string> words;
  for (std::string word; in >> word;) words.push_back(word);
  return words;
}

bool lists_a_headset_role(const std::string& value) {
  const auto words = words_of(value);
  return std::any_of(words.begin(), words.end(), [](const std::string& w) { return w == "hfp_hf" || w == "hsp_hs"; });
}

// Which server's configuration applies: PipeWire (through WirePlumber) or PulseAudio.
bool runs_pipewire(const SystemSnapshot& s) { return s.server.name.find("PipeWire") != std::string::npos; }

struct Blocker {
  const AudioConfigSetting* setting = nullptr;
  std::string words;            // why, in words
  bool user_dropin_fixes = false;  // a WirePlumber setting a user drop-in overrides
};

std::optional<Blocker> configuration_blocks(const SystemSnapshot& s) {
  const bool pipewire = runs_pipewire(s);
  const bool pulseaudio = !pipewire && s.server.reachable;
  for (const AudioConfigSetting& c : s.audio_config) {
    const bool wireplumber = c.program == "wireplumber";
    if ((wireplumber || c.program == "pipewire") && !pulseaudio) {
      const std::string where = " (" + c.key + " = " + c.value + " in " + c.file + ")";
      if ((c.key == "bluez5.headset-roles" || c.key == "bluez5.roles") && !lists_a_headset_role(c.value)) {
        return Blocker{&c, "The headset roles are switched off in " + c.program + "'s configuration" + where + ".",
                       wireplumber};
      }
      const auto backend = words_of(c.value);
      if (c.key == "bluez5.hfphsp-backend" && backend.size() == 1 && backend.front() == "none") {
        return Blocker{&c, "No headset (HFP/HSP) backend is configured" + where + ".", wireplumber};
      }
      if (c.key == "disable-headset") {
        return Blocker{&c, "A configuration file disables the headset profile: " + c.file + ".", wireplumber};
      }
    }
    if (c.program == "pulseaudio" && !pipewire && c.key == "module-bluetooth-discover headset") {
      const auto backend = words_of(c.value);
      if (backend.size() == 1 && backend.front() == "ofono" && s.bluetooth.read && !s.bluetooth.ofono_running) {
        return Blocker{&c, "PulseAudio is set to use oFono for the headset profile (headset=ofono in " + c.file +
                               "), and oFono is not running.",
                       false};
      }
    }
  }
  return std::nullopt;
}

// The user's own WirePlumber drop-in that turns the roles back on (what the
// fix bluetooth.enable_headset_roles writes), for this WirePlumber.
std::string dropin_step(const SystemSnapshot& s) {
  UserAudioConfig config = s.user_config;
  if (config.wireplumber_dir.empty()) config.wireplumber_dir = "~/.config/wireplumber";
  if (config.wireplumber_version.empty()) config.wireplumber_version = "0.5";
  std::string path;
  std::string content;
  // The same file and content as the fix bluetooth.enable_headset_roles writes.
  if (!headset_roles_drop_in(config, path, content, backend_set_to_none(s.audio_config))) {
    return "Turn the headset roles back on in WirePlumber's configuration (bluez5.roles), then: systemctl --user "
           "restart wireplumber";
  }
  const std::string dir = path.substr(0, path.rfind('/'));
  return "Turn the headset roles back on for you: mkdir -p " + shell_quote(dir) + " && printf '%s' " +
         shell_quote(content) + " > " + shell_quote(path) + ", then: systemctl --user restart wireplumber";
}

}  // namespace

void check_bluetooth_headsets(const CheckInput& input, std::vector<Finding>& out) {
  const SystemSnapshot& s = input.snapshot;
  // Without a server there is no card to judge; without BlueZ, no device.
  if (!server_state_known(s) || !s.bluetooth.read) return;
  for (const BluetoothDevice& device : s.bluetooth.devices) {
    if (!device.connected || !has_headset_role(device)) continue;
    const Card* card = card_of(s, device);
    if (card != nullptr && offers_input(*card)) continue;  // device.profile_without_input covers a wrong choice
    const std::string name = device.name.empty() ? device.address : device.name;
    const std::optional<Blocker> blocker = configuration_blocks(s);
    std::string detail = "\"" + name + "\" (" + device.address + ") is connected and can be a headset with a "
                         "microphone (it offers the Bluetooth " +
                         std::string(std::find(device.uuids.begin(), device.uuids.end(), kHandsfreeUuid) != device.uuids.end()
                                         ? "Handsfree"
                                         : "Headset") +
                         " profile), but " +
                         (card == nullptr ? std::string("the sound server has no card for it")
                                          : "the sound server's card " + card->name + " offers no profile with a microphone") +
                         ".";
    if (blocker) detail += " " + blocker->words;
    Finding f = make_check_finding(CheckId::bluetooth_no_headset_profile, Severity::error,
                                   "The Bluetooth headset's microphone is not available",
                                   detail, card != nullptr ? card->name : "bluetooth:" + device.address);
    if (blocker && blocker->user_dropin_fixes) {
      f.fix = std::string(fix_id(FixId::bluetooth_enable_headset_roles));
      f.manual_steps.push_back(dropin_step(s));
    } else if (blocker && blocker->setting->program == "pulseaudio") {
      f.manual_steps.push_back("Start oFono (sudo systemctl enable --now ofono), or use PulseAudio's own backend: "
                               "change headset=ofono to headset=native in " + blocker->setting->file +
                               " (as root), then: pulseaudio -k");
    } else if (blocker) {
      f.manual_steps.push_back("Remove or change the setting in " + blocker->setting->file +
                               " (as root), then restart the sound server.");
    } else if (is_mac_address(device.address)) {
      f.manual_steps.push_back("Disconnect and connect the headset again (bluetoothctl disconnect " + device.address +
                               ", then bluetoothctl connect " + device.address + "); if that does not help, remove "
                               "it (bluetoothctl remove " + device.address + ") and pair it again.");
    } else {
      f.manual_steps.push_back("Disconnect and connect the headset again in the Bluetooth settings; if that does not "
                               "help, remove it there and pair it again.");
    }
    if (!blocker) {
      f.manual_steps.push_back("Restart the sound server: systemctl --user restart wireplumber pipewire pipewire-pulse "
                               "(PulseAudio: pulseaudio -k). The headset profile needs an HFP backend: PipeWire's own, "
                               "or oFono for PulseAudio.");
    }
    out.push_back(std::move(f));
  }
}

}  // namespace micdoctor::checks
