// Step 5: is the hardware connected? From the settings alone, the jack
// sensing of the active port is what tells; listening to the microphone
// (the recording test) tells the rest.
#include "checks/checks.hpp"

namespace micdoctor::checks {

void check_ports(const CheckInput& input, std::vector<Finding>& out) {
  const Source* target = input.target;
  if (!input.snapshot.server.reachable || target == nullptr) return;
  const Port* active = nullptr;
  const Port* plugged = nullptr;
  for (const Port& port : target->ports) {
    if (port.name == target->active_port) active = &port;
    else if (port.available == Availability::yes && (plugged == nullptr || port.priority > plugged->priority)) plugged = &port;
  }
  if (active == nullptr || active->available != Availability::no) return;
  const std::string port_name = active->description.empty() ? active->name : active->description;
  Finding f = make_check_finding(
      CheckId::device_port_unavailable, Severity::error, "Nothing is plugged into the microphone input in use",
      source_label(*target) + " records from its port \"" + port_name + "\", and that jack reports nothing plugged in." +
          (plugged ? " The port \"" + (plugged->description.empty() ? plugged->name : plugged->description) +
                         "\" does have something plugged in."
                   : ""),
      target->name);
  if (plugged != nullptr) {
    f.fix = std::string(fix_id(FixId::source_set_port));
    f.manual_steps.push_back("Switch to the plugged-in port: pactl set-source-port " + shell_quote(target->name) + " " +
                             shell_quote(plugged->name));
  }
  f.manual_steps.push_back("Push the plug all the way in. A headset with one plug (four rings on the plug) needs the "
                           "combined headset jack; a microphone with its own plug goes into the pink jack.");
  f.manual_steps.push_back("Try another jack, another microphone, or the microphone on another computer, to tell a "
                           "broken cable from a broken socket.");
  out.push_back(std::move(f));
}

}  // namespace micdoctor::checks
