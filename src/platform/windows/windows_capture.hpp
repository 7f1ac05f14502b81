#pragma once
// Records from a capture endpoint through WASAPI (shared mode) for the
// microphone test. Audio goes straight to the listener; nothing is written.
#include <atomic>

#include "model/capture.hpp"

namespace micdoctor::windows {

// request.source is an endpoint id ("" for the communications default).
CaptureOutcome capture(const CaptureRequest& request, CaptureListener& listener, const std::atomic<bool>& stop);

}  // namespace micdoctor::windows
