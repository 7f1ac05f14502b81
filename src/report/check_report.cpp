#include "report/check_report.hpp"

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "checks/check_catalog.hpp"
#include "checks/check_context.hpp"
#include "model/snapshot_json.hpp"
#include "report/analysis_report.hpp"

namespace micdoctor {
namespace {

using Json = nlohmann::ordered_json;

std::string dump(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

std::string_view ending_name(CaptureOutcome::Ending ending) {
  switch (ending) {
    case CaptureOutcome::Ending::completed: return "completed";
    case CaptureOutcome::Ending::interrupted: return "interrupted";
    case CaptureOutcome::Ending::failed: return "failed";
  }
  return "failed";
}

Json signal_to_json(const MicTestReport& test) {
  Json j;
  j["source"] = test.source;
  j["ending"] = std::string(ending_name(test.outcome.ending));
  if (test.outcome.ending == CaptureOutcome::Ending::failed) j["error"] = test.outcome.error;
  j["seconds"] = std::round(test.outcome.seconds_received * 1000.0) / 1000.0;
  // Added in issue 16: present only when the test stopped before its full
  // time because its verdict was certain (the ending is then "completed").
  if (test.outcome.stopped_when_certain) j["stopped"] = "verdict_certain";
  if (test.analysis != nullptr) {
    const Json body = analysis_body_json(*test.analysis);
    for (auto it = body.begin(); it != body.end(); ++it) j[it.key()] = *it;
  }
  return j;
}

std::string server_line(const ServerInfo& server) {
  if (!server.reachable) return "no sound server";
  std::string name = server.name.empty() ? "sound server" : server.name;
  // pipewire-pulse reports "PulseAudio (on PipeWire 0.3.65)" with a PulseAudio protocol version: the name says it all.
  if (name.find("PipeWire") == std::string::npos && !server.version.empty()) name += " " + server.version;
  return name;
}

// With `with_id`, a Windows endpoint's id follows its name (check -v).
std::string source_name_for_people(const Source& s, bool with_id = false) {
  if (!s.description.empty() && checks::is_endpoint_id(s.name) && !with_id) return "\"" + s.description + "\"";
  return s.description.empty() ? s.name : "\"" + s.description + "\" (" + s.name + ")";
}

int count_problems(const std::vector<Finding>& findings) {
  return static_cast<int>(std::count_if(findings.begin(), findings.end(), is_problem));
}

// Text built from outside data goes through here: control characters escaped.
void add_line(std::string& out, int indent, const std::string& text) {
  out.append(static_cast<std::size_t>(indent), ' ');
  out += escape_for_terminal(text);
  out += '\n';
}

bool step_needs_server(int step) { return step == 2 || step == 3 || step == 5; }

void add_finding(std::string& out, const Finding& f, const TextStyle& style, bool verbose) {
  out += "      " + severity_mark(f.severity, style) + " " + escape_for_terminal(f.title) + "\n";
  if (f.severity == Severity::info && !verbose) return;
  add_line(out, 10, f.detail);
  // The fix id is for `micdoctor fix` and tools; people need the steps below.
  if (f.fix && verbose) add_line(out, 10, "Automatic fix: " + *f.fix);
  if (!f.manual_steps.empty()) {
    add_line(out, 10, "What to do:");
    for (const std::string& step : f.manual_steps) add_line(out, 12, "- " + step);
  }
}

std::string step_note(int step, const CheckReportInput& report, bool has_findings) {
  const SystemSnapshot& s = report.snapshot;
  const bool dump = s.origin == "alsa-info";
  if (!s.server.reachable && step_needs_server(step)) {
    // The kernel's part of the step (the mixer, the codec) was judged: only
    // the server's part is missing.
    if (has_findings) return dump ? " (from the dump; the sound server's part is not in it)"
                                  : " (the sound server's part not checked: none answers)";
    return dump ? " (not in the dump: it holds no sound server state)" : " (not checked: no sound server)";
  }
  if (step == 0) return s.server.reachable ? ": " + server_line(s.server) : "";
  if (step == 4 && s.is_windows()) return s.drivers.empty() ? " (Windows gave no driver details)" : "";
  if (step == 4 && !s.kernel.read) return " (the kernel's view could not be read)";
  if (step == 4 && s.kernel.cards.empty()) return " (the kernel lists no sound card)";
  if (step != 5) return "";
  if (report.test != nullptr) {
    if (report.test->outcome.ending == CaptureOutcome::Ending::failed) return " (the recording test failed)";
    char text[96];
    const CaptureOutcome& outcome = report.test->outcome;
    std::snprintf(text, sizeof text, " (listened to for %.1f s%s)", outcome.seconds_received,
                  outcome.stopped_when_certain                              ? ": enough to be sure"
                  : outcome.ending == CaptureOutcome::Ending::interrupted ? ", stopped early"
                                                                           : "");
    return text;
  }
  if (report.source_in_use == nullptr) return " (not checked: no microphone)";
  return " (jack sensing only; the microphone was not listened to: micdoctor test)";
  return "";
}

// "Zoom (zoom)", "Zoom", "zoom"; a stream that names no one says whose it is.
std::string stream_owner(const Stream& st) {
  if (!st.application.empty() && !st.binary.empty() && st.application != st.binary) {
    return st.application + " (" + st.binary + ")";
  }
  if (!st.application.empty()) return st.application;
  if (!st.binary.empty()) return st.binary;
  return st.from_module ? "a sound server module" : "an application that gives no name";
}

void add_devices_table(std::string& out, const SystemSnapshot& s) {
  out += "\nDevices:\n";
  for (const Source& src : s.sources) {
    char numbers[160];
    std::snprintf(numbers, sizeof numbers, "%s, %s, %.0f %%%s%s", std::string(to_string(src.kind)).c_str(),
                  src.state.c_str(), src.volume_percent, src.muted ? ", muted" : "",
                  src.name == s.server.default_source ? ", default" : "");
    add_line(out, 2, src.name + ": " + src.description + " [" + numbers + "]");
    if (!src.active_port.empty()) add_line(out, 6, "active port " + src.active_port);
  }
  if (!s.streams.empty()) out += "Recording streams:\n";
  for (const Stream& st : s.streams) {
    char numbers[96];
    std::snprintf(numbers, sizeof numbers, "%.0f %%%s%s", st.volume_percent, st.muted ? ", muted" : "",
                  st.from_module ? ", server module" : "");
    std::string line = "#";
    line += std::to_string(st.index);
    line += " " + stream_owner(st) + " from ";
    line += st.source.empty() ? std::string("?") : st.source;
    line += std::string(" [") + numbers + "]";
    add_line(out, 2, line);
  }
  if (!s.cards.empty()) out += "Cards:\n";
  for (const Card& c : s.cards) add_line(out, 2, c.name + ": " + c.description + " [profile " + c.active_profile + "]");
}

// A missing driver is why no microphone appears: say the cause, not the symptom.
const Finding* root_cause(const std::vector<Finding>& findings) {
  const auto has = [&](std::string_view id) {
    return std::find_if(findings.begin(), findings.end(), [&](const Finding& f) { return f.id == id; });
  };
  if (has("device.none") == findings.end()) return nullptr;
  for (const std::string_view id : {"driver.unbound", "driver.no_card"}) {
    const auto driver = has(id);
    if (driver != findings.end() && driver->severity == Severity::error) return &*driver;
  }
  return nullptr;
}

}  // namespace

nlohmann::ordered_json check_finding_to_json(const Finding& f) {
  Json steps = Json::array();
  for (const std::string& step : f.manual_steps) steps.push_back(step);
  return Json{{"id", f.id},
              {"severity", std::string(to_string(f.severity))},
              {"step", f.step},
              {"title", f.title},
              {"detail", f.detail},
              {"device", f.device.empty() ? Json(nullptr) : Json(f.device)},
              {"fix", f.fix ? Json(*f.fix) : Json(nullptr)},
              {"manual_steps", steps},
              {"explains", f.explains}};
}


StepStatus step_status(const CheckReportInput& report, int step) {
  const SystemSnapshot& s = report.snapshot;
  StepStatus status;
  const Finding* not_judged = nullptr;
  for (const Finding& f : report.findings) {
    if (f.step != step) continue;
    // The reason it was not judged is the step's note, not a finding under it.
    if (is_not_judged(f)) {
      if (not_judged == nullptr) not_judged = &f;
      continue;
    }
    status.findings.push_back(&f);
    status.worst = std::max(status.worst, f.severity);
  }
  const bool none = status.findings.empty();
  // Without a microphone there is nothing to be the input, nor hardware to test.
  const bool needs_microphone = step == 3 || step == kLastStep;
  status.unchecked = (!s.server.reachable && step_needs_server(step) && status.worst == Severity::info) ||
                     (needs_microphone && none && report.source_in_use == nullptr) ||
                     (step == 4 && none && (s.is_windows() ? s.drivers.empty() : s.kernel.cards.empty())) ||
                     (not_judged != nullptr && status.worst == Severity::info);
  if (not_judged != nullptr && s.server.reachable) {
    status.note = " (not judged: " + not_judged_reason(*not_judged) + ")";
  } else if (step == 3 && none && report.source_in_use == nullptr && s.server.reachable) {
    status.note = " (not checked: no microphone)";
  } else {
    status.note = step_note(step, report, status.worst != Severity::info);
  }
  return status;
}

std::string check_verdict(const CheckReportInput& report) {
  const std::vector<Finding>& findings = report.findings;
  const int problems = count_problems(findings);
  if (const Finding* cause = root_cause(findings)) {
    return cause->title + ", so no microphone appears (and " + std::to_string(problems - 1) + " more below)";
  }
  for (const Severity severity : {Severity::error, Severity::warning}) {
    const auto first = std::find_if(findings.begin(), findings.end(),
                                    [&](const Finding& f) { return f.severity == severity; });
    if (first == findings.end()) continue;
    std::string text = first->title;
    if (problems > 1) text += " (and " + std::to_string(problems - 1) + " more below)";
    return text;
  }
  if (report.snapshot.origin == "alsa-info") {
    return "Nothing wrong found in what the dump shows (it holds no sound server state)";
  }
  if (report.source_in_use == nullptr) return "No microphone to check";
  return "Nothing is wrong in the settings of " + source_name_for_people(*report.source_in_use);
}

std::string state_source_line(const SystemSnapshot& s) {
  if (s.origin != "alsa-info") return server_line(s.server);
  std::string about;
  if (!s.distribution.pretty_name.empty()) about = s.distribution.pretty_name;
  if (!s.kernel.release.empty()) about += (about.empty() ? "" : ", ") + std::string("kernel ") + s.kernel.release;
  return "an alsa-info dump" + (about.empty() ? std::string() : " (" + about + ")");
}

std::string check_to_json(const CheckReportInput& report) {
  Json j;
  j["schema"] = kCheckSchema;
  const Json snapshot = snapshot_to_json(report.snapshot);
  for (auto it = snapshot.begin(); it != snapshot.end(); ++it) j[it.key()] = *it;
  j["source_in_use"] = report.source_in_use ? Json(report.source_in_use->name) : Json(nullptr);
  j["verdict"] = check_verdict(report);
  Json findings = Json::array();
  for (const Finding& f : report.findings) findings.push_back(check_finding_to_json(f));
  j["findings"] = findings;
  if (report.test != nullptr) j["signal"] = signal_to_json(*report.test);
  return dump(j);
}

std::string check_to_text(const CheckReportInput& report, const TextStyle& style, bool verbose) {
  const SystemSnapshot& s = report.snapshot;
  std::string out;
  add_line(out, 0, "micdoctor check: " + state_source_line(s) +
                       (report.source_in_use ? ", microphone " + source_name_for_people(*report.source_in_use, verbose)
                                             : ""));
  out += "\n";
  const Severity worst = worst_severity(report.findings);
  out += severity_mark(worst, style) + " " + escape_for_terminal(check_verdict(report)) + "\n\n";
  for (int step = 0; step <= kLastStep; ++step) {
    const StepStatus status = step_status(report, step);
    out += (status.unchecked ? (style.unicode ? "?" : "[?]") : severity_mark(status.worst, style)) + " " +
           std::to_string(step) + ". " + std::string(step_title(step)) + escape_for_terminal(status.note) +
           "\n";
    for (const Finding* f : status.findings) add_finding(out, *f, style, verbose);
    if (step == kLastStep && report.test != nullptr && report.test->analysis != nullptr) {
      out += analysis_numbers_text(report.test->analysis->metrics, "      ");
    }
  }
  if (verbose) add_devices_table(out, s);
  return out;
}

std::string devices_to_json(const SystemSnapshot& snapshot) {
  const Json full = snapshot_to_json(snapshot);
  Json j;
  j["schema"] = kDevicesSchema;
  j["server"] = full["server"];
  j["devices"] = full["devices"];
  return dump(j);
}

std::string devices_to_text(const SystemSnapshot& s, const TextStyle& style) {
  std::string out;
  if (!s.server.reachable) {
    add_line(out, 0, "No sound server answers (" + s.server.error + ").");
    if (!s.alsa_capture.empty()) out += "Capture devices the kernel offers directly (ALSA):\n";
    for (const AlsaCaptureDevice& d : s.alsa_capture) add_line(out, 2, d.id + "  " + d.card_name + ": " + d.name);
    return out;
  }
  add_line(out, 0, "Capture devices (" + server_line(s.server) + "); * marks the default:");
  for (const Source& src : s.sources) {
    const bool is_default = src.name == s.server.default_source;
    std::string facts = std::string(to_string(src.kind));
    if (!src.bus.empty()) facts += ", " + src.bus;
    facts += ", " + src.state;
    char volume[64];
    std::snprintf(volume, sizeof volume, ", volume %.0f %%", src.volume_percent);
    facts += volume;
    if (src.muted) facts += ", MUTED";
    for (const Port& p : src.ports) {
      if (p.name == src.active_port && p.available == Availability::no) facts += ", nothing plugged in";
    }
    const std::string marker = is_default ? (style.unicode ? "\u2192 *" : "  *") : "   ";
    out += marker + " ";
    add_line(out, 0, src.description + "  [" + src.name + "]  " + facts);
  }
  if (s.sources.empty()) out += "  (none)\n";
  return out;
}

}  // namespace micdoctor
