#include "checks/known_bad_versions.hpp"

namespace micdoctor {

// Placeholder until the table lands (issue 15, helper "known-bad").
std::vector<std::string> packages_of_interest() { return {}; }

}  // namespace micdoctor
