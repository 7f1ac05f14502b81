#include "platform/pulse/pulse_watch.hpp"

#include <pulse/error.h>
#include <pulse/introspect.h>
#include <pulse/stream.h>
#include <pulse/subscribe.h>

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "platform/pulse/pulse_connection.hpp"
#include "platform/pulse/pulse_record_stream.hpp"
#include "platform/pulse/pulse_snapshot.hpp"
#include "watch/meter_retry.hpp"

namespace micdoctor::pulse {
namespace {

using std::chrono::milliseconds;

constexpr milliseconds kConnectTimeout{2000};
// A server that takes longer than this to list its devices is taken as lost:
// with the time to notice, the watch ends within 2 s of the server hanging.
constexpr milliseconds kReadTimeout{1500};
// Changes that arrive together (a device comes with its card, source and
// the default) are read as one state.
constexpr milliseconds kCoalesce{50};
// A stream being moved has no source for a moment (PipeWire): read again
// shortly rather than report a state in between.
constexpr milliseconds kSettleRetry{100};
constexpr int kMaxSettleRetries = 10;
// The longest sleep: how soon `stop` (Ctrl-C) is noticed.
constexpr milliseconds kStopPoll{250};
// A live meter that gets no audio for this long has stalled (the server
// delivers every ~100 ms): the gap is silence (WatchFeed::on_audio_stalled).
constexpr milliseconds kStallAfter{1500};
// The meter wakes about ten times a second.
constexpr double kMeterFragmentSeconds = 0.1;
constexpr double kMeterBufferSeconds = 2.0;
// A meter that ended by itself is not started again sooner than this: a
// source that keeps failing must not turn the loop into a busy one.
constexpr milliseconds kMeterRestartDelay{1000};
// A source the meter could not record: tried again when it changes, or after
// 1, 2, 4, then every 8 s (MeterRetry).
constexpr milliseconds kMeterRetryLongest{8000};

// What the C callbacks share with the loop. They never throw: they set
// flags, and only the loop (outside any callback) reads the server again.
struct Shared {
  WatchFeed* feed = nullptr;
  // A change the server announced, to be read at read_at.
  bool changed = false;
  Clock::time_point read_at;
  // The meter: its source, its own stream (left out of every state), and
  // whether it ended by itself (source removed, suspended, stream failed).
  std::uint32_t metered_source = PA_INVALID_INDEX;
  std::uint32_t meter_stream = PA_INVALID_INDEX;
  // The meter is said to start with its first audio, not when its stream is
  // ready: a source may take seconds to deliver (PulseAudio's remap source
  // over an idle null sink: about 2 s, measured) and the feed times audio by
  // its sample count from the start.
  const std::string* meter_name = nullptr;
  CaptureFormat format;
  bool meter_ready = false;  // the stream is recording
  bool meter_live = false;   // on_meter_start was said: audio flows to the feed
  Clock::time_point last_audio;  // when audio last arrived while live
  std::size_t channels = 1;
  const char* meter_ended = nullptr;  // why, once it ended
  std::vector<float> buffer;          // an aligned copy of what the server hands over
};

void announce_change(Shared& s, milliseconds after) {
  if (s.changed) return;
  s.changed = true;
  s.read_at = Clock::now() + after;
}

void end_meter(Shared& s, const char* why) {
  if (s.meter_ended == nullptr) s.meter_ended = why;
}

void on_event(pa_context*, pa_subscription_event_type_t type, std::uint32_t index, void* userdata) {
  auto& s = *static_cast<Shared*>(userdata);
  const auto facility = type & PA_SUBSCRIPTION_EVENT_FACILITY_MASK;
  const auto kind = type & PA_SUBSCRIPTION_EVENT_TYPE_MASK;
  // The meter's own stream is not part of the system being watched.
  if (facility == PA_SUBSCRIPTION_EVENT_SOURCE_OUTPUT && index == s.meter_stream) return;
  // PipeWire keeps a stream alive when its source goes: the removal says it.
  if (facility == PA_SUBSCRIPTION_EVENT_SOURCE && kind == PA_SUBSCRIPTION_EVENT_REMOVE && index == s.metered_source) {
    end_meter(s, "the source went away");
  }
  announce_change(s, kCoalesce);
}

void on_read(pa_stream* stream, std::size_t, void* userdata) {
  auto& s = *static_cast<Shared*>(userdata);
  while (pa_stream_readable_size(stream) > 0) {
    const void* data = nullptr;
    std::size_t bytes = 0;
    if (pa_stream_peek(stream, &data, &bytes) < 0) {
      end_meter(s, "the server stopped delivering audio");
      return;
    }
    if (bytes == 0) break;
    // Whole frames only (the server hands over whole frames; a stray tail is dropped).
    const std::size_t count = bytes / sizeof(float) / s.channels * s.channels;
    if (!s.meter_live && s.meter_ready && count > 0 && s.meter_name != nullptr) {
      s.meter_live = true;
      s.feed->on_meter_start(*s.meter_name, s.format);
    }
    if (s.meter_live && count > 0) {
      try {
        s.buffer.resize(count);
      } catch (...) {
        end_meter(s, "out of memory while metering");
        pa_stream_drop(stream);
        return;
      }
      if (data == nullptr) {
        std::fill(s.buffer.begin(), s.buffer.end(), 0.0f);  // a hole: the server lost audio here
      } else {
        std::memcpy(s.buffer.data(), data, count * sizeof(float));
        for (float& x : s.buffer) x = std::isfinite(x) ? x : 0.0f;
      }
      s.feed->on_audio(std::span<const float>(s.buffer.data(), count));
      s.last_audio = Clock::now();
    }
    pa_stream_drop(stream);
  }
}

const char* stream_error_in_words(int error) {
  switch (error) {
    case PA_ERR_NOENTITY:
    case PA_ERR_KILLED: return "the source went away";
    case PA_ERR_CONNECTIONTERMINATED: return "the sound server stopped";
    case PA_ERR_BUSY: return "the source is busy: another program holds it exclusively";
    case PA_ERR_ACCESS: return "the sound server refused access to the source";
    default: return "the server stopped the recording";
  }
}

void on_stream_state(pa_stream* stream, void* userdata) {
  auto& s = *static_cast<Shared*>(userdata);
  const pa_stream_state_t state = pa_stream_get_state(stream);
  if (state == PA_STREAM_READY) {
    s.meter_ready = true;
  } else if (state == PA_STREAM_FAILED) {
    end_meter(s, stream_error_in_words(pa_context_errno(pa_stream_get_context(stream))));
  } else if (state == PA_STREAM_TERMINATED) {
    end_meter(s, "the server ended the recording");
  }
}

// DONT_MOVE: the server may still move it when its source goes (PipeWire);
// metering another source under the old name would be a lie.
void on_moved(pa_stream* stream, void* userdata) {
  auto& s = *static_cast<Shared*>(userdata);
  if (pa_stream_get_device_index(stream) != s.metered_source) {
    end_meter(s, "the server moved the meter to another source (the metered one went away)");
  }
}

void on_suspended(pa_stream* stream, void* userdata) {
  if (pa_stream_is_suspended(stream) == 1) {
    end_meter(*static_cast<Shared*>(userdata), "the source was suspended (by the system or another program)");
  }
}

bool context_good(pa_context* context) { return PA_CONTEXT_IS_GOOD(pa_context_get_state(context)) != 0; }

WatchOutcome ending(WatchOutcome::Ending how, std::string error = {}) {
  WatchOutcome outcome;
  outcome.ending = how;
  outcome.error = std::move(error);
  return outcome;
}

class PulseWatch {
 public:
  PulseWatch(PulseConnection& connection, WatchFeed& feed) : connection_(connection), feed_(feed) {
    shared_.feed = &feed;
  }
  PulseWatch(const PulseWatch&) = delete;
  PulseWatch& operator=(const PulseWatch&) = delete;
  ~PulseWatch() {
    pa_context_set_subscribe_callback(connection_.context(), nullptr, nullptr);
  }

  WatchOutcome run(const WatchRequest& request, const std::atomic<bool>& stop) {
    pa_context* context = connection_.context();
    // Listen first, then read: no change falls between the two.
    pa_context_set_subscribe_callback(context, on_event, &shared_);
    const auto mask = static_cast<pa_subscription_mask_t>(PA_SUBSCRIPTION_MASK_SOURCE | PA_SUBSCRIPTION_MASK_SOURCE_OUTPUT |
                                                          PA_SUBSCRIPTION_MASK_CARD | PA_SUBSCRIPTION_MASK_SERVER);
    const OperationPtr subscription(pa_context_subscribe(context, mask, nullptr, nullptr));
    if (!subscription) return ending(WatchOutcome::Ending::failed, "the sound server refused to report its changes");
    if (!publish_state()) {
      return ending(WatchOutcome::Ending::failed, "the sound server did not list its devices (" + lost_reason_ + ")");
    }
    const auto start = Clock::now();
    const bool timed = request.seconds > 0;
    const auto end = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(request.seconds));
    while (true) {
      if (!context_good(context)) return server_lost();
      if (shared_.meter_ended != nullptr) {
        stop_meter(shared_.meter_ended);
        meter_allowed_at_ = Clock::now() + kMeterRestartDelay;
        announce_change(shared_, kCoalesce);  // see what is left to meter
      }
      if (stop.load()) return ending(WatchOutcome::Ending::interrupted);
      const auto now = Clock::now();
      if (timed && now >= end) return ending(WatchOutcome::Ending::completed);
      if (shared_.meter_live && now - shared_.last_audio >= kStallAfter) feed_.on_audio_stalled();
      if (shared_.changed && now >= shared_.read_at) {
        shared_.changed = false;
        if (!publish_state()) return server_lost();
        continue;
      }
      auto wake = now + kStopPoll;
      if (shared_.changed) wake = std::min(wake, shared_.read_at);
      if (timed) wake = std::min(wake, end);
      if (!sleep_until(wake)) return server_lost();
    }
  }

 private:
  // One turn of the main loop: sleeps on the server's socket (and the
  // meter's) until something arrives or `wake`, then runs the callbacks.
  bool sleep_until(Clock::time_point wake) {
    pa_mainloop* loop = connection_.loop();
    const auto left = std::chrono::duration_cast<std::chrono::microseconds>(wake - Clock::now()).count();
    const int timeout_us = static_cast<int>(std::clamp<long long>(left, 0, 1000000));
    if (pa_mainloop_prepare(loop, timeout_us) < 0) return false;
    if (pa_mainloop_poll(loop) < 0) return false;
    return pa_mainloop_dispatch(loop) >= 0;
  }

  WatchOutcome server_lost() {
    pa_context* context = connection_.context();
    std::string why = !context_good(context) ? std::string(pa_strerror(pa_context_errno(context))) : lost_reason_;
    if (why.empty()) why = "the connection broke";
    return ending(WatchOutcome::Ending::server_lost, "the sound server went away (" + why + ")");
  }

  // Reads the state, leaves out the meter's own stream, hands it over and
  // meters what the feed asks for. False when the server is gone or hung.
  bool publish_state() {
    SystemSnapshot state;
    if (!read_pulse_state(connection_, state, kReadTimeout)) {
      lost_reason_ = state.server.error;
      return false;
    }
    leave_out_own_streams(state);
    if (!settled(state) && settle_retries_ < kMaxSettleRetries) {
      ++settle_retries_;
      announce_change(shared_, kSettleRetry);
      return true;
    }
    settle_retries_ = 0;
    feed_.on_state(state);
    meter(feed_.source_to_meter(), state);
    return true;
  }

  // Every stream the meter opened (this process has no other) is ours.
  void leave_out_own_streams(SystemSnapshot& state) const {
    const std::int64_t self = ::getpid();
    std::erase_if(state.streams, [&](const Stream& stream) {
      return stream.index == shared_.meter_stream || stream.process_id == self;
    });
  }

  // A stream between two sources (a move under way) has none for a moment.
  static bool settled(const SystemSnapshot& state) {
    return std::all_of(state.streams.begin(), state.streams.end(),
                       [](const Stream& stream) { return stream.source_index.has_value(); });
  }

  void meter(const std::string& wanted, const SystemSnapshot& state) {
    if (meter_ && wanted != metered_name_) {
      stop_meter(wanted.empty() ? "nothing to meter any more" : "the meter follows the new input");
    }
    if (meter_ || wanted.empty()) return;
    if (const auto now = Clock::now(); now < meter_allowed_at_) {
      announce_change(shared_, std::chrono::duration_cast<milliseconds>(meter_allowed_at_ - now) + kCoalesce);
      return;
    }
    const auto source = std::find_if(state.sources.begin(), state.sources.end(),
                                     [&](const Source& s) { return s.name == wanted; });
    if (source == state.sources.end()) return;  // not there (yet): metered when it comes
    if (retry_.may_try(wanted, source->state, Clock::now())) {
      if (start_meter(wanted)) {
        retry_.succeeded();
        return;
      }
      retry_.refused(wanted, source->state, Clock::now());
    }
    // Refused, now or before: read again when it may be tried.
    announce_change(shared_, std::chrono::duration_cast<milliseconds>(retry_.next_try() - Clock::now()) + kCoalesce);
  }

  bool start_meter(const std::string& name) {
    pa_context* context = connection_.context();
    const auto deadline = Clock::now() + kConnectTimeout;
    SourceFormat source;
    const OperationPtr lookup(pa_context_get_source_info_by_name(context, name.c_str(), on_source_format, &source));
    if (!lookup) return false;
    if (!connection_.run_until([&] { return source.done; }, deadline)) {
      pa_operation_cancel(lookup.get());
      return false;
    }
    if (!source.found) return false;

    CaptureFormat format;
    StreamPtr stream = new_record_stream(context, "micdoctor watch meter", source, format);
    if (!stream) return false;
    const pa_sample_spec spec = *pa_stream_get_sample_spec(stream.get());
    shared_.metered_source = source.index;
    shared_.channels = static_cast<std::size_t>(format.channels);
    shared_.format = format;
    shared_.meter_ended = nullptr;
    shared_.meter_ready = false;
    shared_.meter_live = false;
    metered_name_ = name;
    shared_.meter_name = &metered_name_;
    pa_stream_set_read_callback(stream.get(), on_read, &shared_);
    pa_stream_set_state_callback(stream.get(), on_stream_state, &shared_);
    pa_stream_set_suspended_callback(stream.get(), on_suspended, &shared_);
    pa_stream_set_moved_callback(stream.get(), on_moved, &shared_);
    pa_buffer_attr attributes{};
    const auto bytes_for = [&](double seconds) {
      return static_cast<std::uint32_t>(pa_usec_to_bytes(static_cast<pa_usec_t>(seconds * 1e6), &spec));
    };
    attributes.maxlength = bytes_for(kMeterBufferSeconds);
    attributes.fragsize = bytes_for(kMeterFragmentSeconds);
    const auto flags = static_cast<pa_stream_flags_t>(PA_STREAM_ADJUST_LATENCY | PA_STREAM_DONT_MOVE);
    if (pa_stream_connect_record(stream.get(), name.c_str(), &attributes, flags) < 0) {
      forget_meter();
      return false;
    }
    const bool ready = connection_.run_until(
        [&] { return shared_.meter_ended != nullptr || pa_stream_get_state(stream.get()) == PA_STREAM_READY; },
        deadline);
    if (!ready || shared_.meter_ended != nullptr || pa_stream_is_suspended(stream.get()) == 1) {
      stream.reset();
      forget_meter();
      return false;
    }
    shared_.meter_stream = pa_stream_get_index(stream.get());
    meter_ = std::move(stream);
    return true;
  }

  // Ends the meter; the feed hears of it when it had heard of the start.
  void stop_meter(const char* why) {
    meter_.reset();
    const bool was_live = shared_.meter_live;
    const std::string name = metered_name_;
    forget_meter();
    if (was_live) feed_.on_meter_stop(name, why);
  }

  void forget_meter() {
    shared_.meter_name = nullptr;
    shared_.meter_ready = false;
    shared_.meter_live = false;
    shared_.meter_ended = nullptr;
    shared_.metered_source = PA_INVALID_INDEX;
    shared_.meter_stream = PA_INVALID_INDEX;
    metered_name_.clear();
  }

  PulseConnection& connection_;
  WatchFeed& feed_;
  Shared shared_;
  StreamPtr meter_;
  std::string metered_name_;
  MeterRetry retry_{kMeterRestartDelay, kMeterRetryLongest};
  int settle_retries_ = 0;
  Clock::time_point meter_allowed_at_{};
  std::string lost_reason_;
};

}  // namespace

WatchOutcome watch(const WatchRequest& request, WatchFeed& feed, const std::atomic<bool>& stop) {
  std::string error;
  const std::unique_ptr<PulseConnection> connection = PulseConnection::connect(Clock::now() + kConnectTimeout, error);
  if (!connection) return ending(WatchOutcome::Ending::failed, "no sound server answers (" + error + ")");
  try {
    PulseWatch watch(*connection, feed);
    return watch.run(request, stop);
  } catch (const std::exception& e) {
    // Only the loop allocates (a state, a name); the callbacks never throw.
    return ending(WatchOutcome::Ending::failed, std::string("the watch stopped: ") + e.what());
  }
}

}  // namespace micdoctor::pulse
