#include "model/finding.hpp"

namespace micdoctor {

std::string_view to_string(Severity severity) {
  switch (severity) {
    case Severity::info: return "info";
    case Severity::warning: return "warning";
    case Severity::error: return "error";
  }
  return "info";
}

Severity worst_severity(const std::vector<Finding>& findings) {
  Severity worst = Severity::info;
  for (const Finding& finding : findings) {
    if (static_cast<int>(finding.severity) > static_cast<int>(worst)) worst = finding.severity;
  }
  return worst;
}

}  // namespace micdoctor
