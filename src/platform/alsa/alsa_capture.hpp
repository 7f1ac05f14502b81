#pragma once
// The capture devices ALSA offers directly, for when no sound server answers
// (then applications cannot use them, but their presence tells where the fault is).
#include <vector>

#include "model/snapshot.hpp"

namespace micdoctor::alsa {

std::vector<AlsaCaptureDevice> list_capture_devices();

}  // namespace micdoctor::alsa
