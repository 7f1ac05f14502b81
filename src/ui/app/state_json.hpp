#pragma once
// The walk-through as the page shows it (GET /api/state and the "state"
// event): a pure function of what was read, so it is tested without a server.
#include <string>
#include <vector>

#include "model/finding.hpp"
#include "model/snapshot.hpp"

namespace micdoctor::ui {

struct UiStateInput {
  const SystemSnapshot& snapshot;
  const Source* source_in_use;           // may be null
  const std::vector<Finding>& findings;  // walk-through order (joined with a test, when one was made)
  bool undo_available = false;           // the journal has a fix run to put back
  std::string busy;                      // "", "fix", "undo" or "test": what runs now
  bool heard = false;                    // the findings include what a test heard
};

// {"verdict","problems","system","microphone","busy","undo","heard",
//  "findings":[{"id","severity","problem","step","step_title","title","words",
//  "detail","device","steps","fixes":[ID...]}]}: one line of JSON.
std::string state_to_json(const UiStateInput& state);

}  // namespace micdoctor::ui
