#pragma once
// The pure core of `micdoctor watch`: fed the server's state after every
// change and the metered microphone's audio, it turns them into events (in
// time order) and, at the end, into findings (micdoctor.check/1 ids). No
// clock of its own: the caller says when each state was read; audio is
// timed by its sample count from the meter's start. Memory is bounded
// whatever the length of the call: the level history is thinned and only
// the newest events are kept for the report (every event is still handed
// out by take_events as it happens).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "model/capture.hpp"
#include "model/finding.hpp"
#include "model/snapshot.hpp"
#include "watch/watch_event.hpp"

namespace micdoctor {

// The level over time, for the HTML report's picture.
struct LevelPoint {
  double elapsed_s = 0;
  float rms_dbfs = -120;   // over the point's span
  float peak_dbfs = -120;
};

struct WatchTimeline {
  double started_unix_s = 0;
  double duration_s = 0;
  std::string metered_source;              // the last source metered ("" none)
  std::vector<LevelPoint> levels;          // at most kMaxLevelPoints, evenly thinned
  std::vector<WatchEvent> events;          // the newest kMaxKeptEvents (level lines left out)
  std::size_t events_dropped = 0;          // older events not kept
};

struct CallWatchOptions {
  std::string device;            // --device: meter this source; "" follows the default input
  double level_every_s = 5.0;    // a signal.level event this often
};

class CallWatch {
 public:
  static constexpr std::size_t kMaxLevelPoints = 4096;
  static constexpr std::size_t kMaxKeptEvents = 2000;

  CallWatch(CallWatchOptions options, std::int64_t start_unix_ms);
  ~CallWatch();
  CallWatch(const CallWatch&) = delete;
  CallWatch& operator=(const CallWatch&) = delete;

  // The server's state read at elapsed_s: compared with the last one, the
  // differences become events. The first call only records (and a
  // watch.started event).
  void on_state(double elapsed_s, const SystemSnapshot& state);
  // --device, else the current default input ("" when there is none).
  std::string source_to_meter() const;
  void on_meter_start(double elapsed_s, const std::string& source, const CaptureFormat& format);
  void on_audio(std::span<const float> interleaved);
  // (Added.) No audio arrived up to elapsed_s although the meter runs: a
  // source that delivers nothing when nothing feeds it (a pipe source with
  // no writer) or a stalled stream. The time from the meter's clock to
  // elapsed_s counts as digital silence, so the silence is still dated and
  // reported. Optional: a platform whose sources always deliver need not
  // call it; audio that arrives late after it would count twice.
  void on_audio_stalled(double elapsed_s);
  void on_meter_stop(double elapsed_s, const std::string& source, const std::string& reason);
  void on_server_lost(double elapsed_s, const std::string& error);
  // Closes open spans (a silence still going on) and adds watch.ended.
  void finish(double elapsed_s, const std::string& why);

  // The events since the last call, in time order.
  std::vector<WatchEvent> take_events();
  // The summary: app.agc_fighting, device.removed_during_call, ... (docs/checks.md).
  std::vector<Finding> findings() const;
  const WatchTimeline& timeline() const;
  // The last state seen (for the summary's micdoctor.check/1 document).
  const SystemSnapshot& last_state() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace micdoctor
