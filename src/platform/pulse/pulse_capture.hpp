#pragma once
// Records from a source through libpulse for the microphone test, at the
// source's own rate and channels, as 32-bit floats. Audio goes straight to
// the listener (the analyser, the meter); nothing is written anywhere.
#include <atomic>

#include "model/capture.hpp"

namespace micdoctor::pulse {

// Blocks until the seconds asked for arrived, `stop` became true (Ctrl-C), or
// a fault: the source vanished, the server died, the stream was suspended or
// delivered nothing for stall_timeout, the device was busy. Never longer than
// connect_timeout + seconds + late_allowance.
CaptureOutcome capture(const CaptureRequest& request, CaptureListener& listener, const std::atomic<bool>& stop);

}  // namespace micdoctor::pulse
