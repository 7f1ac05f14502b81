#pragma once
// Records from a source through libpulse for the microphone test, at the
// source's own rate and channels, as 32-bit floats. Audio goes straight to
// the listener (the analyser, the meter); nothing is written anywhere.
#include <atomic>
#include <chrono>
#include <string>

#include "model/capture.hpp"

namespace micdoctor::pulse {

struct CaptureRequest {
  std::string source;  // the source's name; "" for the server's default
  double seconds = 5.0;
  std::chrono::milliseconds connect_timeout{2000};
  // A stream that stops delivering for this long has stalled: a fault.
  std::chrono::milliseconds stall_timeout{1500};
  // The first audio may take longer: a virtual source behind a sink that
  // renders in 2-second blocks (PulseAudio's null sink when idle) starts
  // anywhere from at once to 2 s later (measured). A stream that has sent
  // nothing by then never will.
  std::chrono::milliseconds first_audio_timeout{3000};
  // Captured audio arrives in bursts and late: how long past `seconds` to wait for it.
  std::chrono::milliseconds late_allowance{3000};
};

// Blocks until the seconds asked for arrived, `stop` became true (Ctrl-C), or
// a fault: the source vanished, the server died, the stream was suspended or
// delivered nothing for stall_timeout, the device was busy. Never longer than
// connect_timeout + seconds + late_allowance.
CaptureOutcome capture(const CaptureRequest& request, CaptureListener& listener, const std::atomic<bool>& stop);

}  // namespace micdoctor::pulse
