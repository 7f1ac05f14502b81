// Windows: the audio services every microphone depends on (read through the
// Service Control Manager into snapshot.services). Windows Audio (Audiosrv)
// and its Endpoint Builder run all the time on a working system; the
// Capability Access Manager (camsvc) is trigger-started, so stopped with the
// start type "manual" is its normal rest, and only "disabled" (what debloat
// scripts set) is a fault.
#include <optional>
#include <string>

#include "checks/check_catalog.hpp"
#include "checks/checks.hpp"
#include "checks/service_commands.hpp"
#include "fixes/driver_plan.hpp"

namespace micdoctor::checks {
namespace {

constexpr const char* kServicesSteps =
    "Or by hand: press Win+R, type services.msc, press Enter (as an administrator), double-click \"";

const ServiceState* find_service(const SystemSnapshot& s, const std::string& name) {
  for (const ServiceState& service : s.services) {
    if (service.exists && service.error.empty() && service.name == name) return &service;
  }
  return nullptr;
}

std::string display(const ServiceState& service) {
  return service.display_name.empty() ? service.name : service.display_name;
}

std::string state_words(const std::string& state) {
  if (state.empty()) return "unknown";
  std::string words = state;
  for (char& c : words) {
    if (c == '_') c = ' ';
  }
  return words;
}

// Windows Audio and its Endpoint Builder: down (an error) unless running or
// on its way there; disabled but running is a warning, not down.
bool audio_service_is_down(const ServiceState& service) { return service_fault(service) == Severity::error; }

// The evidence, the manual steps and the fix, the same for every service.
void add_service_steps(const ServiceState& service, Finding& f) {
  const std::string target = default_start_type(service.name);
  // The fix sets the start type back (when it differs) and starts the service.
  f.fix = std::string(fix_id(FixId::service_start));
  // Each command on its own line: joined into one ("... then ...") it fails when pasted, in cmd and PowerShell.
  f.manual_steps.push_back("As an administrator: right-click Start > \"Terminal (Admin)\" or \"Command Prompt (Admin)\" "
                           "and run, one line at a time:");
  for (const std::string& command : sc_commands(service.name, target)) f.manual_steps.push_back(command);
  f.manual_steps.push_back("The same in PowerShell (as administrator): " + powershell_command(service.name, target));
  f.manual_steps.push_back(std::string(kServicesSteps) + display(service) + "\", set Startup type to " +
                           start_type_words(target) + ", click Apply, then Start.");
  f.manual_steps.push_back("Not an administrator? Ask one to run the commands above; then run micdoctor check again.");
}

std::string service_evidence(const ServiceState& service) {
  return "The service \"" + display(service) + "\" (" + service.name + ") is " + state_words(service.state) +
         ", start type " + start_type_words(service.start_type) + ".";
}

}  // namespace

bool audio_service_down(const SystemSnapshot& snapshot) {
  for (const char* name : {"AudioEndpointBuilder", "Audiosrv"}) {
    const ServiceState* service = find_service(snapshot, name);
    if (service != nullptr && audio_service_is_down(*service)) return true;
  }
  return false;
}

void check_services(const CheckInput& input, std::vector<Finding>& out) {
  const SystemSnapshot& s = input.snapshot;
  if (!s.is_windows()) return;
  // The Endpoint Builder first: Windows Audio depends on it and cannot start without it.
  for (const char* name : {"AudioEndpointBuilder", "Audiosrv"}) {
    const ServiceState* service = find_service(s, name);
    const std::optional<Severity> fault = service != nullptr ? service_fault(*service) : std::nullopt;
    if (!fault) continue;
    const bool down = *fault == Severity::error;
    std::string detail = service_evidence(*service) +
                         " Every app reaches microphones, speakers and headsets through the Windows audio services, "
                         "so while it does not run no app can use any sound device.";
    if (!down) detail += " It still runs now, but it is disabled: from the next restart it will not.";
    Finding f = make_check_finding(CheckId::service_audio_stopped, *fault,
                                   "The Windows audio service \"" + display(*service) +
                                       (down ? "\" is not running, so no app can use any sound device"
                                             : "\" is disabled: it will not start after the next restart, and then "
                                               "no app can use any sound device"),
                                   detail, service->name);
    if (down && !s.server.reachable) {
      // The audio device list failing is this fault's symptom, not a second one (check_server stays silent).
      f.detail += " That is also why micdoctor could not list the audio devices" +
                  (s.server.error.empty() ? std::string(".") : " (" + s.server.error + ").");
      f.explains.emplace_back("server.unreachable");
    }
    add_service_steps(*service, f);
    out.push_back(std::move(f));
  }
  const ServiceState* camsvc = find_service(s, "camsvc");
  const std::optional<Severity> camsvc_fault = camsvc != nullptr ? service_fault(*camsvc) : std::nullopt;
  if (camsvc_fault) {
    const bool running = *camsvc_fault == Severity::warning;
    std::string detail = service_evidence(*camsvc) +
                         " Windows asks this service whether an app may use the microphone; disabled, the "
                         "microphone privacy page in Settings breaks and every app hears nothing. Scripts that "
                         "\"debloat\" Windows often disable it.";
    if (running) detail += " It still runs now, but from the next restart it will not.";
    Finding f = make_check_finding(CheckId::service_camsvc_disabled, *camsvc_fault,
                                   running ? "The Capability Access Manager service is disabled: after the next "
                                             "restart apps will hear nothing"
                                           : "The Capability Access Manager service is disabled, so apps hear nothing",
                                   detail, camsvc->name);
    add_service_steps(*camsvc, f);
    out.push_back(std::move(f));
  }
}

}  // namespace micdoctor::checks
