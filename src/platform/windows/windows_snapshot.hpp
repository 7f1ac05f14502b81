#pragma once
// The Windows platform layer's reader: every capture endpoint, the defaults,
// the apps' recording sessions, the microphone privacy switches and the
// drivers, into one snapshot.
#include "model/snapshot.hpp"

namespace micdoctor::windows {

SystemSnapshot read_windows_snapshot();

// Only what the sound system itself says (endpoints, defaults, sessions): no
// privacy switches, no drivers. For `watch`, which reads it after every change.
SystemSnapshot read_windows_audio_state();

}  // namespace micdoctor::windows
