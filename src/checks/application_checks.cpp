// Step 1: may the application use the microphone? On Linux that is the
// app's sandbox (Flatpak, Snap), the user's access to the sound devices, and
// the app's own recording stream (muted or turned down inside the server).
#include "checks/checks.hpp"

namespace micdoctor::checks {

void check_sandboxes(const CheckInput& input, std::vector<Finding>& out) {
  for (const SandboxedApp& app : input.snapshot.sandboxes) {
    if (app.can_record) continue;
    const bool flatpak = app.packaging == "flatpak";
    Finding f = make_check_finding(
        CheckId::permission_sandbox_denied, Severity::error,
        app.app + " (" + (flatpak ? "Flatpak" : "Snap") + ") is not allowed to use the microphone",
        app.reason + " Its sandbox keeps it from the sound server, so it hears nothing whatever the settings say.",
        app.id);
    if (flatpak) {
      f.manual_steps.push_back("Give it access to the sound server: flatpak override --user --socket=pulseaudio " +
                               shell_quote(app.id) + "  (or in Flatseal: " + app.app + " > Sockets > PulseAudio)");
    } else {
      f.manual_steps.push_back("Connect its microphone interface: sudo snap connect " + shell_quote(app.id + ":audio-record") +
                               "  (or in the Software app: " + app.app + " > Permissions > Microphone)");
    }
    f.manual_steps.push_back("Quit " + app.app + " completely and start it again.");
    out.push_back(std::move(f));
  }
}

void check_device_nodes(const CheckInput& input, std::vector<Finding>& out) {
  const SystemSnapshot& s = input.snapshot;
  const DeviceNodes& nodes = s.device_nodes;
  if (s.server.reachable || !nodes.checked) return;
  if (!nodes.exists) {
    Finding f = make_check_finding(CheckId::permission_device_node, Severity::error,
                                   "There are no sound devices at all (/dev/snd is missing)",
                                   "The kernel has created no sound device nodes: no sound card driver is loaded, "
                                   "or this is a container or virtual machine without sound hardware.",
                                   "/dev/snd");
    f.manual_steps.push_back("See step 4 below for the kernel's view of the sound hardware.");
    f.manual_steps.push_back("In a virtual machine or container, give it a sound device first.");
    out.push_back(std::move(f));
    return;
  }
  if (nodes.inaccessible.empty()) return;
  std::string list;
  for (const std::string& node : nodes.inaccessible) list += (list.empty() ? "" : ", ") + node;
  const std::string group = nodes.group.empty() ? "audio" : nodes.group;
  Finding f = make_check_finding(CheckId::permission_device_node, Severity::error,
                                 "This user may not open the sound devices",
                                 "Not accessible: " + list + ". They belong to the group '" + group + "'" +
                                     (nodes.user_in_group ? ", which this user is in, but the session has not picked it up yet."
                                                          : ", which this user is not in."),
                                 "/dev/snd");
  if (!nodes.user_in_group) {
    f.manual_steps.push_back("Add yourself to the group: sudo usermod -aG " + shell_quote(group) + " \"$USER\"");
  }
  f.manual_steps.push_back("Log out and back in (or reboot) so the new group membership applies.");
  out.push_back(std::move(f));
}

void check_app_streams(const CheckInput& input, std::vector<Finding>& out) {
  if (input.snapshot.is_windows()) {
    check_windows_app_streams(input, out);
    return;
  }
  for (const Stream& stream : input.snapshot.streams) {
    if (!is_application_stream(stream)) continue;
    const std::string index = std::to_string(stream.index);
    if (stream.muted) {
      Finding f = make_check_finding(CheckId::app_stream_muted, Severity::error,
                                     stream_label(stream) + " is recording, but its stream is muted",
                                     "The sound server silences this application's recording stream (" +
                                         stream_label(stream) + ") even though the microphone itself may be fine.",
                                     stream_device_id(stream));
      f.fix = std::string(fix_id(FixId::stream_unmute));
      f.manual_steps.push_back("Unmute it: pactl set-source-output-mute " + index + " 0  (or in pavucontrol > Recording)");
      out.push_back(std::move(f));
    }
    if (stream.volume_percent <= kLowVolumePercent) {
      Finding f = make_check_finding(
          CheckId::app_stream_volume_low, stream.volume_percent <= kSilentVolumePercent ? Severity::error : Severity::warning,
          stream_label(stream) + " records at a very low volume",
          "This application's recording stream is turned down to " + volume_text(stream.volume_percent, stream.volume_db) +
              " inside the sound server: others will hear you faintly or not at all.",
          stream_device_id(stream));
      f.fix = std::string(fix_id(FixId::stream_raise_volume));
      f.manual_steps.push_back("Raise it: pactl set-source-output-volume " + index + " 100%  (or in pavucontrol > Recording)");
      out.push_back(std::move(f));
    }
  }
}

}  // namespace micdoctor::checks
