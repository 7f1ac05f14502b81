#include "checks/signal_joins.hpp"

#include <algorithm>
#include <array>
#include <span>
#include <vector>

#include "checks/check_catalog.hpp"
#include "checks/capture_path.hpp"
#include "checks/check_context.hpp"
#include "checks/run_checks.hpp"
#include "model/number_text.hpp"

namespace micdoctor {
namespace {

using checks::shell_quote;
using checks::source_label;

// Full scale where the source's own gain is unity.
constexpr double kUnityPercent = 100.0;
// Below this a quiet voice is first a matter of the source's volume.
constexpr double kRaiseFirstBelowPercent = 90.0;
// A background at or below this is the recording's own quantisation floor
// (16-bit dither sits near -96 dBFS), not a room.
constexpr double kQuantisationFloorDbfs = -90.0;
// A voice below this has sunk to where the server's rounding shapes the recording.
constexpr double kVoiceAtTheFloorDbfs = -70.0;

struct Joining {
  const JoinInput& input;
  std::vector<Finding> findings;

  Finding* find(std::string_view id) {
    const auto it = std::find_if(findings.begin(), findings.end(), [&](const Finding& f) { return f.id == id; });
    return it == findings.end() ? nullptr : &*it;
  }
  void remove(std::string_view id) {
    findings.erase(std::remove_if(findings.begin(), findings.end(), [&](const Finding& f) { return f.id == id; }),
                   findings.end());
  }
  // The symptom becomes evidence on its cause.
  void fold(std::string_view symptom, Finding& cause, const std::string& evidence) {
    if (!evidence.empty()) cause.detail += " " + evidence;
    cause.explains.emplace_back(symptom);
    remove(symptom);
  }
  const Source& source() const { return input.source; }
  const SignalMetrics& metrics() const { return input.signal.metrics; }
};

std::string silence_evidence(const Joining& j) {
  return "The test recording confirms it: " + decimal(j.metrics().duration_s) + " s of pure digital silence.";
}

bool is_bluetooth(const Joining& j) {
  if (j.source().bus == "bluetooth") return true;
  const Card* card = j.input.snapshot.find_card(j.source().card);
  return card != nullptr && (card->bus == "bluetooth" || card->api == "bluez5");
}

std::string set_volume_command(const Source& source) {
  return "pactl set-source-volume " + shell_quote(source.name) + " 100%";
}

// The volume scales voice and background alike, so the SNR it leaves is the
// room's: noise is the volume's artifact only when both have sunk to the
// recording's own floor. Without that evidence the noise finding stands.
bool noise_is_the_volumes_floor(const Joining& j) {
  const SignalMetrics& m = j.metrics();
  const bool floor_at_quantisation = m.noise_floor_dbfs && *m.noise_floor_dbfs <= kQuantisationFloorDbfs;
  const bool voice_at_floor = m.speech_level_dbfs && *m.speech_level_dbfs < kVoiceAtTheFloorDbfs;
  return floor_at_quantisation || voice_at_floor;
}

void fold_noise_if_the_volumes(Joining& j, Finding& low) {
  if (j.find("signal.noisy") == nullptr || !noise_is_the_volumes_floor(j)) return;
  j.fold("signal.noisy", low, "");
}

bool is_signal_finding(const Finding& f) { return f.id.rfind("signal.", 0) == 0; }

// The fault hid the microphone from the test: step 5 is "?" with the reason,
// never "the hardware works" (once, whichever rule saw it first).
void hardware_not_judged(Joining& j, const std::string& reason) {
  const bool said = std::any_of(j.findings.begin(), j.findings.end(),
                                [](const Finding& f) { return f.step == kLastStep && is_not_judged(f); });
  if (!said) j.findings.push_back(make_not_judged(kLastStep, reason, j.source().name));
}

// A monitor records what the computer plays: whatever the test heard says
// nothing about a microphone, and its silence is no hardware fault.
void monitor_is_not_a_microphone(Joining& j) {
  Finding* monitor = j.find("device.is_monitor");
  if (monitor == nullptr) return;
  const bool silent = j.find("signal.digital_silence") != nullptr;
  if (checks::monitors_a_virtual_output(j.source())) {
    // A virtual microphone: what was played into it is what it delivers, so
    // its clipping or noise stand. Only its silence is explained.
    if (!silent) return;
    j.fold("signal.digital_silence", *monitor,
           "The test recording confirms it: " + decimal(j.metrics().duration_s) +
               " s of pure digital silence, because nothing was played into it.");
    if (j.find("signal.no_speech") != nullptr) j.fold("signal.no_speech", *monitor, "");
    hardware_not_judged(j, "nothing was played into the virtual output the chosen device records");
    return;
  }
  monitor->detail += silent ? " The test recording confirms it: " + decimal(j.metrics().duration_s) +
                                  " s of pure digital silence, because nothing was playing."
                            : " The test recorded what the computer played during it, so its sound says nothing "
                              "about a microphone.";
  std::vector<std::string> symptoms;
  for (const Finding& f : j.findings) {
    if (is_signal_finding(f)) symptoms.push_back(f.id);
  }
  for (const std::string& id : symptoms) {
    if (id != "signal.ok") monitor->explains.push_back(id);
    j.remove(id);
  }
  hardware_not_judged(j, "the chosen device is a monitor of an output, not a microphone");
}

// Digital silence from a muted source is the mute: one finding, not two.
void mute_explains_silence(Joining& j) {
  Finding* muted = j.find("device.muted");
  if (muted == nullptr || j.find("signal.digital_silence") == nullptr) return;
  const std::string evidence = silence_evidence(j);
  j.fold("signal.digital_silence", *muted, evidence);
  if (j.find("signal.no_speech")) j.fold("signal.no_speech", *muted, "");
  hardware_not_judged(j, "the microphone is muted, so the test heard only silence");
}

// A source at 0 % delivers silence just as a muted one does; one turned far
// down rounds a microphone's faint hiss to zero too (PulseAudio at 1 %,
// measured). Raising it comes first: no hardware fault is proven.
void low_volume_explains_silence(Joining& j) {
  Finding* low = j.find("device.volume_low");
  if (low == nullptr || j.find("signal.digital_silence") == nullptr) return;
  const double volume = j.source().volume_percent;
  j.fold("signal.digital_silence", *low,
         silence_evidence(j) + (volume > 0.0 ? " At this volume even a microphone's faint hiss rounds to zero." : ""));
  low->severity = Severity::error;
  if (j.find("signal.no_speech")) j.fold("signal.no_speech", *low, "");
  hardware_not_judged(j, "the microphone's volume is at " + decimal(volume, 0) + " %, so the test heard only silence");
}

// Silence from a port whose jack reports nothing plugged in is the empty
// jack, not a mystery "although every setting is on".
void unplugged_port_explains_silence(Joining& j) {
  Finding* unplugged = j.find("device.port_unavailable");
  if (unplugged == nullptr || j.find("signal.digital_silence") == nullptr) return;
  j.fold("signal.digital_silence", *unplugged, silence_evidence(j));
  if (j.find("signal.no_speech")) j.fold("signal.no_speech", *unplugged, "");
}

// Every setting is on, yet nothing arrives: the block is before the computer,
// or the device is dead. Say what to try, in the order an expert would.
void silence_from_a_source_that_is_on(Joining& j) {
  Finding* silence = j.find("signal.digital_silence");
  if (silence == nullptr) return;
  silence->title = "The microphone delivers pure silence although every setting is on";
  silence->detail = source_label(j.source()) + " is unmuted at " + decimal(j.source().volume_percent, 0) +
                    " % and ready, yet the " + decimal(j.metrics().duration_s) +
                    " s test recording was exact zeros, not even the faint hiss every working microphone makes. "
                    "Something blocks the signal before the computer, or the device is not working.";
  silence->manual_steps.clear();
  silence->manual_steps.push_back("Look for a mute switch or button on the headset, its cable or the microphone, and a "
                                  "microphone key with a light on the keyboard (often F4 or F8 on laptops).");
  silence->manual_steps.push_back("Some laptops have a privacy switch or a firmware (BIOS/UEFI) setting that disconnects "
                                  "the microphone: check it.");
  for (const Finding& f : j.findings) {
    if (f.id == "permission.sandbox_denied") {
      silence->manual_steps.push_back("Also fix the sandbox permission above: " + f.title + ".");
    }
  }
  silence->manual_steps.push_back("Unplug the microphone and plug it in again, into another port if there is one.");
  silence->manual_steps.push_back("Try the microphone on another computer or phone: silent there too means the "
                                  "microphone or its cable is broken.");
  if (j.find("signal.no_speech") != nullptr) j.fold("signal.no_speech", *silence, "");
}

// A quiet voice from a source turned down: the volume is the cause.
void low_volume_explains_quiet_voice(Joining& j) {
  Finding* quiet = j.find("signal.too_quiet");
  if (quiet == nullptr || j.source().volume_percent >= kRaiseFirstBelowPercent) return;
  const std::string measured = "The test measured your voice at " +
                               decimal(j.metrics().speech_level_dbfs.value_or(-120.0)) + " dBFS, far too quiet.";
  if (Finding* low = j.find("device.volume_low")) {
    low->severity = Severity::error;
    j.fold("signal.too_quiet", *low, measured);
    // (See noise_is_the_volumes_floor: real noise stands beside the volume.)
    fold_noise_if_the_volumes(j, *low);
    return;
  }
  quiet->detail += " The microphone's volume is only at " + decimal(j.source().volume_percent, 0) + " %.";
  quiet->fix = std::string(fix_id(FixId::source_raise_volume));
  quiet->manual_steps = {"Raise the microphone's volume to 100 %: " + set_volume_command(j.source())};
}

// No voice heard from a source turned down: the volume is the first cause,
// as for a quiet voice. A noise verdict joins it only when the background too
// sank to the recording's own floor (noise_is_the_volumes_floor).
void low_volume_hides_voice(Joining& j) {
  Finding* low = j.find("device.volume_low");
  if (low == nullptr || j.find("signal.no_speech") == nullptr) return;
  low->severity = Severity::error;
  j.fold("signal.no_speech", *low,
         "The test heard no voice at all: at this volume it sinks below the recording's own noise.");
  fold_noise_if_the_volumes(j, *low);
  hardware_not_judged(j, "the volume is so low that no voice could be heard");
}

// Gaps of exact zeros from a source turned down: the server rounds the quiet
// stretches between words to zero (PulseAudio at 5 % does), so they are the
// volume's doing until a test at a proper volume says otherwise. Only where
// rounding can do it: a volume at or below 10 %, or a voice sunk to the floor;
// between 10 and 25 % gaps are gaps. The joined finding keeps the higher
// severity of the two, so a dropouts error never shrinks to a warning.
void low_volume_rounds_pauses_to_zero(Joining& j) {
  Finding* low = j.find("device.volume_low");
  const Finding* gaps = j.find("signal.dropouts");
  if (low == nullptr || gaps == nullptr) return;
  const bool rounding_volume = j.source().volume_percent <= checks::kSilentVolumePercent;
  const bool voice_at_floor = j.metrics().speech_level_dbfs && *j.metrics().speech_level_dbfs < kVoiceAtTheFloorDbfs;
  if (!rounding_volume && !voice_at_floor) return;
  low->severity = std::max(low->severity, gaps->severity);
  j.fold("signal.dropouts", *low,
         "Its gaps of exact zeros are the quiet stretches between words, rounded to zero at this volume.");
}

// Quiet at full volume: the gain is not in the server. Hardware gain, the
// wrong jack or the wrong microphone.
void quiet_at_full_volume(Joining& j) {
  Finding* quiet = j.find("signal.too_quiet");
  if (quiet == nullptr || j.source().volume_percent < kRaiseFirstBelowPercent) return;
  quiet->detail += " The microphone's volume is already at " + decimal(j.source().volume_percent, 0) +
                   " %, so the missing gain is elsewhere.";
  quiet->manual_steps.clear();
  const Card* card = j.input.snapshot.find_card(j.source().card);
  if (card != nullptr && card->alsa_card) {
    quiet->manual_steps.push_back("Raise the hardware gain: alsamixer -c " + std::to_string(*card->alsa_card) +
                                  ", press F4 for the capture controls, raise \"Capture\" and \"Mic Boost\".");
  } else {
    quiet->manual_steps.push_back("Raise the microphone's own gain: a knob or switch on the microphone or its "
                                  "interface, or \"Mic Boost\" in alsamixer (F4 shows the capture controls).");
  }
  if (j.source().ports.size() > 1) {
    quiet->manual_steps.push_back("Check the input port: it records from \"" + j.source().active_port +
                                  "\"; if your microphone is in another jack, choose that port in Settings > Sound.");
  }
  const Source* best = checks::best_input(j.input.snapshot);
  if (best != nullptr && best->name != j.source().name && checks::preference_rank(*best) > checks::preference_rank(j.source())) {
    quiet->manual_steps.push_back("This may be the wrong microphone: " + source_label(*best) +
                                  " is also connected; test it with: micdoctor test --device " + shell_quote(best->name));
  }
  quiet->manual_steps.push_back("Speak closer to the microphone (a hand's width), into its front.");
}

// Telephone-band sound from a Bluetooth headset is the headset profile's limit.
void bluetooth_profile_limits_bandwidth(Joining& j) {
  Finding* narrow = j.find("signal.narrowband");
  if (narrow == nullptr || !is_bluetooth(j)) return;
  narrow->title = "The Bluetooth headset sends your voice at telephone quality";
  narrow->detail += " This is a Bluetooth headset: while its microphone is on, it uses the hands-free profile "
                    "(HFP/HSP), which carries the voice at telephone quality (8 kHz sampling, or 16 kHz with mSBC). "
                    "That is the profile's limit, not a fault.";
  narrow->manual_steps.clear();
  const Card* card = j.input.snapshot.find_card(j.source().card);
  if (card != nullptr && card->active_profile.find("cvsd") != std::string::npos) {
    for (const Profile& p : card->profiles) {
      if (p.name == "headset-head-unit" && p.available) {
        narrow->manual_steps.push_back("Switch to the wideband (mSBC) headset profile: pactl set-card-profile " +
                                       shell_quote(card->name) + " 'headset-head-unit'");
      }
    }
  }
  narrow->manual_steps.push_back("For better sound in calls, use a USB or wired microphone (the Bluetooth headset can "
                                 "stay for listening in its high-quality A2DP profile).");
}

// Clipping or a voice too loud with the source above unity gain: turn it down.
void gain_above_unity_overloads(Joining& j) {
  const double volume = j.source().volume_percent;
  for (const char* id : {"signal.clipping", "signal.too_loud"}) {
    Finding* loud = j.find(id);
    if (loud == nullptr) continue;
    if (volume > kUnityPercent + 0.5) {
      loud->detail += " The microphone's volume is at " + decimal(volume, 0) +
                      " %, above 100 %: the server amplifies it past full scale.";
      loud->fix = std::string(fix_id(FixId::source_lower_volume));
      loud->manual_steps = {"Lower the microphone's volume to 100 %: " + set_volume_command(j.source())};
    } else if (std::string_view(id) == "signal.clipping") {
      loud->manual_steps = {"Lower the gain before the computer: the microphone's own gain knob or switch, or \"Mic "
                            "Boost\" in alsamixer (F4 shows the capture controls).",
                            "Move the microphone a little further from your mouth."};
    }
  }
}

// ---- Below the server: the mixer, the mute key, USB power, the channels ----

// The kernel card behind the recorded source, when the server says which.
const KernelCard* recorded_kernel_card(const Joining& j) {
  const Card* card = j.input.snapshot.find_card(j.source().card);
  if (card == nullptr || !card->alsa_card) return nullptr;
  return checks::kernel_card(j.input.snapshot, *card->alsa_card);
}

// A state finding about a mixer element ("PCH:Mic Boost,0") is about the
// recorded source when it is on that source's card (or nothing says which).
bool on_recorded_card(const Joining& j, const Finding& f) {
  MixerElementId element;
  const KernelCard* card = recorded_kernel_card(j);
  if (card == nullptr || !parse_mixer_element_id(f.device, element)) return true;
  return element.card_id == card->id;
}

Finding* find_on_recorded_card(Joining& j, std::string_view id) {
  for (Finding& f : j.findings) {
    if (f.id == id && on_recorded_card(j, f)) return &f;
  }
  return nullptr;
}

void fold_silence(Joining& j, Finding& cause, const std::string& reason) {
  j.fold("signal.digital_silence", cause, silence_evidence(j));
  if (j.find("signal.no_speech") != nullptr) j.fold("signal.no_speech", cause, "");
  hardware_not_judged(j, reason);
}

// The mute key mutes before the computer hears: its silence is the key's.
void micmute_explains_silence(Joining& j) {
  Finding* key = j.find("hardware.micmute_on");
  if (key == nullptr || j.find("signal.digital_silence") == nullptr) return;
  // The laptop's mute key does not silence a USB or Bluetooth microphone.
  if (checks::on_external_bus(j.source().bus)) return;
  fold_silence(j, *key, "the microphone mute key is on, so the test heard only silence");
}

// Silence, or no voice, from "Headphone Mic" while the headset port reports a
// plug: the headset's microphone is on the other port. (No voice from a source
// turned down is the volume's: low_volume_hides_voice.)
void headset_port_explains_silence(Joining& j) {
  Finding* port = j.find("jack.headset_mic_missing");
  if (port == nullptr) return;
  if (j.find("signal.digital_silence") != nullptr) {
    port->severity = Severity::error;
    port->title = "A headset is plugged in, but its microphone is not used";
    fold_silence(j, *port, "the headset's microphone is on another port, so the test heard only silence");
  } else if (j.find("signal.no_speech") != nullptr && j.find("device.volume_low") == nullptr) {
    port->severity = Severity::warning;
    port->title = "A headset is plugged in, but its microphone is not used";
    j.fold("signal.no_speech", *port, "The test heard no voice on this port.");
  }
}

// A capture switch off in the card's mixer delivers exact zeros.
void capture_switch_explains_silence(Joining& j) {
  Finding* off = find_on_recorded_card(j, "mixer.capture_off");
  if (off == nullptr || j.find("signal.digital_silence") == nullptr) return;
  fold_silence(j, *off, "a capture switch of the sound card is off, so the test heard only silence");
}

// A quiet voice with the card's capture volume at its minimum: that volume.
void capture_volume_explains_quiet_voice(Joining& j) {
  Finding* low = find_on_recorded_card(j, "mixer.capture_low");
  const Finding* quiet = j.find("signal.too_quiet");
  if (low == nullptr || quiet == nullptr) return;
  low->severity = std::max(low->severity, quiet->severity);
  j.fold("signal.too_quiet", *low,
         "The test measured your voice at " + decimal(j.metrics().speech_level_dbfs.value_or(-120.0)) +
             " dBFS, far too quiet.");
}

// Clipping, a voice far too loud, or noise, with +30 dB or more of boost on
// the path: the boost is the cause, and lowering it the fix. (Clipping with
// the source above 100 % is the server's gain: gain_above_unity_overloads.)
void boost_overloads(Joining& j) {
  Finding* boost = find_on_recorded_card(j, "mixer.boost_high");
  if (boost == nullptr) return;
  const bool above_unity = j.source().volume_percent > kUnityPercent + 0.5;
  std::vector<std::string> heard;
  for (const char* id : {"signal.clipping", "signal.too_loud", "signal.noisy"}) {
    const Finding* symptom = j.find(id);
    if (symptom == nullptr || (above_unity && std::string_view(id) != "signal.noisy")) continue;
    heard.push_back(symptom->title + " (" + symptom->detail + ")");
    boost->explains.emplace_back(id);
    j.remove(id);
  }
  if (heard.empty()) return;
  boost->severity = Severity::error;
  boost->title = "The microphone's input is amplified too much in the sound card";
  std::string evidence = "The test heard it:";
  for (const std::string& h : heard) evidence += " " + h;
  boost->detail += " " + evidence;
  boost->fix = std::string(fix_id(FixId::mixer_lower_boost));
}

// Gaps in the sound from a USB microphone that USB power management may
// suspend: the suspicion becomes a warning.
void autosuspend_and_dropouts(Joining& j) {
  const Finding* gaps = j.find("signal.dropouts");
  const KernelCard* card = recorded_kernel_card(j);
  if (gaps == nullptr || card == nullptr) return;
  for (Finding& f : j.findings) {
    if (f.id != "usb.autosuspend" || f.device != card->address) continue;
    f.severity = std::max(Severity::warning, f.severity);
    j.fold("signal.dropouts", f,
           "The test heard " + std::to_string(j.metrics().dropouts) + " gaps of exact silence: keep the device awake "
           "(below) and test again.");
    return;
  }
}

// The channel to choose, with the source's name for the server's remap.
void other_channel_names_the_input(Joining& j) {
  Finding* other = j.find("signal.mic_on_other_channel");
  if (other == nullptr) return;
  const auto& rms = j.metrics().channel_rms_dbfs;
  if (rms.size() <= 2) return;
  const auto loudest = static_cast<std::size_t>(std::max_element(rms.begin() + 2, rms.end()) - rms.begin());
  const std::string channel = std::to_string(loudest + 1);
  other->manual_steps.push_back(
      "Or make a one-channel microphone of it for every application: pactl load-module module-remap-source "
      "source_name=micdoctor_channel_" + channel + " master=" + shell_quote(j.source().name) +
      " channels=1 master_channel_map=<name " + channel + " in the source's Channel Map (pactl list sources)> "
      "channel_map=mono, then choose it as the input.");
}

using Rule = void (*)(Joining&);
struct NamedRule {
  std::string_view name;
  Rule apply;
};

constexpr std::array kRules = {
    NamedRule{"monitor_is_not_a_microphone", monitor_is_not_a_microphone},
    NamedRule{"mute_explains_silence", mute_explains_silence},
    NamedRule{"micmute_explains_silence", micmute_explains_silence},
    NamedRule{"capture_switch_explains_silence", capture_switch_explains_silence},
    // The empty jack first: its silence is the jack's even when the volume is also low.
    NamedRule{"unplugged_port_explains_silence", unplugged_port_explains_silence},
    NamedRule{"low_volume_explains_silence", low_volume_explains_silence},
    NamedRule{"headset_port_explains_silence", headset_port_explains_silence},
    NamedRule{"silence_from_a_source_that_is_on", silence_from_a_source_that_is_on},
    NamedRule{"low_volume_hides_voice", low_volume_hides_voice},
    NamedRule{"capture_volume_explains_quiet_voice", capture_volume_explains_quiet_voice},
    NamedRule{"low_volume_explains_quiet_voice", low_volume_explains_quiet_voice},
    NamedRule{"low_volume_rounds_pauses_to_zero", low_volume_rounds_pauses_to_zero},
    NamedRule{"autosuspend_and_dropouts", autosuspend_and_dropouts},
    NamedRule{"quiet_at_full_volume", quiet_at_full_volume},
    NamedRule{"bluetooth_profile_limits_bandwidth", bluetooth_profile_limits_bandwidth},
    NamedRule{"boost_overloads", boost_overloads},
    NamedRule{"gain_above_unity_overloads", gain_above_unity_overloads},
    NamedRule{"other_channel_names_the_input", other_channel_names_the_input},
};

Finding as_test_finding(const Finding& signal, const Source& source) {
  Finding f = signal;
  f.step = kLastStep;
  f.device = source.name;
  if (!f.advice.empty() && f.id != "signal.ok") f.manual_steps = {f.advice};
  return f;
}

}  // namespace

std::vector<std::string_view> signal_join_rules() {
  std::vector<std::string_view> names;
  names.reserve(kRules.size());
  for (const NamedRule& rule : kRules) names.push_back(rule.name);
  return names;
}

std::vector<Finding> join_signal_with_state(const JoinInput& input) {
  Joining j{input, input.state};
  for (const Finding& f : input.signal.findings) j.findings.push_back(as_test_finding(f, input.source));
  for (const NamedRule& rule : kRules) rule.apply(j);
  // The recording sounds fine, but a state problem remains: "fine" would mislead.
  const bool problems = std::any_of(j.findings.begin(), j.findings.end(), is_problem);
  if (Finding* ok = j.find("signal.ok"); ok != nullptr && problems) {
    ok->title = "The recording itself sounds fine";
  }
  std::stable_sort(j.findings.begin(), j.findings.end(), [](const Finding& a, const Finding& b) { return a.step < b.step; });
  return std::move(j.findings);
}

SilenceExplained silence_explained_by_settings(const SystemSnapshot& snapshot, const Source& source) {
  // Asks the joins themselves, with the analyser's own verdict on a second
  // of zeros, so this answer cannot drift from what the report then says.
  constexpr int kRate = 16000;
  SignalAnalyzer zeros(kRate, 1);
  const std::vector<float> second(kRate, 0.0f);
  zeros.add_interleaved(std::span<const float>(second));
  const SignalAnalysis silence = zeros.finish();
  const std::vector<Finding> state = run_checks(snapshot, source.name);
  const std::vector<Finding> joined = join_signal_with_state(JoinInput{snapshot, source, state, silence});
  const bool stands = std::any_of(joined.begin(), joined.end(),
                                  [](const Finding& f) { return f.id == "signal.digital_silence"; });
  return stands ? SilenceExplained::no : SilenceExplained::yes;
}

}  // namespace micdoctor
