// Test-only: writes what platform::started_by_double_click() says, for
// tests/windows/test_wine_double_click.py, which starts it the ways a person
// could (its own console as from Explorer, a shell's console, no console).
// Its output goes to a file because a console of its own is not the test's pipe.
//   micdoctor_console_probe.exe OUT_FILE
#include <cstdio>

#include "platform/platform.hpp"

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  const bool double_click = micdoctor::platform::started_by_double_click();
  std::FILE* out = std::fopen(argv[1], "w");
  if (out == nullptr) return 2;
  std::fprintf(out, "%s\n", double_click ? "double-click" : "terminal");
  return std::fclose(out) == 0 ? 0 : 2;
}
