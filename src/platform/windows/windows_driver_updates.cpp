#include "platform/windows/windows_driver_updates.hpp"

namespace micdoctor::windows {

// Placeholder until the reader lands (issue 15, helper "windows-update").
WindowsDriverUpdates read_driver_updates(bool) {
  WindowsDriverUpdates updates;
  updates.error = "not searched yet";
  return updates;
}

}  // namespace micdoctor::windows
