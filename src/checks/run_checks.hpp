#pragma once
// The system check: a snapshot in, findings out, in walk-through order.
// Pure: nothing here reads or changes the system.
#include <string>
#include <vector>

#include "model/finding.hpp"
#include "model/snapshot.hpp"

namespace micdoctor {

// The source a person means by ID: its name, its index ("12" or "#12") or its
// exact description. Null when nothing matches.
const Source* find_source_by_id(const SystemSnapshot& snapshot, const std::string& id);

// The source applications will record from: the one asked for; else the
// default when it is a real input; else the best input present (the one a
// fix would make the default). Null when there is none.
const Source* source_in_use(const SystemSnapshot& snapshot, const std::string& asked_id);

// Runs every check, each isolated: one that fails becomes a check.crashed
// finding and the others still run. Findings come sorted by step.
std::vector<Finding> run_checks(const SystemSnapshot& snapshot, const std::string& asked_id = {});

}  // namespace micdoctor
