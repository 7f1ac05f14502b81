#include "platform/pulse/pulse_record_stream.hpp"

#include <algorithm>

namespace micdoctor::pulse {
namespace {

constexpr int kMaxChannels = 8;
constexpr int kFallbackRate = 48000;

}  // namespace

void StreamRelease::operator()(pa_stream* stream) const {
  pa_stream_set_read_callback(stream, nullptr, nullptr);
  pa_stream_set_state_callback(stream, nullptr, nullptr);
  pa_stream_set_suspended_callback(stream, nullptr, nullptr);
  pa_stream_set_moved_callback(stream, nullptr, nullptr);
  pa_stream_disconnect(stream);
  pa_stream_unref(stream);
}

void on_source_format(pa_context*, const pa_source_info* info, int eol, void* userdata) {
  auto& f = *static_cast<SourceFormat*>(userdata);
  if (eol != 0) {
    f.done = true;
    return;
  }
  if (info == nullptr) return;
  f.found = true;
  f.index = info->index;
  f.spec = info->sample_spec;
  f.channel_map = info->channel_map;
  try {
    f.name = info->name ? info->name : "";
  } catch (...) {
    f.found = false;
  }
}

StreamPtr new_record_stream(pa_context* context, const char* stream_name, const SourceFormat& source,
                            CaptureFormat& format) {
  format.channels = std::clamp<int>(source.spec.channels, 1, kMaxChannels);
  format.sample_rate = static_cast<int>(source.spec.rate);
  if (format.sample_rate < 8000 || format.sample_rate > 192000) format.sample_rate = kFallbackRate;
  const pa_sample_spec spec{PA_SAMPLE_FLOAT32NE, static_cast<std::uint32_t>(format.sample_rate),
                            static_cast<std::uint8_t>(format.channels)};
  const bool own_map =
      pa_channel_map_valid(&source.channel_map) != 0 && source.channel_map.channels == spec.channels;
  return StreamPtr(pa_stream_new(context, stream_name, &spec, own_map ? &source.channel_map : nullptr));
}

}  // namespace micdoctor::pulse
