// CONTRACT STUB (issue 16): replaced by the ui/server helper.
#include "cli/ui_command.hpp"

#include <cstdio>

namespace micdoctor::cli {

int run_ui(const std::vector<std::string>&) {
  std::fputs("micdoctor ui: not built yet\n", stderr);
  return 2;
}

}  // namespace micdoctor::cli
