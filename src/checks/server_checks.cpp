// Step 0: is there a sound server at all? Desktop applications record
// through it, never from the hardware directly.
#include "checks/checks.hpp"

namespace micdoctor::checks {
namespace {

bool installed(const ServerInfo& server, std::string_view program) {
  for (const std::string& p : server.installed) {
    if (p == program) return true;
  }
  return false;
}

std::string alsa_evidence(const SystemSnapshot& snapshot) {
  if (snapshot.alsa_capture.empty()) return "";
  std::string text = " The kernel itself does offer capture devices:";
  for (const AlsaCaptureDevice& d : snapshot.alsa_capture) text += " " + d.id + " (" + d.card_name + ": " + d.name + ");";
  text.back() = '.';
  return text + " So the hardware is there; only the server is missing.";
}

}  // namespace

void check_server(const CheckInput& input, std::vector<Finding>& out) {
  const SystemSnapshot& s = input.snapshot;
  const ServerInfo& server = s.server;
  if (server.reachable) return;
  std::string detail = "micdoctor tried " + (server.tried.empty() ? std::string("the default server") : server.tried);
  detail += server.error.empty() ? "." : " and got: " + server.error + ".";
  detail += " Zoom, Discord, browsers and games record through the sound server (PulseAudio or PipeWire), "
            "so without one they hear nothing.";
  detail += alsa_evidence(s);
  Finding f = make_check_finding(CheckId::server_unreachable, Severity::error,
                                 "No sound server answers, so no application can reach a microphone", detail);
  if (server.tried.rfind("PULSE_SERVER=", 0) == 0) {
    f.manual_steps.push_back("The environment variable PULSE_SERVER points applications at " +
                             server.tried.substr(13) + ". If that server is not meant to be used, run: unset PULSE_SERVER");
  }
  if (installed(server, "pipewire-pulse")) {
    f.manual_steps.push_back("Start PipeWire and its PulseAudio service: systemctl --user restart pipewire pipewire-pulse wireplumber");
  } else if (installed(server, "pulseaudio")) {
    f.manual_steps.push_back("Start PulseAudio: systemctl --user restart pulseaudio  (or: pulseaudio --start)");
  } else {
    f.manual_steps.push_back("No sound server is installed. Install PipeWire with your distribution's package manager "
                             "(Debian and Ubuntu: sudo apt install pipewire-audio), then log out and back in.");
  }
  f.manual_steps.push_back("Then run micdoctor check again.");
  out.push_back(std::move(f));
}

}  // namespace micdoctor::checks
