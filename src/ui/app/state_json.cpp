// The page's view of the walk-through (state_json.hpp).
#include "ui/app/state_json.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "checks/check_catalog.hpp"
#include "checks/check_context.hpp"
#include "report/check_report.hpp"

namespace micdoctor::ui {
namespace {

using Json = nlohmann::ordered_json;

std::string severity_name(Severity severity) {
  switch (severity) {
    case Severity::info: return "info";
    case Severity::warning: return "warning";
    case Severity::error: return "error";
  }
  return "info";
}

// Plain words first: what to do when the finding says so, else what it found.
std::string plain_words(const Finding& f) { return f.advice.empty() ? f.detail : f.advice; }

Json finding_json(const Finding& f) {
  Json fixes = Json::array();
  if (f.fix) fixes.push_back(*f.fix);
  Json j{{"id", f.id},
         {"severity", severity_name(f.severity)},
         {"problem", is_problem(f)},
         {"step", f.step},
         {"step_title", f.step >= 0 ? Json(std::string(step_title(f.step))) : Json("What the test heard")},
         {"title", f.title},
         {"words", plain_words(f)},
         {"detail", f.advice.empty() ? std::string() : f.detail},
         {"device", f.device},
         {"steps", f.manual_steps},
         {"fixes", fixes}};
  return j;
}

}  // namespace

std::string state_to_json(const UiStateInput& state) {
  const CheckReportInput report{state.snapshot, state.source_in_use, state.findings, nullptr};
  Json findings = Json::array();
  for (const Finding& f : state.findings) findings.push_back(finding_json(f));
  const auto problems = std::count_if(state.findings.begin(), state.findings.end(), is_problem);
  const Json j{{"verdict", check_verdict(report)},
               {"problems", problems},
               {"system", state_source_line(state.snapshot)},
               {"microphone", state.source_in_use ? Json(checks::source_label(*state.source_in_use)) : Json(nullptr)},
               {"busy", state.busy.empty() ? Json(nullptr) : Json(state.busy)},
               {"undo", state.undo_available},
               {"heard", state.heard},
               {"findings", findings}};
  // Names from the system may hold invalid UTF-8: replaced, never a throw.
  return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace micdoctor::ui
