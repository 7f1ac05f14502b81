#include "checks/capture_path.hpp"

#include <algorithm>
#include <charconv>

namespace micdoctor::checks {
namespace {


// "hw:0,0" -> 0 (what the ALSA capture list and arecord -l give).
std::optional<int> card_of_device(const std::string& id) {
  const std::string prefix = "hw:";
  if (id.rfind(prefix, 0) != 0) return std::nullopt;
  int number = 0;
  const char* begin = id.data() + prefix.size();
  const char* end = id.data() + id.size();
  const auto [ptr, error] = std::from_chars(begin, end, number);
  if (error != std::errc() || ptr == begin || (ptr != end && *ptr != ',')) return std::nullopt;
  return number;
}

bool has_capture_element(const AlsaMixer& mixer) {
  return std::any_of(mixer.elements.begin(), mixer.elements.end(), [](const MixerElement& e) {
    return !e.capture_switch.empty() || (e.volume && e.volume_is_capture);
  });
}

const Source* server_target(const CheckInput& input) {
  return server_state_known(input.snapshot) ? input.target : nullptr;
}

void add_unique(std::vector<std::string>& names, const std::string& name) {
  if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
}

}  // namespace

bool server_state_known(const SystemSnapshot& snapshot) {
  return snapshot.server.reachable && snapshot.origin != "alsa-info";
}

const KernelCard* kernel_card(const SystemSnapshot& snapshot, int number) {
  for (const KernelCard& card : snapshot.kernel.cards) {
    if (card.number == number) return &card;
  }
  return nullptr;
}

std::vector<int> capture_card_numbers(const CheckInput& input) {
  const SystemSnapshot& s = input.snapshot;
  std::vector<int> numbers;
  if (server_state_known(s)) {
    if (input.target == nullptr) return numbers;
    const Card* card = s.find_card(input.target->card);
    if (card != nullptr && card->alsa_card) numbers.push_back(*card->alsa_card);
    return numbers;
  }
  for (const AlsaCaptureDevice& device : s.alsa_capture) {
    const std::optional<int> number = card_of_device(device.id);
    if (number && std::find(numbers.begin(), numbers.end(), *number) == numbers.end()) numbers.push_back(*number);
  }
  if (!numbers.empty()) return numbers;
  // No capture list (a dump without arecord -l): a mixer with capture controls can capture.
  for (const AlsaMixer& mixer : s.kernel.mixers) {
    if (mixer.read && has_capture_element(mixer)) numbers.push_back(mixer.card);
  }
  return numbers;
}

bool on_external_bus(const std::string& bus) { return !bus.empty() && bus != "pci" && bus != "platform"; }

bool is_microphone_input(const std::string& name) {
  if (is_boost(name)) return false;
  return contains(name, "Mic") || name.rfind("Dmic", 0) == 0 || name.rfind("DMIC", 0) == 0;
}

bool is_boost(const std::string& name) { return name.ends_with(" Boost") && contains(name, "Mic"); }

bool is_input_selector(const MixerElement& element) {
  return !element.enum_items.empty() && (contains(element.name, "Source") || contains(element.name, "Input"));
}

std::string input_of(const std::string& element_name) {
  return is_boost(element_name) ? element_name.substr(0, element_name.size() - std::string(" Boost").size())
                                : element_name;
}

std::vector<std::string> inputs_of_port(const std::string& port_name) {
  // PulseAudio's and PipeWire's analog input paths (alsa-mixer/paths/*.conf).
  if (port_name == "analog-input-internal-mic") return {"Internal Mic", "Int Mic"};
  if (port_name == "analog-input-mic") return {"Mic"};
  if (port_name == "analog-input-front-mic") return {"Front Mic"};
  if (port_name == "analog-input-rear-mic") return {"Rear Mic"};
  if (port_name == "analog-input-headset-mic") return {"Headset Mic"};
  if (port_name == "analog-input-headphone-mic") return {"Headphone Mic"};
  if (port_name == "analog-input-dock-mic") return {"Dock Mic"};
  if (port_name == "analog-input-linein") return {"Line"};
  // UCM devices (alsa-ucm-conf's HDA and sof-hda-dsp HiFi): PipeWire and
  // PulseAudio 15+ call the port "[In] <device>", older PulseAudio "<device>".
  // Mic1 is the DSP's digital microphones, Mic2 the analogue "Mic" jack,
  // Headset the combo jack's microphone.
  const std::string device = port_name.rfind("[In] ", 0) == 0 ? port_name.substr(5) : port_name;
  if (device == "Mic1") return {"Dmic0", "Dmic1", "Dmic", "DMIC"};
  if (device == "Mic2") return {"Mic", "Headphone Mic"};
  if (device == "Headset") return {"Headset Mic"};
  return {};
}

bool port_understood(const std::string& port_name) { return !inputs_of_port(port_name).empty(); }

bool records_digital_mics(const std::string& port_name) {
  return port_name == "Mic1" || port_name == "[In] Mic1";
}

std::vector<PathMixer> capture_path_mixers(const CheckInput& input) {
  const SystemSnapshot& s = input.snapshot;
  std::vector<PathMixer> path;
  for (const int number : capture_card_numbers(input)) {
    for (const AlsaMixer& mixer : s.kernel.mixers) {
      if (mixer.card != number || !mixer.read) continue;
      PathMixer p;
      p.mixer = &mixer;
      p.card = kernel_card(s, number);
      // A USB device's capture controls are its microphone, whatever they are
      // called ("Mic", "Headset"); a card's other controls only by name.
      const bool usb = p.card != nullptr && p.card->bus == "usb";
      std::vector<std::string> all;
      for (const MixerElement& e : mixer.elements) {
        const std::string base = input_of(e.name);
        const bool captures = !e.capture_switch.empty() || (e.volume && e.volume_is_capture);
        if (is_microphone_input(base) || (usb && captures && e.name != "Capture" && !is_boost(e.name))) {
          add_unique(all, base);
        }
      }
      const Source* target = server_target(input);
      if (target != nullptr && !target->active_port.empty() && !port_understood(target->active_port)) {
        // A port micdoctor does not understand records inputs it cannot name:
        // judge none of the inputs (nor "Capture"), rather than the wrong ones.
        p.port_specific = true;
        p.capture_on_path = false;
        path.push_back(std::move(p));
        continue;
      }
      if (target != nullptr) {
        for (const std::string& name : inputs_of_port(target->active_port)) {
          if (std::find(all.begin(), all.end(), name) != all.end()) p.inputs.push_back(name);
        }
        p.port_specific = !p.inputs.empty();
        p.capture_on_path = !records_digital_mics(target->active_port);
      }
      if (!p.port_specific) p.inputs = all;
      path.push_back(std::move(p));
    }
  }
  return path;
}

const MixerElement* find_element(const AlsaMixer& mixer, const std::string& name, int index) {
  for (const MixerElement& e : mixer.elements) {
    if (e.name == name && e.index == index) return &e;
  }
  return nullptr;
}

std::string element_id(const AlsaMixer& mixer, const MixerElement& element) {
  return mixer_element_id(MixerElementId{mixer.card_id, element.name, element.index});
}

std::string amixer_control(const MixerElement& element) {
  std::string control = shell_quote(element.name);
  if (element.index != 0) {
    control += ',';
    control += std::to_string(element.index);
  }
  return control;
}

std::string amixer_card(const AlsaMixer& mixer) {
  return "amixer -c " + (mixer.card_id.empty() ? std::to_string(mixer.card) : shell_quote(mixer.card_id));
}

std::optional<double> loudest_db(const MixerVolume& volume) {
  if (volume.db.empty()) return std::nullopt;
  return *std::max_element(volume.db.begin(), volume.db.end());
}

double range_position(const MixerVolume& volume) {
  if (volume.values.empty() || volume.max <= volume.min) return 1.0;
  const long loudest = *std::max_element(volume.values.begin(), volume.values.end());
  return static_cast<double>(loudest - volume.min) / static_cast<double>(volume.max - volume.min);
}

bool capture_switch_off(const MixerElement& element) {
  // An item of a "Capture Source" selector is off because another is chosen:
  // mixer.input_select judges that, not a switch left off.
  return !element.capture_exclusive && !element.capture_switch.empty() &&
         std::none_of(element.capture_switch.begin(), element.capture_switch.end(), [](bool on) { return on; });
}

}  // namespace micdoctor::checks
