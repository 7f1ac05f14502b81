#include "platform/pulse/pulse_capture.hpp"

#include <pulse/error.h>
#include <pulse/introspect.h>
#include <pulse/stream.h>
#include <pulse/subscribe.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "platform/pulse/pulse_connection.hpp"
#include "platform/pulse/pulse_record_stream.hpp"

namespace micdoctor::pulse {
namespace {

constexpr double kFragmentSeconds = 0.02;  // small fragments: data flows at once
constexpr auto kTick = std::chrono::milliseconds(50);

// What the C callbacks share with the loop. They never throw.
struct Recording {
  CaptureListener* listener = nullptr;
  int channels = 1;
  std::uint64_t frames_wanted = 0;
  std::uint64_t frames_received = 0;
  std::uint32_t source_index = PA_INVALID_INDEX;
  bool failed = false;
  std::string error;
  Clock::time_point started;
  Clock::time_point last_audio;
  bool any_audio = false;
  double first_audio_after_s = 0;
  double longest_gap_s = 0;
  std::vector<float> buffer;  // aligned copy of what the server hands over
};

std::string error_in_words(int error, bool connecting) {
  switch (error) {
    case PA_ERR_NOENTITY:
      return connecting ? "the microphone could not be found" : "the microphone disappeared during the test (unplugged?)";
    case PA_ERR_KILLED: return "the microphone disappeared during the test (unplugged, or the server removed it)";
    case PA_ERR_BUSY: return "the microphone is busy: another program holds it exclusively";
    case PA_ERR_CONNECTIONTERMINATED:
    case PA_ERR_CONNECTIONREFUSED: return "the sound server stopped during the test";
    case PA_ERR_ACCESS: return "the sound server refused access to the microphone";
    default: return pa_strerror(error);
  }
}

void fail(Recording& r, std::string error) {
  if (r.failed) return;
  r.failed = true;
  r.error = std::move(error);
}

void deliver(Recording& r, const float* samples, std::size_t count) {
  const std::size_t channels = static_cast<std::size_t>(r.channels);
  std::size_t frames = count / channels;
  const std::uint64_t room = r.frames_wanted - std::min(r.frames_wanted, r.frames_received);
  frames = static_cast<std::size_t>(std::min<std::uint64_t>(frames, room));
  if (frames == 0) return;
  r.frames_received += frames;
  r.listener->on_audio(std::span<const float>(samples, frames * channels));
}

void on_read(pa_stream* stream, std::size_t, void* userdata) {
  auto& r = *static_cast<Recording*>(userdata);
  try {
    while (pa_stream_readable_size(stream) > 0) {
      const void* data = nullptr;
      std::size_t bytes = 0;
      if (pa_stream_peek(stream, &data, &bytes) < 0) {
        fail(r, "the server stopped delivering audio");
        return;
      }
      if (bytes == 0) break;
      const auto now = Clock::now();
      const double gap = std::chrono::duration<double>(now - r.last_audio).count();
      if (!r.any_audio) r.first_audio_after_s = std::chrono::duration<double>(now - r.started).count();
      else r.longest_gap_s = std::max(r.longest_gap_s, gap);
      r.any_audio = true;
      r.last_audio = now;
      const std::size_t count = bytes / sizeof(float);
      r.buffer.resize(count);
      if (data == nullptr) {
        std::fill(r.buffer.begin(), r.buffer.end(), 0.0f);  // a hole: the server lost audio here
      } else {
        std::memcpy(r.buffer.data(), data, count * sizeof(float));
        for (float& x : r.buffer) x = std::isfinite(x) ? x : 0.0f;
      }
      deliver(r, r.buffer.data(), count);
      pa_stream_drop(stream);
    }
  } catch (...) {
    fail(r, "out of memory while recording");
  }
}

void on_state(pa_stream* stream, void* userdata) {
  auto& r = *static_cast<Recording*>(userdata);
  const pa_stream_state_t state = pa_stream_get_state(stream);
  if (state == PA_STREAM_FAILED) {
    fail(r, error_in_words(pa_context_errno(pa_stream_get_context(stream)), false));
  } else if (state == PA_STREAM_TERMINATED) {
    fail(r, "the server ended the recording");
  }
}

// PipeWire keeps a stream alive when its source goes; the removal event and
// the move tell that the microphone being tested is gone.
void on_event(pa_context*, pa_subscription_event_type_t type, std::uint32_t index, void* userdata) {
  auto& r = *static_cast<Recording*>(userdata);
  const auto facility = type & PA_SUBSCRIPTION_EVENT_FACILITY_MASK;
  const auto kind = type & PA_SUBSCRIPTION_EVENT_TYPE_MASK;
  if (facility == PA_SUBSCRIPTION_EVENT_SOURCE && kind == PA_SUBSCRIPTION_EVENT_REMOVE && index == r.source_index) {
    fail(r, "the microphone disappeared during the test (unplugged, or the server removed it)");
  }
}

void on_moved(pa_stream* stream, void* userdata) {
  auto& r = *static_cast<Recording*>(userdata);
  if (pa_stream_get_device_index(stream) != r.source_index) {
    fail(r, "the server moved the recording to another device (the microphone went away)");
  }
}

void on_suspended(pa_stream* stream, void* userdata) {
  if (pa_stream_is_suspended(stream) == 1) {
    fail(*static_cast<Recording*>(userdata), "the microphone was suspended during the test (by the system or another program)");
  }
}

CaptureOutcome failed(std::string error, const CaptureFormat& format = {}) {
  CaptureOutcome outcome;
  outcome.ending = CaptureOutcome::Ending::failed;
  outcome.error = std::move(error);
  outcome.format = format;
  return outcome;
}

}  // namespace

CaptureOutcome capture(const CaptureRequest& request, CaptureListener& listener, const std::atomic<bool>& stop) {
  const auto connect_deadline = Clock::now() + request.connect_timeout;
  std::string error;
  Recording recording;  // declared before the connection: outlives every callback
  SourceFormat source;
  const std::unique_ptr<PulseConnection> connection = PulseConnection::connect(connect_deadline, error);
  if (!connection) return failed("no sound server answers (" + error + ")");
  pa_context* context = connection->context();

  const std::string asked = request.source.empty() ? "@DEFAULT_SOURCE@" : request.source;
  const OperationPtr lookup(pa_context_get_source_info_by_name(context, asked.c_str(), on_source_format, &source));
  if (!lookup || !connection->run_until([&] { return source.done; }, connect_deadline)) {
    return failed("the sound server did not describe the microphone in time");
  }
  if (!source.found) return failed("no capture device named '" + asked + "'");

  CaptureFormat format;
  const StreamPtr stream = new_record_stream(context, "micdoctor microphone test", source, format);
  if (!stream) return failed(error_in_words(pa_context_errno(context), true), format);
  const pa_sample_spec spec = *pa_stream_get_sample_spec(stream.get());

  recording.listener = &listener;
  recording.source_index = source.index;
  recording.channels = format.channels;
  recording.frames_wanted = static_cast<std::uint64_t>(std::llround(request.seconds * format.sample_rate));
  pa_stream_set_read_callback(stream.get(), on_read, &recording);
  pa_stream_set_state_callback(stream.get(), on_state, &recording);
  pa_stream_set_suspended_callback(stream.get(), on_suspended, &recording);
  pa_stream_set_moved_callback(stream.get(), on_moved, &recording);
  pa_context_set_subscribe_callback(context, on_event, &recording);
  const OperationPtr subscription(pa_context_subscribe(context, PA_SUBSCRIPTION_MASK_SOURCE, nullptr, nullptr));
  pa_buffer_attr attributes{};
  attributes.maxlength = static_cast<std::uint32_t>(-1);
  attributes.fragsize = static_cast<std::uint32_t>(pa_usec_to_bytes(static_cast<pa_usec_t>(kFragmentSeconds * 1e6), &spec));
  // DONT_MOVE: if the microphone goes, the test must fail rather than go on
  // recording whatever the server moves it to.
  const auto flags = static_cast<pa_stream_flags_t>(PA_STREAM_ADJUST_LATENCY | PA_STREAM_DONT_MOVE);
  listener.on_start(format);
  if (pa_stream_connect_record(stream.get(), source.name.c_str(), &attributes, flags) < 0) {
    return failed(error_in_words(pa_context_errno(context), true), format);
  }
  const bool ready = connection->run_until(
      [&] { return recording.failed || pa_stream_get_state(stream.get()) == PA_STREAM_READY; }, connect_deadline);
  if (recording.failed) return failed(recording.error, format);
  if (!ready) return failed("the sound server did not start the recording in time", format);
  if (pa_stream_is_suspended(stream.get()) == 1) {
    return failed("the microphone is suspended (by the system or another program), so it delivers nothing", format);
  }

  const auto start = Clock::now();
  const auto deadline = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(request.seconds)) +
                        request.late_allowance;
  recording.started = start;
  recording.last_audio = start;
  CaptureOutcome outcome;
  outcome.format = format;
  outcome.ending = CaptureOutcome::Ending::completed;
  const auto seconds_received = [&] { return static_cast<double>(recording.frames_received) / format.sample_rate; };
  const auto failed_after = [&](std::string why) {
    CaptureOutcome result = failed(std::move(why), format);
    result.seconds_received = seconds_received();
    result.first_audio_after_s = recording.first_audio_after_s;
    result.longest_gap_s = recording.longest_gap_s;
    return result;
  };
  while (true) {
    const bool alive = connection->run_until(
        [&] { return recording.failed || recording.frames_received >= recording.frames_wanted || stop.load(); },
        std::min(deadline, Clock::now() + kTick));
    listener.on_tick(seconds_received(), request.seconds);
    if (recording.failed) return failed_after(recording.error);
    if (recording.frames_received >= recording.frames_wanted) break;
    if (stop.load()) {
      outcome.ending = CaptureOutcome::Ending::interrupted;
      break;
    }
    if (!alive && !PA_CONTEXT_IS_GOOD(pa_context_get_state(context))) {
      return failed_after("the sound server stopped during the test");
    }
    const auto now = Clock::now();
    const auto allowed = recording.any_audio ? request.stall_timeout : request.first_audio_timeout;
    if (now - recording.last_audio > allowed) {
      char text[128];
      std::snprintf(text, sizeof text, recording.any_audio ? "the microphone stopped delivering audio (nothing for %.1f s)"
                                                           : "the microphone delivered no audio at all (nothing for %.1f s)",
                    std::chrono::duration<double>(now - recording.last_audio).count());
      return failed_after(text);
    }
    if (now >= deadline) break;  // what arrived in time is judged
  }
  outcome.seconds_received = seconds_received();
  outcome.first_audio_after_s = recording.first_audio_after_s;
  outcome.longest_gap_s = recording.longest_gap_s;
  return outcome;
}

}  // namespace micdoctor::pulse
