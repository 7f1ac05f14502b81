// Step 3: is the microphone the input applications actually record from?
// Apps that follow the default record the default source; an app can also be
// attached to a source of its own choosing.

#include "checks/checks.hpp"

namespace micdoctor::checks {
namespace {

bool has_non_monitor(const SystemSnapshot& s) {
  for (const Source& src : s.sources) {
    if (src.kind != SourceKind::monitor) return true;
  }
  return false;
}

void suggest_default(Finding& f, const Source* best) {
  if (best == nullptr) {
    f.manual_steps.push_back("Connect a microphone, then choose it in Settings > Sound > Input.");
    return;
  }
  f.fix = std::string(fix_id(FixId::default_set));
  f.manual_steps.push_back("Make " + source_label(*best) + " the default: pactl set-default-source " +
                           shell_quote(best->name) + "  (or in Settings > Sound > Input, choose it)");
}


// Recorders and meters that capture what is playing on purpose.
bool records_outputs_on_purpose(const Stream& stream) {
  const std::string who = lowercase(stream.application + " " + stream.binary);
  for (const char* tool : {"obs", "pavucontrol", "volume control", "easyeffects", "audacity", "simplescreenrecorder"}) {
    if (who.find(tool) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

void check_default_source(const CheckInput& input, std::vector<Finding>& out) {
  const SystemSnapshot& s = input.snapshot;
  if (!s.server.reachable) return;
  const Source* best = best_input(s);
  const std::string& default_name = s.server.default_source;
  const Source* current = s.find_source(default_name);
  if (current == nullptr) {
    if (!has_non_monitor(s)) return;  // device.none says it better
    Finding f = make_check_finding(
        CheckId::default_missing, Severity::error, "No microphone is set as the default input",
        default_name.empty() ? "The sound server has no default source, so applications that follow the default "
                               "have nothing to record from."
                             : "The default source is '" + default_name + "', which does not exist (any more): "
                               "applications that follow the default may record nothing.",
        default_name);
    suggest_default(f, best);
    out.push_back(std::move(f));
    return;
  }
  if (current->kind == SourceKind::monitor) {
    if (input.target_was_asked && input.target == current) return;  // device.is_monitor says it, once
    if (!has_non_monitor(s)) return;                                  // device.none says it better
    Finding f = make_check_finding(
        CheckId::default_is_monitor, Severity::error, "The default input records the speakers, not the microphone",
        "The default source " + source_label(*current) + " is the monitor of an output: applications that follow "
        "the default hear whatever the computer plays, and never your voice.",
        current->name);
    suggest_default(f, best);
    out.push_back(std::move(f));
    return;
  }
  // Only a built-in (or unknown) hardware input is second best; a virtual
  // default (noise suppression, echo cancellation) is somebody's choice.
  if (best != nullptr && current->kind == SourceKind::microphone && preference_rank(*current) == 1 &&
      preference_rank(*best) >= 2) {
    Finding f = make_check_finding(
        CheckId::default_not_preferred, Severity::warning, "Applications use another microphone than your headset",
        source_label(*best) + " is connected and ready, but the default input is " + source_label(*current) +
            ": calls will pick up the built-in microphone, with more room echo and noise.",
        current->name);
    suggest_default(f, best);
    out.push_back(std::move(f));
  }
}

void check_app_sources(const CheckInput& input, std::vector<Finding>& out) {
  const SystemSnapshot& s = input.snapshot;
  if (s.is_windows()) {
    check_windows_app_sources(input, out);
    return;
  }
  if (!s.server.reachable) return;
  const Source* best = best_input(s);
  for (const Stream& stream : s.streams) {
    if (!is_application_stream(stream)) continue;
    const Source* source = s.find_source(stream.source);
    if (source == nullptr || source->kind != SourceKind::monitor) continue;
    const bool on_purpose = records_outputs_on_purpose(stream);
    Finding f = make_check_finding(
        CheckId::app_wrong_source, on_purpose ? Severity::warning : Severity::error,
        stream_label(stream) + " records the speakers instead of the microphone",
        "It is attached to " + source_label(*source) + ", the monitor of an output." +
            (on_purpose ? " This tool sometimes does that on purpose (capturing desktop sound); if you meant to "
                          "record your voice, it is the wrong input."
                        : ""),
        stream_device_id(stream));
    if (best != nullptr) {
      f.fix = std::string(fix_id(FixId::stream_move));
      f.manual_steps.push_back("Move it to the microphone: pactl move-source-output " + std::to_string(stream.index) +
                               " " + shell_quote(best->name) + "  (or in pavucontrol > Recording)");
    }
    const std::string app = stream.application.empty() ? "the application" : stream.application;
    f.manual_steps.push_back("In " + app + "'s own audio settings, choose " +
                             (best ? "\"" + (best->description.empty() ? best->name : best->description) + "\"" : "your microphone") +
                             " as the microphone, so it stays there next time.");
    out.push_back(std::move(f));
  }
}

}  // namespace micdoctor::checks

namespace micdoctor::checks {

// The device part of a node name: "alsa_input.usb-Jabra-00.analog-stereo"
// -> "alsa_input.usb-Jabra-00". The part after it is the profile's, which
// changes when the server's profile, UCM or driver changes.
std::string device_part(const std::string& name) {
  const std::size_t dot = name.rfind('.');
  return dot == std::string::npos || dot == 0 ? name : name.substr(0, dot);
}

// The remembered input under another name now: the same device part, another
// profile part. Null when the device is simply not there (unplugged).
const Source* renamed(const SystemSnapshot& s, const std::string& remembered) {
  if (remembered.rfind("alsa_input.", 0) != 0) return nullptr;
  const std::string device = device_part(remembered);
  for (const Source& source : s.sources) {
    if (source.kind != SourceKind::monitor && device_part(source.name) == device) return &source;
  }
  return nullptr;
}

// The server's remembered choice (WirePlumber's default-nodes, PulseAudio's
// *-default-source) names an input that is gone. A headset that is simply
// unplugged is remembered on purpose (plugged in again, it is the default
// again): information. The same device under another node name (a profile,
// UCM or driver change renamed it) is never coming back under the remembered
// name: the server keeps falling back, a warning. The server's current
// default missing is default.missing's business, not repeated here.
// The program whose memory applies: WirePlumber's when PipeWire serves,
// PulseAudio's own otherwise. A file the other one left (PulseAudio's from
// before an upgrade to PipeWire) is not read by anything.
bool remembered_by_running_server(const ServerInfo& server, const RememberedDefault& remembered) {
  const bool pipewire = server.name.find("PipeWire") != std::string::npos;
  return remembered.program == (pipewire ? "wireplumber" : "pulseaudio");
}

void check_remembered_default(const CheckInput& input, std::vector<Finding>& out) {
  const SystemSnapshot& s = input.snapshot;
  if (!s.server.reachable || s.origin == "alsa-info") return;
  const Source* best = best_input(s);
  for (const RememberedDefault& remembered : s.remembered_defaults) {
    if (!remembered_by_running_server(s.server, remembered)) continue;
    if (remembered.source.empty() || s.find_source(remembered.source) != nullptr) continue;
    if (remembered.source == s.server.default_source) continue;
    const Source* now = renamed(s, remembered.source);
    const std::string using_now =
        s.server.default_source.empty() ? "." : " (now \"" + s.server.default_source + "\").";
    if (now == nullptr) {
      out.push_back(make_check_finding(
          CheckId::default_stale, Severity::info, "The sound system remembers a microphone that is not connected",
          remembered.program + " remembers \"" + remembered.source + "\" as the default input (in " + remembered.file +
              "). It is not connected now, so another input is used" + using_now +
              " Plugged in again, it becomes the default again.",
          remembered.source));
      continue;
    }
    Finding f = make_check_finding(
        CheckId::default_stale, Severity::warning, "The sound system remembers a microphone by a name it no longer has",
        remembered.program + " remembers \"" + remembered.source + "\" as the default input (in " + remembered.file +
            "), but that device is now called \"" + now->name + "\" (its profile or driver changed), so the " +
            "remembered choice never applies and the server picks an input by itself" + using_now,
        remembered.source);
    if (best == now) f.fix = std::string(fix_id(FixId::default_set));
    f.manual_steps.push_back("Choose the microphone again, which replaces the remembered one: pactl set-default-source " +
                             shell_quote(now->name) + "  (or in Settings > Sound > Input)");
    out.push_back(std::move(f));
  }
}

}  // namespace micdoctor::checks
