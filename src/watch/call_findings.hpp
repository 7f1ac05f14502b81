#pragma once
// What `micdoctor watch` remembers for its summary, and the findings it
// makes from it (app.agc_fighting, device.removed_during_call, ...; the
// thresholds are in docs/watch.md). Fed every event as it happens, with the
// states around it; bounded whatever the length of the call.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <vector>

#include "model/finding.hpp"
#include "model/snapshot.hpp"
#include "watch/signal_meter.hpp"
#include "watch/watch_event.hpp"

namespace micdoctor::watch {

// app.agc_fighting: this many volume changes of one source within the window, while an app records it.
inline constexpr std::size_t kAgcChanges = 5;
inline constexpr double kAgcWindowSeconds = 60.0;
// app.muted_during_call: a stream turned down to this or lower counts as muted.
inline constexpr double kStreamLowPercent = 25.0;
// signal.clipping_bursts: at least this many bursts.
inline constexpr std::size_t kClippingBursts = 3;
// signal.went_silent: the events this long before a silence are "what happened just before".
inline constexpr double kBeforeSilenceSeconds = 10.0;
// At most this many records of each kind are kept (the rest are counted).
inline constexpr std::size_t kMaxRecords = 50;

// The app's own switch for its automatic gain control, in words (Zoom,
// Discord, Teams, Skype, Firefox, Chromium browsers and Electron apps; a
// general sentence for the others). `binary` is shell-quoted where a
// command line is shown.
std::string agc_switch(const std::string& application, const std::string& binary);

struct AppSeen {
  std::string application;
  std::string binary;
  bool operator==(const AppSeen&) const = default;
};

class CallRecord {
 public:
  explicit CallRecord(std::int64_t start_unix_ms) : start_unix_ms_(start_unix_ms) {}
  // One event, with the state before and after it (the same state for
  // metering events).
  void observe(const WatchEvent& event, const SystemSnapshot& before, const SystemSnapshot& after);
  // The meters' clipping counts, by source.
  std::map<std::string, MeterTotals>& meter_totals() { return meter_totals_; }
  // Silences still open are reported as going on when the watch ended.
  void set_finishing() { finishing_ = true; }
  std::vector<Finding> findings(const SystemSnapshot& last_state) const;

 private:
  struct VolumeWatch {
    std::string label;
    std::deque<std::pair<double, double>> recent;  // (elapsed_s, percent) while recorded, last minute
    bool fighting = false;
    std::size_t most_in_window = 0;
    double window_start_s = 0;
    double window_end_s = 0;
    double lowest = 1e9;
    double highest = -1e9;
    std::size_t changes_recorded = 0;
    std::vector<AppSeen> apps;
  };
  struct Removal {
    std::string source, label, card, bus;
    double at_s = 0;
    std::vector<AppSeen> apps;
    std::string back_as, back_label;
    double back_s = -1;
  };
  struct ProfileSwitch {
    std::string card, label, from, to, from_label, to_label;
    double at_s = 0;
    std::vector<AppSeen> apps;
  };
  struct StreamChange {  // a move or a mute
    std::string app, binary, what, source;
    double stream = 0;
    double at_s = 0;
  };
  struct Silence {
    std::string source, apps;
    double start_s = 0;
    double length_s = -1;
    bool still_silent = false;
    bool ended_with_watch = false;
    std::vector<std::string> before;  // described events around its start, the nearest kept
    std::string muted_before;         // "6.1 s": the source itself was muted just before ("" not)
  };

  void note_volume(const WatchEvent& event, const SystemSnapshot& after);
  void note_removal(const WatchEvent& event, const SystemSnapshot& before);
  void note_added(const WatchEvent& event, const SystemSnapshot& after);
  void note_profile(const WatchEvent& event, const SystemSnapshot& before);
  void note_stream(const WatchEvent& event);
  void note_silence(const WatchEvent& event);
  void remember_recent(const WatchEvent& event);

  std::map<std::string, VolumeWatch> volumes_;
  std::vector<Removal> removals_;
  std::vector<ProfileSwitch> profile_switches_;
  std::vector<StreamChange> moves_;
  std::vector<StreamChange> mutes_;
  std::vector<Silence> silences_;
  std::size_t not_kept_ = 0;
  std::deque<WatchEvent> recent_;  // non-signal events of the last seconds
  std::map<std::string, MeterTotals> meter_totals_;
  std::int64_t start_unix_ms_ = 0;
  bool finishing_ = false;
};

}  // namespace micdoctor::watch
