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

namespace micdoctor::checks {
namespace {

const Port* find_port(const Source& source, const std::string& name) {
  for (const Port& port : source.ports) {
    if (port.name == name) return &port;
  }
  return nullptr;
}

}  // namespace

// A combo (headset) jack records its microphone through the "Headset
// Microphone" port; "Headphone Mic" (and a separate "Microphone" jack that
// reports nothing for sure) is another input. When the headset port reports
// something plugged in and another is used, the headset's microphone is not
// heard. (An active port that reports nothing plugged in is
// device.port_unavailable's.)
void check_combo_jack(const CheckInput& input, std::vector<Finding>& out) {
  const Source* target = input.target;
  if (!input.snapshot.server.reachable || input.snapshot.origin == "alsa-info" || target == nullptr) return;
  const Port* active = find_port(*target, target->active_port);
  const Port* headset = find_port(*target, "analog-input-headset-mic");
  if (active == nullptr || headset == nullptr || headset->available != Availability::yes) return;
  if (active->available == Availability::no) return;
  const bool headphone_mic = active->name == "analog-input-headphone-mic";
  const bool separate_mic_unsure = active->name == "analog-input-mic" && active->available != Availability::yes;
  if (!headphone_mic && !separate_mic_unsure) return;
  const std::string active_name = active->description.empty() ? active->name : active->description;
  const std::string headset_name = headset->description.empty() ? headset->name : headset->description;
  // A plain microphone (three rings) in the combo jack is recorded on
  // "Headphone Mic", chosen on purpose; the jack reports a plug on both ports
  // either way. From the state alone it is information (the port fix offered);
  // a test that heard silence or no voice makes it the cause (the join
  // headset_port_explains_silence).
  Finding f = make_check_finding(
      CheckId::jack_headset_mic_missing, Severity::info, "A headset may be plugged in, but its microphone is not used",
      source_label(*target) + " records from \"" + active_name + "\" while \"" + headset_name + "\" reports a plug in "
      "the combined headset jack: a headset's microphone (four rings on the plug) is only heard on the headset port. "
      "A plain microphone (three rings) is right on \"" + active_name + "\".",
      target->name);
  f.fix = std::string(fix_id(FixId::source_set_port));
  f.manual_steps.push_back("Switch to the headset microphone: pactl set-source-port " + shell_quote(target->name) + " " +
                           shell_quote(headset->name) + "  (or in Settings > Sound > Input; some laptops ask which "
                           "device was plugged in: answer \"Headset\")");
  out.push_back(std::move(f));
}

}  // namespace micdoctor::checks
