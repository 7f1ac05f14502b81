#pragma once
#include <string>
#include <vector>

namespace micdoctor::cli {

// micdoctor fix [--device ID] [--yes] [--dry-run] [--only FIX_ID] [--format text|json]
int run_fix(const std::vector<std::string>& args);
// micdoctor undo [--list] [--all] [--format text|json]
int run_undo(const std::vector<std::string>& args);

}  // namespace micdoctor::cli
