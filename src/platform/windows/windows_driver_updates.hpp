#pragma once
// Driver updates through the Windows Update Agent (IUpdateSession,
// IUpdateSearcher: "IsInstalled=0 and Type='Driver'"), and the policies that
// keep driver updates away. Read only: installing stays in Windows Update's hands.
#include "model/drivers.hpp"

namespace micdoctor::windows {

// online = false: only Windows Update's local cache (quick, for check);
// true: ask Microsoft Update (`micdoctor drivers --refresh`).
WindowsDriverUpdates read_driver_updates(bool online);

}  // namespace micdoctor::windows
