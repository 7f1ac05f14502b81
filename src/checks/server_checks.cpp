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

constexpr const char* kRestartPipeWire = "systemctl --user restart pipewire pipewire-pulse wireplumber";
constexpr const char* kRestartPulseAudio = "systemctl --user restart pulseaudio";

bool is_pipewire(std::string_view program) { return program.rfind("pipewire", 0) == 0 || program == "wireplumber"; }

// The service manager holds the socket of a socket-activated server (Debian 12).
bool is_service_manager(std::string_view program) { return program == "systemd"; }

// systemd alone holds the socket: its socket unit takes connections but the
// service it starts does not answer. Restart that service, named by what is installed.
std::string restart_activated_service(const ServerInfo& server) {
  const bool pipewire = installed(server, "pipewire-pulse");
  const bool pulseaudio = installed(server, "pulseaudio");
  const std::string lead = "Restart the sound service behind the socket: ";
  if (pipewire && !pulseaudio) return lead + "systemctl --user restart pipewire-pulse";
  if (pulseaudio && !pipewire) return lead + kRestartPulseAudio;
  return lead + "systemctl --user restart pipewire-pulse  (on a PulseAudio system: " + kRestartPulseAudio + ")";
}

// What to start or restart: the server that holds the socket when one does
// (a hung or paused one), else the one installed. With both installed and
// neither running, the system's choice cannot be seen, so both are named.
std::string restart_step(const ServerInfo& server) {
  const std::string& program = server.listener;
  if (is_service_manager(program)) return restart_activated_service(server);
  if (is_pipewire(program)) return std::string("Restart PipeWire and its PulseAudio service: ") + kRestartPipeWire;
  if (program == "pulseaudio") {
    return std::string("Restart PulseAudio: ") + kRestartPulseAudio + "  (without systemd: pulseaudio -k; pulseaudio --start)";
  }
  if (!program.empty()) return "Restart " + program + ", the program that holds the sound server's socket, or log out and back in.";
  const bool pipewire = installed(server, "pipewire-pulse");
  const bool pulseaudio = installed(server, "pulseaudio");
  if (pipewire && pulseaudio) {
    return std::string("Start the sound server this system uses: PipeWire (") + kRestartPipeWire + ") or PulseAudio (" +
           kRestartPulseAudio + ").";
  }
  if (pipewire) return std::string("Start PipeWire and its PulseAudio service: ") + kRestartPipeWire;
  if (pulseaudio) return std::string("Start PulseAudio: ") + kRestartPulseAudio + "  (or: pulseaudio --start)";
  return "No sound server is installed. Install PipeWire with your distribution's package manager "
         "(Debian and Ubuntu: sudo apt install pipewire-audio), then log out and back in.";
}

// Windows: the audio services run (or could not be read) and still the
// device list failed. No PulseAudio or PipeWire here: the Windows words.
Finding windows_unreachable(const ServerInfo& server) {
  std::string detail = "micdoctor asked " + (server.tried.empty() ? std::string("Windows") : server.tried) +
                       " for the audio devices" + (server.error.empty() ? "" : " and got: " + server.error) + ".";
  detail += " Every app reaches microphones, speakers and headsets through the Windows audio services (Windows Audio "
            "and Windows Audio Endpoint Builder), so while they do not answer no app can use any sound device.";
  Finding f = make_check_finding(CheckId::server_unreachable, Severity::error,
                                 "Windows could not list the audio devices, so no app can reach a microphone", detail);
  f.manual_steps.emplace_back(
      "Restart the Windows audio services: press Win+R, type services.msc, press Enter (as an administrator), "
      "right-click \"Windows Audio Endpoint Builder\" > Restart, then \"Windows Audio\" > Restart.");
  f.manual_steps.emplace_back("Or as an administrator (right-click Start > \"Terminal (Admin)\"), one command at a time:");
  f.manual_steps.emplace_back("sc.exe start AudioEndpointBuilder");
  f.manual_steps.emplace_back("sc.exe start Audiosrv");
  f.manual_steps.emplace_back("If that does not help, restart the computer.");
  f.manual_steps.emplace_back("Then run micdoctor check again.");
  return f;
}

}  // namespace

void check_server(const CheckInput& input, std::vector<Finding>& out) {
  const SystemSnapshot& s = input.snapshot;
  const ServerInfo& server = s.server;
  if (server.reachable) return;
  // Windows: a stopped audio service is the cause; service.audio_stopped says it and explains this.
  if (s.is_windows() && audio_service_down(s)) return;
  // Windows: the device list was not asked for (a simulated service.start,
  // driver_plan.cpp): not known to fail, so no fault is claimed. The reader
  // always says what it tried.
  if (s.is_windows() && server.tried.empty() && server.error.empty()) return;
  if (s.is_windows()) {
    out.push_back(windows_unreachable(server));
    return;
  }
  // A program holds the socket but did not answer: the server is there and hung (or paused), not missing.
  const bool hung = !server.listener.empty();
  std::string detail = "micdoctor tried " + (server.tried.empty() ? std::string("the default server") : server.tried);
  detail += server.error.empty() ? "." : " and got: " + server.error + ".";
  if (hung && is_service_manager(server.listener)) {
    detail += " Only systemd holds the server's socket: the socket unit answers, but the service behind it does not "
              "(it did not start, or it is hung), and every application that opens a sound device waits for it.";
  } else if (hung) {
    detail += " The server (" + server.listener + ") is running and its socket takes connections, but it does not "
              "reply: it is hung or paused, and every application that opens a sound device waits for it.";
  }
  detail += " Zoom, Discord, browsers and games record through the sound server (PulseAudio or PipeWire), "
            "so without one they hear nothing.";
  detail += alsa_evidence(s);
  Finding f = make_check_finding(CheckId::server_unreachable, Severity::error,
                                 hung ? "The sound server does not answer, so no application can reach a microphone"
                                      : "No sound server answers, so no application can reach a microphone",
                                 detail);
  if (server.tried.rfind("PULSE_SERVER=", 0) == 0) {
    f.manual_steps.push_back("The environment variable PULSE_SERVER points applications at " +
                             server.tried.substr(13) + ". If that server is not meant to be used, run: unset PULSE_SERVER");
  }
  f.manual_steps.push_back(restart_step(server));
  f.manual_steps.push_back("Then run micdoctor check again.");
  out.push_back(std::move(f));
}

}  // namespace micdoctor::checks
