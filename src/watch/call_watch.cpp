#include "watch/call_watch.hpp"

#include <algorithm>
#include <cmath>
#include <deque>
#include <iterator>
#include <map>
#include <optional>
#include <utility>

#include "watch/call_findings.hpp"
#include "watch/signal_meter.hpp"
#include "watch/state_changes.hpp"

namespace micdoctor {

using watch::CallRecord;
using watch::LevelHistory;
using watch::SignalMeter;

struct CallWatch::Impl {
  Impl(CallWatchOptions o, std::int64_t start) : options(std::move(o)), start_unix_ms(start), record(start) {
    timeline.started_unix_s = static_cast<double>(start) / 1000.0;
  }

  CallWatchOptions options;
  std::int64_t start_unix_ms;
  bool have_state = false;
  SystemSnapshot state;
  CallRecord record;
  mutable WatchTimeline timeline;
  LevelHistory history{timeline.levels};
  std::optional<SignalMeter> meter;
  std::string metered;         // the source the meter records ("" none)
  std::string recording_apps;  // the apps recording it, in words ("" none)
  std::vector<WatchEvent> pending;
  std::deque<WatchEvent> kept;
  mutable bool timeline_stale = false;
  bool finished = false;

  void refresh_recording_apps() {
    recording_apps.clear();
    for (const Stream* s : watch::recorders_of(state, metered)) {
      if (!recording_apps.empty()) recording_apps += ", ";
      recording_apps += watch::app_label(*s);
    }
  }

  // Dates the event, lets the summary see it and queues it in time order
  // (a silence is dated at its first silent block, announced 2 s later).
  void emit(WatchEvent e, const SystemSnapshot& before, const SystemSnapshot& after) {
    if (!std::isfinite(e.elapsed_s)) e.elapsed_s = 0;
    e.unix_ms = start_unix_ms + std::llround(e.elapsed_s * 1000.0);
    timeline.duration_s = std::max(timeline.duration_s, e.elapsed_s);
    record.observe(e, before, after);
    if (e.kind != EventKind::signal_level) {
      auto at = kept.end();
      while (at != kept.begin() && std::prev(at)->elapsed_s > e.elapsed_s) --at;
      kept.insert(at, e);
      if (kept.size() > kMaxKeptEvents) {
        kept.pop_front();
        ++timeline.events_dropped;
      }
      timeline_stale = true;
    }
    auto at = pending.end();
    while (at != pending.begin() && std::prev(at)->elapsed_s > e.elapsed_s) --at;
    pending.insert(at, std::move(e));
  }

  void emit_all(std::vector<WatchEvent>& events, const SystemSnapshot& before, const SystemSnapshot& after) {
    for (WatchEvent& e : events) emit(std::move(e), before, after);
    events.clear();
  }

  void stop_meter(const std::string& why) {
    if (!meter) return;
    std::vector<WatchEvent> out;
    meter->stop(out);
    WatchEvent stopped;
    stopped.kind = EventKind::meter_stopped;
    stopped.elapsed_s = meter->now_s();
    stopped.subject = metered;
    const std::string label = watch::source_description(state, metered);
    if (label != metered) stopped.add("label", label);
    stopped.add("why", why);
    out.push_back(std::move(stopped));
    emit_all(out, state, state);
    meter.reset();
  }
};

CallWatch::CallWatch(CallWatchOptions options, std::int64_t start_unix_ms)
    : impl_(std::make_unique<Impl>(std::move(options), start_unix_ms)) {}

CallWatch::~CallWatch() = default;

void CallWatch::on_state(double elapsed_s, const SystemSnapshot& incoming) {
  Impl& m = *impl_;
  SystemSnapshot next = incoming;
  if (!m.have_state) {
    m.state = std::move(next);
    m.have_state = true;
    WatchEvent started;
    started.kind = EventKind::watch_started;
    started.elapsed_s = elapsed_s;
    started.subject = source_to_meter();
    const std::string label = watch::source_description(m.state, started.subject);
    if (!started.subject.empty() && label != started.subject) started.add("label", label);
    if (!m.state.server.name.empty()) started.add("server", m.state.server.name);
    if (!m.state.server.version.empty()) started.add("version", m.state.server.version);
    m.emit(std::move(started), m.state, m.state);
    std::vector<WatchEvent> apps = watch::initial_events(m.state, elapsed_s);
    m.emit_all(apps, m.state, m.state);
    m.refresh_recording_apps();
    return;
  }
  // A stream the server is moving has no source for a moment: it still
  // records from the last one known (so a move is one move, not two).
  for (Stream& s : next.streams) {
    if (!s.source.empty()) continue;
    for (const Stream& was : m.state.streams) {
      if (was.index == s.index) s.source = was.source;
    }
  }
  std::vector<WatchEvent> changes = watch::state_changes(m.state, next, elapsed_s);
  for (WatchEvent& e : changes) m.emit(std::move(e), m.state, next);
  m.state = std::move(next);
  m.refresh_recording_apps();
}

std::string CallWatch::source_to_meter() const {
  const Impl& m = *impl_;
  if (!m.options.device.empty()) return m.options.device;
  const std::string& name = m.state.server.default_source;
  if (name.empty() || m.state.find_source(name) == nullptr) return {};
  return name;
}

void CallWatch::on_meter_start(double elapsed_s, const std::string& source, const CaptureFormat& format) {
  Impl& m = *impl_;
  if (m.meter) m.stop_meter("the meter moved to " + source);
  m.metered = source;
  m.timeline.metered_source = source;
  m.timeline_stale = true;
  std::string label = watch::source_description(m.state, source);
  if (label == source) label.clear();
  m.meter.emplace(source, label, format, elapsed_s, m.options.level_every_s, m.history,
                  m.record.meter_totals()[source]);
  WatchEvent started;
  started.kind = EventKind::meter_started;
  started.elapsed_s = elapsed_s;
  started.subject = source;
  if (!label.empty()) started.add("label", label);
  started.add("sample_rate", static_cast<double>(format.sample_rate));
  started.add("channels", static_cast<double>(format.channels));
  m.emit(std::move(started), m.state, m.state);
  m.refresh_recording_apps();
}

void CallWatch::on_audio(std::span<const float> interleaved) {
  Impl& m = *impl_;
  if (!m.meter) return;
  std::vector<WatchEvent> out;
  m.meter->feed(interleaved, m.recording_apps, out);
  if (!out.empty()) m.emit_all(out, m.state, m.state);
}

void CallWatch::on_audio_stalled(double elapsed_s) {
  Impl& m = *impl_;
  if (!m.meter) return;
  std::vector<WatchEvent> out;
  m.meter->feed_silence_until(elapsed_s, m.recording_apps, out);
  if (!out.empty()) m.emit_all(out, m.state, m.state);
}

void CallWatch::on_meter_stop(double /*elapsed_s*/, const std::string& source, const std::string& reason) {
  Impl& m = *impl_;
  if (!m.meter || (!source.empty() && source != m.metered)) return;
  m.stop_meter(reason);
  m.metered.clear();
  m.recording_apps.clear();
}

void CallWatch::on_server_lost(double elapsed_s, const std::string& error) {
  Impl& m = *impl_;
  WatchEvent lost;
  lost.kind = EventKind::server_lost;
  lost.elapsed_s = elapsed_s;
  lost.subject = m.state.server.name;
  lost.add("error", error);
  m.emit(std::move(lost), m.state, m.state);
}

void CallWatch::finish(double elapsed_s, const std::string& why) {
  Impl& m = *impl_;
  if (m.finished) return;
  m.finished = true;
  m.record.set_finishing();
  m.stop_meter("the watch ended");
  WatchEvent ended;
  ended.kind = EventKind::watch_ended;
  ended.elapsed_s = elapsed_s;
  ended.add("why", why);
  ended.add("duration_s", std::round(elapsed_s * 1000.0) / 1000.0);
  m.emit(std::move(ended), m.state, m.state);
  m.timeline.duration_s = elapsed_s;
}

std::vector<WatchEvent> CallWatch::take_events() {
  std::vector<WatchEvent> out;
  out.swap(impl_->pending);
  return out;
}

std::vector<Finding> CallWatch::findings() const { return impl_->record.findings(impl_->state); }

const WatchTimeline& CallWatch::timeline() const {
  const Impl& m = *impl_;
  if (m.timeline_stale) {
    m.timeline.events.assign(m.kept.begin(), m.kept.end());
    m.timeline_stale = false;
  }
  return m.timeline;
}

const SystemSnapshot& CallWatch::last_state() const { return impl_->state; }

}  // namespace micdoctor
