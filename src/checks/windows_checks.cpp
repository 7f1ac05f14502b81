// The checks only Windows has: the microphone privacy switches (step 1),
// disabled and unplugged endpoints (step 2), a communications default that
// differs from the console default (step 3), and the driver behind the
// endpoint (step 4). Plus the Windows wording of the shared findings' manual
// steps: the same finding, but Settings paths instead of pactl.
#include <algorithm>
#include <string_view>

#include "checks/checks.hpp"

namespace micdoctor::checks {
namespace {

constexpr const char* kPrivacyPage = "Settings > Privacy & security > Microphone";

// What a Device Manager problem code means, for people (CM_PROB_*).
std::string problem_meaning(int code) {
  switch (code) {
    case 1: return "the device is not configured correctly (code 1)";
    case 3: return "the driver may be corrupted, or the system is low on memory (code 3)";
    case 10: return "the device cannot start (code 10): usually a driver that does not fit this device or this Windows";
    case 12: return "the device cannot find enough free resources (code 12)";
    case 14: return "the device needs a restart of the computer (code 14)";
    case 18: return "the drivers need to be reinstalled (code 18)";
    case 19: return "the registry entry for the device is damaged (code 19)";
    case 21: return "Windows is removing the device (code 21)";
    case 22: return "the device is disabled in Device Manager (code 22)";
    case 24: return "the device is not present, not working, or lacks drivers (code 24)";
    case 28: return "the drivers for the device are not installed (code 28)";
    case 31: return "Windows cannot load the drivers for the device (code 31)";
    case 32: return "the driver's service is disabled (code 32)";
    case 37: return "Windows cannot initialise the driver (code 37)";
    case 39: return "the driver is corrupted or missing (code 39)";
    case 43: return "Windows stopped the device because it reported problems (code 43)";
    case 45: return "the device is not connected (code 45)";
    case 52: return "the driver's digital signature cannot be verified (code 52)";
    default: return "Device Manager reports problem code " + std::to_string(code);
  }
}

bool any_active_microphone(const SystemSnapshot& s) {
  return std::any_of(s.sources.begin(), s.sources.end(),
                     [](const Source& src) { return src.kind != SourceKind::monitor && is_present(src); });
}

std::string label(const Source& s) { return s.description.empty() ? s.name : "\"" + s.description + "\""; }

std::string app_name(const AppMicrophoneConsent& app) {
  // Desktop apps are stored by path with '#' for '\': "C:#Program Files#Zoom#bin#Zoom.exe".
  std::string name = app.app;
  std::replace(name.begin(), name.end(), '#', '\\');
  const auto slash = name.find_last_of('\\');
  return slash == std::string::npos ? name : name.substr(slash + 1);
}

void privacy_findings(const SystemSnapshot& s, std::vector<Finding>& out) {
  const MicrophonePrivacy& p = s.privacy;
  if (!p.read) return;
  if (p.policy && *p.policy == 2) {
    Finding f = make_check_finding(CheckId::permission_policy_denied, Severity::error,
                                   "A policy set by your organisation forbids apps to use the microphone",
                                   "The group policy \"Let Windows apps access the microphone\" "
                                   "(LetAppsAccessMicrophone) is set to Force Deny.");
    f.manual_steps.push_back("Ask your IT department: the setting is Computer Configuration > Administrative Templates > "
                             "Windows Components > App Privacy > Let Windows apps access the microphone.");
    out.push_back(std::move(f));
  }
  if (p.device_allowed && !*p.device_allowed) {
    Finding f = make_check_finding(CheckId::permission_os_denied, Severity::error,
                                   "Microphone access is turned off for this whole computer",
                                   "\"Microphone access\" for this device is off, so no app and no user can record.");
    f.manual_steps.push_back("Turn it on (needs an administrator): " + std::string(kPrivacyPage) + " > Microphone access.");
    out.push_back(std::move(f));
  }
  if (p.user_allowed && !*p.user_allowed) {
    Finding f = make_check_finding(CheckId::permission_user_denied, Severity::error,
                                   "Apps are not allowed to use your microphone",
                                   "\"Let apps access your microphone\" is off for this user, so apps hear nothing.");
    f.fix = std::string(fix_id(FixId::privacy_allow_user));
    f.manual_steps.push_back("Turn on " + std::string(kPrivacyPage) + " > Let apps access your microphone.");
    out.push_back(std::move(f));
  }
  if (p.desktop_apps_allowed && !*p.desktop_apps_allowed) {
    Finding f = make_check_finding(CheckId::permission_desktop_apps_denied, Severity::error,
                                   "Desktop apps (Zoom, Discord, browsers, games) may not use the microphone",
                                   "\"Let desktop apps access your microphone\" is off: every program not from the Store "
                                   "records silence.");
    f.fix = std::string(fix_id(FixId::privacy_allow_desktop_apps));
    f.manual_steps.push_back("Turn on " + std::string(kPrivacyPage) + " > Let desktop apps access your microphone.");
    out.push_back(std::move(f));
  }
  for (const AppMicrophoneConsent& app : p.apps) {
    if (!app.allowed || *app.allowed) continue;
    const std::string name = app_name(app);
    std::string detail = name + " is set to Deny in the microphone permissions.";
    if (!app.last_used_start.empty()) detail += " It last tried to use the microphone at " + app.last_used_start + ".";
    Finding f = make_check_finding(CheckId::permission_app_denied, Severity::error,
                                   name + " is not allowed to use the microphone", detail, app.app);
    f.manual_steps.push_back("Allow it: " + std::string(kPrivacyPage) + ", then switch " + name + " on in the list.");
    out.push_back(std::move(f));
  }
}

void endpoint_findings(const SystemSnapshot& s, std::vector<Finding>& out) {
  const bool usable = any_active_microphone(s);
  for (const Source& src : s.sources) {
    if (src.state == "disabled") {
      Finding f = make_check_finding(CheckId::device_disabled, usable ? Severity::warning : Severity::error,
                                     label(src) + " is disabled",
                                     label(src) + " is disabled in the sound settings, so no app can use it.", src.name);
      f.manual_steps.push_back("Enable it: Settings > System > Sound > All sound devices > " + label(src) +
                               " > Allow (or Control Panel > Sound > Recording, right-click > Enable; "
                               "right-click the empty list and tick \"Show Disabled Devices\" if it is hidden).");
      out.push_back(std::move(f));
    } else if (src.state == "unplugged") {
      Finding f = make_check_finding(CheckId::device_unplugged, usable ? Severity::warning : Severity::error,
                                     label(src) + " reports nothing plugged in",
                                     "Windows sees the input " + label(src) + ", but its jack reports nothing plugged in.",
                                     src.name);
      f.manual_steps.push_back("Push the plug all the way in; a headset with one plug needs the combined headset jack.");
      f.manual_steps.push_back("Try another jack or port, or the microphone on another computer.");
      out.push_back(std::move(f));
    }
  }
}

void communications_default(const SystemSnapshot& s, std::vector<Finding>& out) {
  const std::string& console = s.server.default_source;
  const std::string& communications = s.server.default_communications;
  if (console.empty() || communications.empty() || console == communications) return;
  const Source* call = s.find_source(communications);
  const Source* main = s.find_source(console);
  Finding f = make_check_finding(
      CheckId::default_communications_differs, Severity::warning,
      "Call apps use another microphone than the rest of Windows",
      "The default communications device is " + (call ? label(*call) : communications) +
          ", while the default device is " + (main ? label(*main) : console) +
          ". Teams, Skype and other call apps that follow the communications default record from the first.",
      communications);
  f.fix = std::string(fix_id(FixId::default_set));
  f.manual_steps.push_back("Control Panel > Sound > Recording: select the microphone you want, then Set Default > "
                           "Default Device and Set Default > Default Communication Device.");
  out.push_back(std::move(f));
}

const EndpointDriver* driver_of(const SystemSnapshot& s, const std::string& endpoint) {
  for (const EndpointDriver& d : s.drivers) {
    if (d.endpoint == endpoint) return &d;
  }
  return nullptr;
}

void driver_findings(const CheckInput& input, std::vector<Finding>& out) {
  const SystemSnapshot& s = input.snapshot;
  for (const EndpointDriver& d : s.drivers) {
    const Source* endpoint = s.find_source(d.endpoint);
    const std::string name = d.device_name.empty() ? (endpoint ? label(*endpoint) : d.endpoint) : "\"" + d.device_name + "\"";
    if (!d.has_driver || d.problem_code == 28) {
      Finding f = make_check_finding(CheckId::driver_missing, Severity::error, name + " has no driver",
                                     "Windows has found " + name + " but installed no driver for it (" +
                                         d.instance_id + ").",
                                     d.endpoint);
      f.manual_steps.push_back("Install the driver: Settings > Windows Update > Advanced options > Optional updates > "
                               "Driver updates; or the driver from the computer's or headset's maker.");
      out.push_back(std::move(f));
    } else if (d.problem_code != 0) {
      Finding f = make_check_finding(CheckId::driver_problem, Severity::error, name + " has a driver problem",
                                     "Device Manager says: " + problem_meaning(d.problem_code) + ". Driver: " +
                                         d.provider + " " + d.version + " (" + d.date + ", " + d.inf + ").",
                                     d.endpoint);
      if (d.problem_code == 22) {
        f.manual_steps.push_back("Enable it: Device Manager > Sound, video and game controllers (or Audio inputs and "
                                 "outputs) > right-click " + name + " > Enable device.");
      } else {
        f.manual_steps.push_back("Restart the computer once; if the problem stays: Device Manager > right-click " + name +
                                 " > Uninstall device, then Action > Scan for hardware changes (Windows reinstalls it).");
        f.manual_steps.push_back("Then update the driver from the computer's or headset's maker, or roll it back "
                                 "(Properties > Driver > Roll Back Driver) if the problem began after an update.");
      }
      out.push_back(std::move(f));
    }
  }
  // The driver behind the microphone in use, for the record.
  if (input.target != nullptr) {
    if (const EndpointDriver* d = driver_of(s, input.target->name); d != nullptr && d->has_driver && d->problem_code == 0) {
      Finding f = make_check_finding(CheckId::driver_info, Severity::info,
                                     "Driver: " + d->provider + " " + d->version,
                                     label(*input.target) + " uses \"" + d->device_name + "\", driver " + d->provider +
                                         " " + d->version + " of " + d->date + " (" + d->inf + ").",
                                     d->endpoint);
      out.push_back(std::move(f));
    }
  }
}

}  // namespace

void check_windows(const CheckInput& input, std::vector<Finding>& out) {
  const SystemSnapshot& s = input.snapshot;
  if (!s.is_windows() || !s.server.reachable) return;
  privacy_findings(s, out);
  endpoint_findings(s, out);
  communications_default(s, out);
  driver_findings(input, out);
}

namespace {

// Replaces every `from` in `text` with `to`.
void replace_all(std::string& text, std::string_view from, std::string_view to) {
  for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

}  // namespace

void use_windows_words(const SystemSnapshot& s, std::vector<Finding>& findings) {
  if (!s.is_windows()) return;
  for (Finding& f : findings) {
    for (std::string* text : {&f.title, &f.detail}) {
      replace_all(*text, "muted in the sound server", "muted in Windows");
      replace_all(*text, "The sound server lists", "Windows lists");
      replace_all(*text, "the monitor of an output", "a loopback input that records what the computer plays");
    }
    const Source* source = s.find_source(f.device);
    const std::string name = source ? label(*source) : "the microphone";
    if (f.id == "device.muted") {
      f.manual_steps = {"Unmute it: Settings > System > Sound > Input > " + name + " > Volume (click the microphone "
                        "symbol), or: micdoctor fix --only source.unmute",
                        "Check for a mute button or switch on the headset cable or the keyboard (a key with a "
                        "crossed-out microphone) as well: those mute before the computer hears anything."};
    } else if (f.id == "device.volume_low") {
      f.manual_steps = {"Raise it to 100: Settings > System > Sound > Input > " + name + " > Volume, or: "
                        "micdoctor fix --only source.raise_volume"};
    } else if (f.id.rfind("default.", 0) == 0 && f.id != "default.communications_differs") {
      f.manual_steps = {"Control Panel > Sound > Recording: select your microphone, then Set Default (both Default "
                        "Device and Default Communication Device), or: micdoctor fix --only default.set"};
    } else if (f.id == "device.is_monitor") {
      for (std::string& step : f.manual_steps) {
        if (step.find("pactl set-default-source") != std::string::npos) {
          step = "Make it the default: Control Panel > Sound > Recording: select your microphone, then Set Default, "
                 "or: micdoctor fix --only default.set";
        }
      }
    } else if (f.id == "device.none") {
      f.manual_steps = {"Plug in a microphone or headset (USB, the pink or headset jack, or pair a Bluetooth headset).",
                        "Control Panel > Sound > Recording: right-click the list, tick \"Show Disabled Devices\" and "
                        "\"Show Disconnected Devices\", and enable the microphone if it is there."};
    }
  }
}

}  // namespace micdoctor::checks
