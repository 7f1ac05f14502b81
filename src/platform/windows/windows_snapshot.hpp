#pragma once
// The Windows platform layer's reader: every capture endpoint, the defaults,
// the microphone privacy switches and the drivers, into one snapshot.
#include "model/snapshot.hpp"

namespace micdoctor::windows {

SystemSnapshot read_windows_snapshot();

}  // namespace micdoctor::windows
