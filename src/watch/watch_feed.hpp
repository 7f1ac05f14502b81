#pragma once
// The seam between a platform's watch (PulseAudio/PipeWire server events,
// Windows notifications) and the pure CallWatch: what the platform pushes,
// as it happens. All calls come from one thread, in order, and must not
// throw (a platform calls them from C callbacks).
#include <span>
#include <string>

#include "model/capture.hpp"
#include "model/snapshot.hpp"

namespace micdoctor {

class WatchFeed {
 public:
  virtual ~WatchFeed() = default;
  // The server side of the system (server, cards, sources, streams; no
  // kernel state) at the start and after every change the server announced
  // (changes that arrive together may be read as one). The platform leaves
  // out its own metering stream.
  virtual void on_state(const SystemSnapshot& state) noexcept = 0;
  // The source the level meter should record now: "" for none. Asked after
  // every on_state; when it differs from what is metered, the platform stops
  // the meter and starts it on the new source.
  virtual std::string source_to_meter() noexcept = 0;
  virtual void on_meter_start(const std::string& source, const CaptureFormat& format) noexcept = 0;
  // Interleaved float samples of the metered source, in order.
  virtual void on_audio(std::span<const float> interleaved) noexcept = 0;
  // The metered source has delivered nothing for a while although its meter
  // runs (a paused node, a pipe with no writer): the missing time counts as
  // silence, up to now. Said again while it lasts.
  virtual void on_audio_stalled() noexcept = 0;
  // The meter stopped: the source went away, or was changed; why in words.
  virtual void on_meter_stop(const std::string& source, const std::string& reason) noexcept = 0;
};

struct WatchRequest {
  double seconds = 0;  // 0: until stopped
};

struct WatchOutcome {
  enum class Ending {
    completed,    // the seconds asked for passed
    interrupted,  // stop became true (Ctrl-C)
    server_lost,  // the sound server went away (error says how)
    failed,       // could not start (error says why)
  };
  Ending ending = Ending::failed;
  std::string error;
};

}  // namespace micdoctor
