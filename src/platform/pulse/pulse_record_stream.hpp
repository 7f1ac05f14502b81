#pragma once
// What the microphone test (pulse_capture.cpp) and the watch's meter
// (pulse_watch.cpp) share to record a source: its format as the server
// describes it, and a float32 record stream in that format.
#include <pulse/context.h>
#include <pulse/introspect.h>
#include <pulse/stream.h>

#include <cstdint>
#include <memory>
#include <string>

#include "model/capture.hpp"

namespace micdoctor::pulse {

// Disconnects first, after unhooking the callbacks: nothing calls back into
// an object that is going away.
struct StreamRelease {
  void operator()(pa_stream* stream) const;
};
using StreamPtr = std::unique_ptr<pa_stream, StreamRelease>;

// A source as pa_context_get_source_info_by_name describes it.
struct SourceFormat {
  bool done = false;
  bool found = false;
  std::uint32_t index = PA_INVALID_INDEX;
  pa_sample_spec spec{};
  pa_channel_map channel_map{};
  std::string name;
};

// The pa_source_info_cb_t that fills a SourceFormat (userdata). Never throws.
void on_source_format(pa_context* context, const pa_source_info* info, int eol, void* userdata);

// A record stream named `stream_name` in float32 at the source's own rate
// (48 kHz when it gives none in 8-192 kHz) and channels (at most 8), with
// the source's channel map: with the default map for N channels the server
// would remix, and the inputs of a multi-input interface (aux0, aux1, ...:
// no place in space) would all come out as silence. `format` says what the
// blocks will be. Null when the server refuses.
StreamPtr new_record_stream(pa_context* context, const char* stream_name, const SourceFormat& source,
                            CaptureFormat& format);

}  // namespace micdoctor::pulse
