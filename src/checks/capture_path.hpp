#pragma once
// Which sound cards, and which of their ALSA mixer elements, lie on the path
// of the microphone in use. Internal to src/checks (the mixer, USB and join
// rules share it, so they agree on what "on the path" means).
//
// With a sound server: the card behind the source in use (Source.card ->
// Card.alsa_card -> KernelCard.number -> AlsaMixer.card), and of its inputs
// the one the source's active port records. Without one (or from an
// alsa-info dump, which has no server state): every card that can capture,
// and every microphone input on it.
#include <optional>
#include <string>
#include <vector>

#include "checks/check_context.hpp"

namespace micdoctor::checks {

// A sound server's state is evidence: it answered, and this is not a dump.
bool server_state_known(const SystemSnapshot& snapshot);

// Kernel card numbers on the path (see above); empty when nothing says.
std::vector<int> capture_card_numbers(const CheckInput& input);
const KernelCard* kernel_card(const SystemSnapshot& snapshot, int number);

// One card's mixer as the path sees it.
struct PathMixer {
  const AlsaMixer* mixer = nullptr;
  const KernelCard* card = nullptr;  // null when sysfs did not list it
  // The inputs ("Mic", "Internal Mic", "Headset Mic", "Dmic0") the path
  // records: the active port's when the server names one (port_specific),
  // else every microphone input of the mixer.
  std::vector<std::string> inputs;
  bool port_specific = false;
  // Whether the card's "Capture" (the HD-Audio ADC) is on the path: not when
  // the port records the DSP's digital microphones (UCM "Mic1" on SOF), nor
  // when the server's port is not understood.
  bool capture_on_path = true;
};
std::vector<PathMixer> capture_path_mixers(const CheckInput& input);

// Element names as HD-Audio, USB and SOF drivers make them.
// A source on a USB, Bluetooth or other plugged-in device ("usb", "bluetooth"),
// not on the computer's own sound card ("pci", "platform"); false when unknown.
// The laptop's microphone mute key and its light do not mute such a device.
bool on_external_bus(const std::string& bus);

bool is_microphone_input(const std::string& name);  // "Mic", "Internal Mic", "Dmic0", "Headset Mic"
bool is_boost(const std::string& name);              // "Mic Boost", "Internal Mic Boost"
bool is_input_selector(const MixerElement& element); // "Capture Source", "Input Source" (enumerated)
// The input an element belongs to: "Internal Mic Boost" -> "Internal Mic".
std::string input_of(const std::string& element_name);
// The element names a server port records from: "analog-input-internal-mic"
// -> {"Internal Mic", "Int Mic"}; empty when the port is not one of these.
std::vector<std::string> inputs_of_port(const std::string& port_name);
// A port whose inputs micdoctor knows (inputs_of_port is not empty).
bool port_understood(const std::string& port_name);
// A UCM port of the DSP's digital microphones ("[In] Mic1", "Mic1").
bool records_digital_mics(const std::string& port_name);

const MixerElement* find_element(const AlsaMixer& mixer, const std::string& name, int index = 0);
// The element as findings and fixes name it: "PCH:Capture,0".
std::string element_id(const AlsaMixer& mixer, const MixerElement& element);
// For people and amixer: "'Capture'", "'Capture',1".
std::string amixer_control(const MixerElement& element);
// "amixer -c 'PCH'" (the card id stays the same across boots; the number may not).
std::string amixer_card(const AlsaMixer& mixer);

// The loudest channel's gain in dB; null without a dB scale.
std::optional<double> loudest_db(const MixerVolume& volume);
// Where the loudest channel sits in the raw range, 0 (minimum) to 1.
double range_position(const MixerVolume& volume);
// Every channel of a capture switch is off.
bool capture_switch_off(const MixerElement& element);

}  // namespace micdoctor::checks
