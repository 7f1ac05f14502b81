// Step 2, below the server: the ALSA mixer of the card the microphone is on
// (capture switches, capture volumes, boost stages, the input selector) and
// the microphone mute key. The server does not touch every control, and on a
// system without a server nothing does. Which elements count is
// capture_path.hpp's business.
#include <algorithm>
#include <cmath>

#include "checks/capture_path.hpp"
#include "checks/checks.hpp"
#include "model/number_text.hpp"

namespace micdoctor::checks {
namespace {

// A capture volume in the lowest tenth of its range is "at or near its minimum".
constexpr double kCaptureLowPosition = 0.10;
// The analogue gain a boost stage and the capture amplifier add together,
// from which clipping, a voice far too loud or noise becomes the boost's doing.
constexpr double kBoostHighDb = 30.0;
// Where the fix (and the manual step) puts a boost: the step nearest +20 dB.
constexpr double kBoostTargetDb = 20.0;

std::string control_label(const MixerElement& e) {
  return "\"" + e.name + "\"" + (e.index == 0 ? "" : " (index " + std::to_string(e.index) + ")");
}

std::string card_label(const PathMixer& p) {
  std::string label = "card " + std::to_string(p.mixer->card);
  if (!p.mixer->card_id.empty()) label += " (" + p.mixer->card_id + ")";
  return label;
}

bool server_muted_the_source(const CheckInput& input) {
  return server_state_known(input.snapshot) && input.target != nullptr && input.target->muted;
}

// The capture volume the server already turned down (device.volume_low says it,
// and the server moves "Capture" with its own volume).
bool server_turned_the_source_down(const CheckInput& input) {
  return server_state_known(input.snapshot) && input.target != nullptr &&
         input.target->volume_percent <= kLowVolumePercent;
}

// The elements of the path's inputs that fail a test: with a port known, each
// input of that port that fails; without, only when every microphone input
// with such a control fails (an unused input switched off is normal).
template <typename Has, typename Fails>
std::vector<const MixerElement*> failing_inputs(const PathMixer& p, Has has, Fails fails) {
  std::vector<const MixerElement*> candidates;
  for (const std::string& name : p.inputs) {
    const MixerElement* e = find_element(*p.mixer, name);
    if (e != nullptr && has(*e)) candidates.push_back(e);
  }
  std::vector<const MixerElement*> failing;
  for (const MixerElement* e : candidates) {
    if (fails(*e)) failing.push_back(e);
  }
  if (!p.port_specific && failing.size() != candidates.size()) failing.clear();
  return failing;
}

std::vector<const MixerElement*> switched_off(const PathMixer& p) {
  std::vector<const MixerElement*> off;
  const MixerElement* capture = p.capture_on_path ? find_element(*p.mixer, "Capture") : nullptr;
  if (capture != nullptr && capture_switch_off(*capture)) off.push_back(capture);
  for (const MixerElement* e : failing_inputs(
           p, [](const MixerElement& x) { return !x.capture_switch.empty(); }, capture_switch_off)) {
    off.push_back(e);
  }
  return off;
}

void capture_off(const CheckInput& input, const PathMixer& p, std::vector<Finding>& out) {
  if (server_muted_the_source(input)) return;  // the server's mute is this switch: device.muted says it
  for (const MixerElement* e : switched_off(p)) {
    Finding f = make_check_finding(
        CheckId::mixer_capture_off, Severity::error, "The microphone is switched off in the sound card's mixer",
        "The capture switch of " + control_label(*e) + " on " + card_label(p) + " is off (" +
            std::to_string(e->capture_switch.size()) + (e->capture_switch.size() == 1 ? " channel" : " channels") +
            "), so the card delivers silence whatever the other settings say.",
        element_id(*p.mixer, *e));
    f.fix = std::string(fix_id(FixId::mixer_capture_on));
    f.manual_steps.push_back("Switch it on: " + amixer_card(*p.mixer) + " sset " + amixer_control(*e) +
                             " cap  (or in alsamixer -c " + std::to_string(p.mixer->card) +
                             ", press F4 and then Space on \"" + e->name + "\")");
    out.push_back(std::move(f));
  }
}

bool is_low(const MixerElement& e) {
  return e.volume && e.volume_is_capture && !capture_switch_off(e) && range_position(*e.volume) <= kCaptureLowPosition;
}

std::string level_text(const MixerVolume& v) {
  const long loudest = v.values.empty() ? v.min : *std::max_element(v.values.begin(), v.values.end());
  std::string text = "step " + std::to_string(loudest) + " of " + std::to_string(v.min) + "-" + std::to_string(v.max);
  if (const auto db = loudest_db(v); db && v.db_min && v.db_max) {
    const std::string low = is_mute_db(*v.db_min) ? std::string("mute") : decimal(*v.db_min) + " dB";
    text += ", " + (is_mute_db(*db) ? std::string("mute") : decimal(*db) + " dB") + " in a range of " + low + " to " +
            decimal(*v.db_max) + " dB";
  }
  return text;
}

// A control the server's input path drives with the source volume: PulseAudio's
// and PipeWire's analogue input paths put the source volume into "Capture"
// first and the port's own input volume next, so a source at 40 % leaves
// "Capture" at its minimum on a healthy laptop. Where the server put it, it is
// the source volume (device.volume_low), not judged on its own: raising it
// would fight the server. Where the port is not understood, the server may
// drive any input of the card.
bool server_drives(const CheckInput& input, const PathMixer& p, const MixerElement& e) {
  if (!server_state_known(input.snapshot)) return false;
  if (e.name == "Capture" || !p.port_specific) return true;
  return std::find(p.inputs.begin(), p.inputs.end(), e.name) != p.inputs.end();
}

// The server put the control where it is: its dB is no lower than the source
// volume's (the hardware takes what it can of the source volume, the rest is
// software). A control far below a source at 100 % is not the server's doing
// (soft-volume mode, a UCM without a capture volume): that is judged.
constexpr double kServerVolumeToleranceDb = 3.0;

bool server_explains_level(const CheckInput& input, const MixerElement& e) {
  if (input.target == nullptr || !e.volume) return false;
  const std::optional<double> control_db = loudest_db(*e.volume);
  if (!control_db) return true;  // no dB to compare: the server's path drives it
  std::optional<double> source_db = input.target->volume_db;
  if (!source_db && input.target->volume_percent > 0.0) {
    source_db = 60.0 * std::log10(input.target->volume_percent / 100.0);  // the servers' cubic volume scale
  }
  return !source_db || *control_db >= *source_db - kServerVolumeToleranceDb;
}

void capture_low(const CheckInput& input, const PathMixer& p, std::vector<Finding>& out) {
  if (server_turned_the_source_down(input)) return;
  std::vector<const MixerElement*> low;
  const MixerElement* capture = p.capture_on_path ? find_element(*p.mixer, "Capture") : nullptr;
  if (capture != nullptr && is_low(*capture)) low.push_back(capture);
  for (const MixerElement* e : failing_inputs(
           p, [](const MixerElement& x) { return x.volume && x.volume_is_capture; }, is_low)) {
    low.push_back(e);
  }
  low.erase(std::remove_if(low.begin(), low.end(),
                           [&](const MixerElement* e) {
                             return server_drives(input, p, *e) && server_explains_level(input, *e);
                           }),
            low.end());
  for (const MixerElement* e : low) {
    const MixerVolume& v = *e->volume;
    const bool has_unity = v.db_min && v.db_max && *v.db_min <= 0.0 && *v.db_max >= 0.0;
    Finding f = make_check_finding(
        CheckId::mixer_capture_low, Severity::warning, "The microphone is turned almost all the way down in the sound card's mixer",
        "The capture volume " + control_label(*e) + " on " + card_label(p) + " is at its minimum or close to it (" +
            level_text(v) + "): your voice arrives far too quiet before any other volume can help.",
        element_id(*p.mixer, *e));
    f.fix = std::string(fix_id(FixId::mixer_raise_capture));
    f.manual_steps.push_back("Raise it: " + amixer_card(*p.mixer) + " sset " + amixer_control(*e) +
                             (has_unity ? " 0dB" : " 75%") + "  (or in alsamixer -c " + std::to_string(p.mixer->card) +
                             ", press F4 and raise \"" + e->name + "\")");
    out.push_back(std::move(f));
  }
}

// The raw step of a boost nearest kBoostTargetDb (boost steps are linear in dB).
long boost_target_step(const MixerVolume& v) {
  if (!v.db_min || !v.db_max || v.max <= v.min) return v.min;
  // A lowest step that mutes says nothing about the scale: interpolate from
  // the step above it, whose dB the reader knows (or stay at the top).
  long low_step = v.min;
  double low_db = *v.db_min;
  if (is_mute_db(low_db)) {
    if (!v.db_above_mute) return v.max;
    low_step = v.min + 1;
    low_db = *v.db_above_mute;
  }
  if (*v.db_max <= low_db || v.max <= low_step) return v.max;
  const double fraction = (kBoostTargetDb - low_db) / (*v.db_max - low_db);
  const double step =
      static_cast<double>(low_step) + std::clamp(fraction, 0.0, 1.0) * static_cast<double>(v.max - low_step);
  return std::lround(step);
}

void boost_high(const PathMixer& p, std::vector<Finding>& out) {
  const MixerElement* capture = p.capture_on_path ? find_element(*p.mixer, "Capture") : nullptr;
  double capture_gain = 0.0;
  if (capture != nullptr && capture->volume && capture->volume_is_capture) {
    capture_gain = std::max(0.0, loudest_db(*capture->volume).value_or(0.0));
  }
  for (const std::string& input : p.inputs) {
    const MixerElement* boost = find_element(*p.mixer, input + " Boost");
    if (boost == nullptr || !boost->volume) continue;
    const std::optional<double> boost_db = loudest_db(*boost->volume);
    if (!boost_db || *boost_db <= 0.0) continue;
    double input_gain = 0.0;
    const MixerElement* own = find_element(*p.mixer, input);
    if (own != nullptr && own->volume && own->volume_is_capture) {
      input_gain = std::max(0.0, loudest_db(*own->volume).value_or(0.0));
    }
    const double total = *boost_db + capture_gain + input_gain;
    if (total < kBoostHighDb) continue;
    std::string parts = control_label(*boost) + " adds +" + decimal(*boost_db) + " dB (" + level_text(*boost->volume) + ")";
    if (capture_gain > 0.0) parts += ", \"Capture\" +" + decimal(capture_gain) + " dB";
    if (input_gain > 0.0) parts += ", \"" + input + "\" +" + decimal(input_gain) + " dB";
    Finding f = make_check_finding(
        CheckId::mixer_boost_high, Severity::info, "The microphone's input is amplified strongly in the sound card",
        "On " + card_label(p) + ", " + parts + ": +" + decimal(total) + " dB of gain before the computer. Many "
        "laptops run their built-in microphone like this and sound fine; it matters when a test hears clipping, "
        "a voice far too loud, or noise.",
        element_id(*p.mixer, *boost));
    f.manual_steps.push_back("If the microphone sounds distorted or noisy, lower the boost to about +" +
                             decimal(kBoostTargetDb, 0) + " dB: " + amixer_card(*p.mixer) + " sset " +
                             amixer_control(*boost) + " " + std::to_string(boost_target_step(*boost->volume)) +
                             "  (then test again: micdoctor test)");
    out.push_back(std::move(f));
  }
}

bool names_a_microphone(const std::string& item) {
  std::string lower = item;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower.find("mic") != std::string::npos;
}

void input_select(const PathMixer& p, std::vector<Finding>& out) {
  for (const MixerElement& e : p.mixer->elements) {
    if (!is_input_selector(e) || e.index != 0) continue;
    const auto wanted = [&](const std::string& item) {
      if (p.port_specific) return std::find(p.inputs.begin(), p.inputs.end(), item) != p.inputs.end();
      return names_a_microphone(item);
    };
    if (wanted(e.enum_selected)) continue;
    const auto better = std::find_if(e.enum_items.begin(), e.enum_items.end(), wanted);
    if (better == e.enum_items.end()) continue;
    Finding f = make_check_finding(
        CheckId::mixer_input_select, Severity::warning, "The sound card records another input than the microphone",
        "The input selector " + control_label(e) + " on " + card_label(p) + " is set to \"" + e.enum_selected +
            "\", not \"" + *better + "\": the card records that input instead of your microphone.",
        element_id(*p.mixer, e));
    f.fix = std::string(fix_id(FixId::mixer_select_input));
    f.manual_steps.push_back("Select the microphone: " + amixer_card(*p.mixer) + " sset " + amixer_control(e) + " " +
                             shell_quote(*better) + "  (or in alsamixer -c " + std::to_string(p.mixer->card) +
                             ", press F4 and choose it in \"" + e.name + "\")");
    out.push_back(std::move(f));
  }
}

// Any card's capture switch off ("Capture", a microphone input): what an
// audio-micmute LED shows.
bool any_capture_switch_off(const SystemSnapshot& snapshot) {
  for (const AlsaMixer& mixer : snapshot.kernel.mixers) {
    for (const MixerElement& e : mixer.elements) {
      if ((e.name == "Capture" || is_microphone_input(e.name)) && capture_switch_off(e)) return true;
    }
  }
  return false;
}

bool is_micmute_led(const MuteLed& led) { return led.name.find("micmute") != std::string::npos; }

}  // namespace

void check_mixer(const CheckInput& input, std::vector<Finding>& out) {
  for (const PathMixer& p : capture_path_mixers(input)) {
    capture_off(input, p, out);
    capture_low(input, p, out);
    boost_high(p, out);
    input_select(p, out);
  }
}

void check_micmute(const CheckInput& input, std::vector<Finding>& out) {
  for (const MuteLed& led : input.snapshot.kernel.mute_leds) {
    if (!is_micmute_led(led) || led.brightness <= 0) continue;
    // With the audio-micmute trigger the LED only shows a mute made in
    // software (ALSA's ctl-led: every capture switch bound to it is off):
    // when that mute is in sight, it is the finding, not the LED.
    // A capture switch off on a card not in use lights it too, and is no
    // fault of this microphone; unexplained, it is a warning, not an error.
    const bool follows_alsa = led.trigger == "audio-micmute";
    if (follows_alsa && (server_muted_the_source(input) || any_capture_switch_off(input.snapshot))) continue;
    // The key mutes the computer's own microphones: with a USB or Bluetooth
    // microphone in use, its light is information at most.
    const Source* in_use = server_state_known(input.snapshot) ? input.target : nullptr;
    if (in_use != nullptr && on_external_bus(in_use->bus)) {
      Finding f = make_check_finding(
          CheckId::hardware_micmute_on, Severity::info, "The microphone mute key is on (for the built-in microphone)",
          "The microphone mute light is lit (/sys/class/leds/" + led.name + "/brightness is " +
              std::to_string(led.brightness) + "). It mutes the computer's own microphones, not the " +
              in_use->bus + " microphone in use (" + in_use->description + "), so it does not explain its silence.",
          led.name);
      f.manual_steps.push_back("To use the built-in microphone, press the microphone mute key (often F4, F8 or "
                               "Fn+F4) so that its light goes out.");
      out.push_back(std::move(f));
      continue;
    }
    const std::string led_state = "/sys/class/leds/" + led.name + "/brightness is " + std::to_string(led.brightness) +
                                  " of " + std::to_string(led.max_brightness) +
                                  (led.trigger.empty() ? "" : " (trigger " + led.trigger + ")");
    Finding f = make_check_finding(
        CheckId::hardware_micmute_on, follows_alsa ? Severity::warning : Severity::error,
        "The microphone mute key is on",
        "The microphone mute light is lit: " + led_state + "." +
            (follows_alsa ? " It follows ALSA's capture switches (the audio-micmute trigger), so a capture control "
                            "bound to it is off somewhere micdoctor could not see."
                          : " The mute acts before the computer hears anything: every setting can be green and "
                            "the recording is still silence."),
        led.name);
    f.manual_steps.push_back("Press the microphone mute key (a crossed-out microphone, often F4, F8 or Fn+F4 on "
                             "laptops) so that its light goes out.");
    if (follows_alsa) {
      f.manual_steps.push_back("If the light stays on, switch capture on in alsamixer (press F4, then Space on the "
                               "capture controls of each card) or unmute the input in Settings > Sound.");
    }
    out.push_back(std::move(f));
  }
}

}  // namespace micdoctor::checks
