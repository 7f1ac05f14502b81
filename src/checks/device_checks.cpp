// Step 2: is there a microphone, and is it switched on (not muted, not
// turned down, its card in a profile that has an input)?
#include <algorithm>

#include "checks/checks.hpp"

namespace micdoctor::checks {
namespace {

bool is_bluetooth(const Card& card) { return card.bus == "bluetooth" || card.api == "bluez5"; }

const Profile* find_profile(const Card& card, const std::string& name) {
  for (const Profile& p : card.profiles) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

bool has_hardware_input(const SystemSnapshot& s) {
  return std::any_of(s.sources.begin(), s.sources.end(),
                     [](const Source& src) { return src.kind == SourceKind::microphone && is_ready(src); });
}

std::string profile_cost(const Card& card, const Profile& active) {
  if (is_bluetooth(card)) {
    return " Bluetooth cannot carry high-quality playback and a microphone at once: the headset profile turns the "
           "microphone on, but music and voices will sound like a phone call until you switch back.";
  }
  if (active.name == "off") return " The card is switched off entirely.";
  return " The active profile only plays sound.";
}

}  // namespace

void check_devices_exist(const CheckInput& input, std::vector<Finding>& out) {
  const SystemSnapshot& s = input.snapshot;
  if (!s.server.reachable) return;
  std::size_t monitors = 0;
  for (const Source& src : s.sources) {
    // (A Windows endpoint that is disabled, absent or unplugged is no microphone to use.)
    if (src.kind != SourceKind::monitor && is_present(src)) return;
    if (src.kind == SourceKind::monitor) ++monitors;
  }
  const std::string detail =
      monitors == 0 ? "The sound server lists no capture source at all."
                    : "The sound server lists " + std::to_string(monitors) + " source" + (monitors == 1 ? "" : "s") +
                          ", all of them monitors of outputs (they record what the speakers play, not your voice).";
  Finding f = make_check_finding(CheckId::device_none, Severity::error, "No microphone is connected or switched on",
                                 detail);
  f.manual_steps.push_back("Plug in a microphone or headset (USB, the pink or headset jack, or pair a Bluetooth headset).");
  for (const Card& card : s.cards) {
    const Profile* profile = best_input_profile(card);
    const Profile* active = find_profile(card, card.active_profile);
    if (profile != nullptr && (active == nullptr || active->sources == 0)) {
      f.manual_steps.push_back("Or turn on the input of " + card.description + ": pactl set-card-profile " +
                               shell_quote(card.name) + " " + shell_quote(profile->name));
    }
  }
  if (s.kernel.read && s.kernel.cards.empty()) {
    f.manual_steps.push_back("The kernel sees no sound card either: see step 4.");
  }
  out.push_back(std::move(f));
}

// `--device` named a monitor: it records what the computer plays, so no
// setting of it can make a voice heard. When it is also the default, this one
// finding says both (default.is_monitor stays quiet then).
void check_target_is_monitor(const CheckInput& input, std::vector<Finding>& out) {
  const SystemSnapshot& s = input.snapshot;
  const Source* target = input.target;
  if (!s.server.reachable || target == nullptr || !input.target_was_asked || target->kind != SourceKind::monitor) {
    return;
  }
  const bool is_default = target->name == s.server.default_source;
  const std::string also_default = is_default ? std::string(" It is also the default input, so applications that "
                                                            "follow the default record it too.")
                                              : std::string();
  // A virtual output's monitor is how virtual microphones are made: say what
  // it is, but no error, and the test still judges what it heard.
  const bool virtual_output = monitors_a_virtual_output(*target);
  Finding f =
      virtual_output
          ? make_check_finding(CheckId::device_is_monitor, Severity::warning,
                               "The device you chose records a virtual output, not a microphone",
                               source_label(*target) + " is the monitor of a virtual output (no sound card behind it): "
                               "it records whatever is played into that output. If this is a virtual microphone on "
                               "purpose, this is expected." + also_default,
                               target->name)
          : make_check_finding(CheckId::device_is_monitor, Severity::error,
                               "The device you chose is not a microphone: it records the speakers",
                               source_label(*target) + " is the monitor of an output: it records whatever the computer "
                               "plays, never your voice." + also_default,
                               target->name);
  const Source* best = best_input(s);
  if (best == nullptr) {
    f.manual_steps.push_back("Connect a microphone or headset, then check it: micdoctor devices lists the inputs.");
  } else {
    f.manual_steps.push_back("Check the microphone instead: micdoctor check --device " + shell_quote(best->name) +
                             "  (micdoctor devices lists every input)");
    if (is_default) {
      f.fix = std::string(fix_id(FixId::default_set));
      f.manual_steps.push_back("Make it the default input: pactl set-default-source " + shell_quote(best->name) +
                               "  (or in Settings > Sound > Input, choose it)");
    }
  }
  out.push_back(std::move(f));
  if (virtual_output) return;
  out.push_back(make_not_judged(kLastStep, "the chosen device is a monitor of an output, not a microphone", target->name));
}

void check_source_mute_and_volume(const CheckInput& input, std::vector<Finding>& out) {
  const Source* target = input.target;
  if (!input.snapshot.server.reachable || target == nullptr || target->kind == SourceKind::monitor) return;
  const std::string name = shell_quote(target->name);
  if (target->muted) {
    Finding f = make_check_finding(CheckId::device_muted, Severity::error, "The microphone is muted",
                                   source_label(*target) + " is muted in the sound server, so every application "
                                   "receives silence from it.",
                                   target->name);
    f.fix = std::string(fix_id(FixId::source_unmute));
    f.manual_steps.push_back("Unmute it: pactl set-source-mute " + name + " 0  (or in Settings > Sound > Input, "
                             "switch the microphone on)");
    f.manual_steps.push_back("Check for a mute button or switch on the headset cable or the keyboard (a key with a "
                             "crossed-out microphone) as well: those mute before the computer hears anything.");
    out.push_back(std::move(f));
  }
  if (target->volume_percent <= kLowVolumePercent) {
    Finding f = make_check_finding(
        CheckId::device_volume_low, target->volume_percent <= kSilentVolumePercent ? Severity::error : Severity::warning,
        "The microphone's volume is turned down very low",
        source_label(*target) + " is at " + volume_text(target->volume_percent, target->volume_db) +
            ": your voice arrives far too quiet for others to hear.",
        target->name);
    f.fix = std::string(fix_id(FixId::source_raise_volume));
    f.manual_steps.push_back("Raise it to 100 %: pactl set-source-volume " + name + " 100%  (or in Settings > Sound > "
                             "Input, drag the input volume up)");
    out.push_back(std::move(f));
  }
}

void check_card_profiles(const CheckInput& input, std::vector<Finding>& out) {
  const SystemSnapshot& s = input.snapshot;
  if (!s.server.reachable) return;
  for (const Card& card : s.cards) {
    const Profile* active = find_profile(card, card.active_profile);
    if (active != nullptr && active->sources > 0) continue;
    const Profile* better = best_input_profile(card);
    if (better == nullptr) continue;  // this card cannot capture at all (e.g. HDMI)
    const std::string active_name = active ? active->description + " (" + active->name + ")" : "'" + card.active_profile + "'";
    const bool only_hope = !has_hardware_input(s);
    Finding f = make_check_finding(
        CheckId::device_profile_without_input, only_hope ? Severity::error : Severity::warning,
        card.description + " has its microphone switched off",
        "The card is in the profile " + active_name + ", which has no input; the profile " + better->description +
            " (" + better->name + ") would provide one." + profile_cost(card, active ? *active : Profile{}),
        card.name);
    f.fix = std::string(fix_id(FixId::card_set_profile));
    f.manual_steps.push_back("Switch the profile: pactl set-card-profile " + shell_quote(card.name) + " " +
                             shell_quote(better->name) + "  (or in Settings > Sound, or pavucontrol > Configuration)");
    out.push_back(std::move(f));
  }
}

}  // namespace micdoctor::checks
