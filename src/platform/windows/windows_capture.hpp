#pragma once
// Records from a capture endpoint through WASAPI (shared mode) for the
// microphone test. Audio goes straight to the listener; nothing is written.
#include <windows.h>
#include <mmreg.h>

#include <atomic>
#include <cstddef>
#include <string>
#include <vector>

#include "model/capture.hpp"

namespace micdoctor::windows {

// request.source is an endpoint id ("" for the communications default).
// A shared-mode mix format's samples, and their conversion to float (the
// microphone test and watch's meter share them).
enum class SampleType { float32, int16, int24, int32, unsupported };
SampleType sample_type(const WAVEFORMATEX& format);
void to_float(const BYTE* data, std::size_t samples, SampleType type, std::vector<float>& out);
// A capture failure in words ("the microphone disappeared (unplugged or disabled)").
std::string capture_error(HRESULT result);

CaptureOutcome capture(const CaptureRequest& request, CaptureListener& listener, const std::atomic<bool>& stop);

}  // namespace micdoctor::windows
