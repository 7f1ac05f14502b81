// The apps' recording sessions on Windows (snapshot.streams: one per app and
// endpoint): app.stream_muted and app.stream_volume_low (step 1) and
// app.wrong_source (step 3), in Windows terms. Windows lets micdoctor change
// a session's mute and volume (ISimpleAudioVolume: stream.unmute,
// stream.raise_volume) but not which microphone an app records from: that is
// the app's own choice (or Windows' per-app input device), so those steps
// are manual, named for the app where micdoctor knows where it keeps it.

#include "checks/checks.hpp"

namespace micdoctor::checks {
namespace {


// Which app a session belongs to, from its executable's name (and display name).
enum class CallApp { zoom, teams, discord, skype, slack, webex, browser, obs, other };

CallApp call_app(const Stream& stream) {
  const std::string exe = lowercase(stream.binary);
  const std::string who = lowercase(stream.application) + " " + exe;
  if (exe == "zoom.exe" || contains(who, "zoom")) return CallApp::zoom;
  if (exe == "ms-teams.exe" || exe == "teams.exe" || contains(who, "teams")) return CallApp::teams;
  if (exe == "discord.exe" || contains(who, "discord")) return CallApp::discord;
  if (contains(exe, "skype")) return CallApp::skype;
  if (exe == "slack.exe") return CallApp::slack;
  if (exe == "webexmta.exe" || exe == "ciscocollabhost.exe" || exe == "atmgr.exe" || contains(who, "webex")) {
    return CallApp::webex;
  }
  if (exe == "chrome.exe" || exe == "msedge.exe" || exe == "firefox.exe" || exe == "brave.exe" || exe == "opera.exe") {
    return CallApp::browser;
  }
  if (exe == "obs64.exe" || exe == "obs32.exe") return CallApp::obs;
  return CallApp::other;
}

std::string quoted(const Source* source) {
  if (source == nullptr) return "your microphone";
  return "\"" + (source->description.empty() ? source->name : source->description) + "\"";
}

// Where the app itself chooses its microphone: "In Zoom: Settings > Audio > Microphone: choose ...".
std::string own_device_choice(const Stream& stream, const Source* mic) {
  const std::string choose = ": choose " + quoted(mic) + ".";
  switch (call_app(stream)) {
    case CallApp::zoom: return "In Zoom: Settings > Audio > Microphone" + choose;
    case CallApp::teams: return "In Teams: Settings > Devices > Microphone" + choose;
    case CallApp::discord: return "In Discord: User Settings > Voice & Video > Input Device" + choose;
    case CallApp::skype: return "In Skype: Settings > Audio & Video > Microphone" + choose;
    case CallApp::slack: return "In Slack: Preferences > Audio & video > Microphone" + choose;
    case CallApp::webex: return "In Webex: Settings > Audio > Microphone" + choose;
    case CallApp::browser:
      return "In the browser: during the call, click the microphone (or site settings) icon in the address bar, or "
             "the call's own audio settings" + choose;
    case CallApp::obs: return "In OBS: Settings > Audio > Mic/Auxiliary Audio" + choose;
    case CallApp::other: break;
  }
  return "In " + stream.application + "'s own audio or microphone settings" + choose;
}

// Windows' own per-app choice, for an app that records whatever Windows gives it.
std::string windows_device_choice(const Stream& stream, const Source* mic) {
  return "Or let Windows choose for it: Settings > System > Sound > Volume mixer > " + stream.application +
         " > Input device: " + quoted(mic) + " (Windows 10: Settings > System > Sound > App volume and device "
         "preferences). This only helps if the app uses the Windows default.";
}

// Where the app keeps its own input level and automatic gain control.
std::string own_input_level(const Stream& stream) {
  switch (call_app(stream)) {
    case CallApp::zoom:
      return "In Zoom: Settings > Audio > Microphone: untick \"Automatically adjust microphone volume\" and move "
             "Volume up.";
    case CallApp::discord:
      return "In Discord: User Settings > Voice & Video: raise Input Volume, and turn off \"Automatic Gain "
             "Control\" if the volume keeps sinking.";
    case CallApp::skype:
      return "In Skype: Settings > Audio & Video: turn off \"Automatically adjust microphone settings\" and raise "
             "the microphone volume.";
    case CallApp::teams:
      return "Teams turns the microphone down on its own during calls; if it keeps happening, tell Teams' support "
             "(Teams has no setting for it).";
    default: break;
  }
  return "In " + stream.application + "'s own audio settings, raise its microphone or input volume if it has one.";
}

std::string state_words(const Stream& stream) {
  return stream.session_state == "active" ? "It is recording now." : "It has the microphone open but is not recording "
                                                                      "at this moment.";
}

// Tools that record what the computer plays on purpose.
bool records_outputs_on_purpose(const Stream& stream) {
  const std::string exe = lowercase(stream.binary);
  return call_app(stream) == CallApp::obs || exe == "audacity.exe" || exe == "sharex.exe" || exe == "sndvol.exe";
}

const Source* communications_microphone(const SystemSnapshot& s) {
  const Source* call = s.find_source(s.server.default_communications);
  if (call == nullptr) call = s.find_source(s.server.default_source);
  return call;
}

void wrong_source(const SystemSnapshot& s, const Stream& stream, std::vector<Finding>& out) {
  const Source* source = s.find_source(stream.source);
  if (source == nullptr) return;
  const Source* call = communications_microphone(s);
  const Source* best = best_input(s);
  if (source->kind == SourceKind::monitor) {
    const Source* mic = call != nullptr && call->kind != SourceKind::monitor && is_ready(*call) ? call : best;
    const bool on_purpose = records_outputs_on_purpose(stream);
    Finding f = make_check_finding(
        CheckId::app_wrong_source, on_purpose ? Severity::warning : Severity::error,
        stream_label(stream) + " records the speakers instead of the microphone",
        stream.application + " records from " + source_label(*source) + ", a loopback input that records what the "
            "computer plays, so the others hear the call's own sound and never your voice. " + state_words(stream) +
            (on_purpose ? " This tool sometimes does that on purpose (capturing desktop sound); if you meant to record "
                          "your voice, it is the wrong input."
                        : ""),
        stream_device_id(stream));
    f.manual_steps.push_back(own_device_choice(stream, mic));
    f.manual_steps.push_back(windows_device_choice(stream, mic));
    out.push_back(std::move(f));
    return;
  }
  // The laptop's own microphone (array) while a headset is ready and set
  // for calls: the app chose the built-in one itself.
  if (call == nullptr || call->name == source->name || source->kind != SourceKind::microphone) return;
  if (!is_ready(*call) || preference_rank(*source) != 1 || preference_rank(*call) < 2) return;
  Finding f = make_check_finding(
      CheckId::app_wrong_source, Severity::warning,
      stream_label(stream) + " records from the built-in microphone, not your headset",
      stream.application + " records from " + source_label(*source) + ", while " + source_label(*call) +
          " is connected and set as the default " +
          (s.server.default_communications == call->name ? "communications device" : "device") +
          ": the others hear you through the computer's microphone, with room echo and noise. " + state_words(stream),
      stream_device_id(stream));
  f.manual_steps.push_back(own_device_choice(stream, call));
  f.manual_steps.push_back(windows_device_choice(stream, call));
  out.push_back(std::move(f));
}

}  // namespace

void check_windows_app_streams(const CheckInput& input, std::vector<Finding>& out) {
  for (const Stream& stream : input.snapshot.streams) {
    if (!is_application_stream(stream)) continue;
    const Source* source = input.snapshot.find_source(stream.source);
    const std::string on = source ? " on " + source_label(*source) : "";
    if (stream.muted) {
      Finding f = make_check_finding(CheckId::app_stream_muted, Severity::error,
                                     stream_label(stream) + " is recording, but Windows mutes it",
                                     "Windows mutes " + stream.application + "'s recording" + on +
                                         " even though the microphone itself may be fine: the app gets silence. " +
                                         state_words(stream),
                                     stream_device_id(stream));
      f.fix = std::string(fix_id(FixId::stream_unmute));
      f.manual_steps.push_back("Unmute it: micdoctor fix --only stream.unmute (Settings > System > Sound > Volume "
                               "mixer shows only what apps play, not this switch; quitting " + stream.application +
                               " completely and starting it again also ends the muted recording).");
      f.manual_steps.push_back("Check " + stream.application + "'s own mute button in the call as well.");
      out.push_back(std::move(f));
    }
    if (stream.volume_percent <= kLowVolumePercent) {
      Finding f = make_check_finding(
          CheckId::app_stream_volume_low, stream.volume_percent <= kSilentVolumePercent ? Severity::error : Severity::warning,
          stream_label(stream) + " records at a very low volume",
          "Windows turns " + stream.application + "'s recording" + on + " down to " +
              volume_text(stream.volume_percent, std::nullopt) + ": others will hear you faintly or not at all. " +
              state_words(stream),
          stream_device_id(stream));
      f.fix = std::string(fix_id(FixId::stream_raise_volume));
      f.manual_steps.push_back("Raise it to 100 %: micdoctor fix --only stream.raise_volume (Settings > System > Sound "
                               "> Volume mixer shows only what apps play, not this level).");
      f.manual_steps.push_back(own_input_level(stream));
      out.push_back(std::move(f));
    }
  }
}

void check_windows_app_sources(const CheckInput& input, std::vector<Finding>& out) {
  const SystemSnapshot& s = input.snapshot;
  if (!s.server.reachable) return;
  for (const Stream& stream : s.streams) {
    if (is_application_stream(stream)) wrong_source(s, stream, out);
  }
}

}  // namespace micdoctor::checks
