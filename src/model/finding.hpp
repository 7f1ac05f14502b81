#pragma once
// A finding: one thing micdoctor noticed, in words a non-expert can act on.
// Ids are a contract (docs/checks.md): tools and tests match on them.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace micdoctor {

enum class Severity { info, warning, error };

std::string_view to_string(Severity severity);

struct Finding {
  std::string id;        // stable contract id, e.g. "signal.clipping"
  Severity severity = Severity::info;
  std::string title;     // one line a non-expert understands
  std::string detail;    // the evidence, with numbers
  std::string advice;    // what the person should do
  // System-check findings (micdoctor check) also say where they belong:
  int step = -1;                           // walk-through step 0-5; -1 for signal findings
  std::string device;                      // the source, card, stream or app it is about ("" none)
  std::optional<std::string> fix;          // id of an automatic fix (docs/checks.md, "Fix ids"), if one exists
  std::vector<std::string> manual_steps;   // what to do by hand, concretely, for this system
  std::vector<std::string> explains;       // ids of symptoms this finding is the cause of (joined away)
};

// True for warnings and errors: what makes the exit status 1.
inline bool is_problem(const Finding& finding) { return finding.severity != Severity::info; }

// The worst severity in a list (info for an empty list).
Severity worst_severity(const std::vector<Finding>& findings);

}  // namespace micdoctor
