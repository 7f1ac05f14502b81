#include "report/watch_html.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <map>
#include <optional>
#include <string_view>

#include "model/number_text.hpp"
#include "report/html_report.hpp"

namespace micdoctor {
namespace {

// Added to the shared report style: the chart's marks and the event table.
constexpr const char* kWatchStyle = R"(
.verdict p{margin:0}
.finding{overflow-wrap:anywhere}
.finding .title{margin:0}
.finding details{margin:.3rem 0}.finding summary{cursor:pointer;color:#1565c0}
.finding summary:focus-visible{outline:2px solid #1565c0;outline-offset:2px}
.finding ol{margin:.2rem 0;padding-left:1.4rem}
path.rms{fill:none;stroke:#1565c0;stroke-width:1.5}path.peak{fill:none;stroke:#90caf9;stroke-width:1}
rect.plot-area{fill:none;stroke:#e0e0e0}
rect.silence{fill:#757575;fill-opacity:.22}rect.clipping{fill:#c62828;fill-opacity:.3}
.marker line{stroke-width:1.2}.marker text{font-size:12px}
.marker.app line{stroke:#2e7d32}.marker.app text{fill:#1b5e20}
.marker.source line{stroke:#6a1b9a}.marker.source text{fill:#4a148c}
.marker.device line{stroke:#ef6c00}.marker.device text{fill:#a04000}
.marker.signal line{stroke:#c62828}.marker.signal text{fill:#b71c1c}
.marker.other line{stroke:#616161}.marker.other text{fill:#424242}
.legend span{white-space:nowrap;margin-right:.8rem}
.swatch{display:inline-block;width:.9rem;height:.6rem;margin-right:.3rem;vertical-align:middle}
.swatch.rms{background:#1565c0}.swatch.peak{background:#90caf9}
.swatch.silence{background:#bdbdbd}.swatch.clipping{background:#e8a0a0}
table.events td.time{white-space:nowrap}
@media (max-width:40rem){svg.watch-level .marker text{display:none}svg.watch-level .marker line{stroke-width:3}
svg.watch-level>text{font-size:22px}}
.clock{color:#666;font-size:.8rem}
)";

std::string esc(const std::string& text) { return escape_html(text); }

// --- words and times ---------------------------------------------------------

// "0:07", "12:30", "1:02:03": the elapsed time as a person reads it.
std::string clock_text(double seconds) {
  const auto whole = static_cast<std::int64_t>(std::max(0.0, std::floor(seconds)));
  const std::int64_t h = whole / 3600;
  const std::int64_t m = (whole / 60) % 60;
  const std::int64_t s = whole % 60;
  const auto two = [](std::int64_t v) { return (v < 10 ? "0" : "") + std::to_string(v); };
  return h > 0 ? std::to_string(h) + ":" + two(m) + ":" + two(s) : std::to_string(m) + ":" + two(s);
}

// "5 min 3 s", "40 s", "1 h 2 min".
std::string duration_words(double seconds) {
  const auto whole = static_cast<std::int64_t>(std::max(0.0, std::round(seconds)));
  if (whole < 60) return std::to_string(whole) + " s";
  if (whole < 3600) return std::to_string(whole / 60) + " min " + std::to_string(whole % 60) + " s";
  return std::to_string(whole / 3600) + " h " + std::to_string((whole / 60) % 60) + " min";
}

// "2026-12-03 21:55:01 UTC" (date) and "21:55:01" (time of day), from Unix
// milliseconds: the events' own "time" (ISO 8601), cut to what a page shows.
std::string utc_text(std::int64_t unix_ms, bool with_date) {
  const std::string iso = event_time_text(unix_ms);  // "2026-12-03T21:55:01.234Z"
  const std::string time = iso.substr(11, 8);
  return with_date ? iso.substr(0, 10) + " " + time + " UTC" : time;
}

// The few words on a marker; the marker's title and the table say it in full.
std::string short_label(const WatchEvent& e) {
  const std::string to = e.to.substr(0, 8);
  switch (e.kind) {
    case EventKind::watch_started: return "start";
    case EventKind::watch_ended: return "end";
    case EventKind::app_started: return "app starts";
    case EventKind::app_stopped: return "app stops";
    case EventKind::app_moved: return "app moved";
    case EventKind::app_mute: return e.to == "muted" ? "app muted" : "app unmuted";
    case EventKind::app_volume: return "app " + to;
    case EventKind::source_volume: return "vol " + to;
    case EventKind::source_mute: return e.to == "muted" ? "mic muted" : "mic unmuted";
    case EventKind::source_port: return "port";
    case EventKind::default_changed: return "default";
    case EventKind::device_added: return "mic added";
    case EventKind::device_removed: return "mic removed";
    case EventKind::card_added: return "card added";
    case EventKind::card_removed: return "card removed";
    case EventKind::card_profile: return "profile";
    case EventKind::meter_started: return "meter on";
    case EventKind::meter_stopped: return "meter off";
    case EventKind::signal_level: return "level";
    case EventKind::signal_silence_started: return "silence";
    case EventKind::signal_silence_ended: return "sound back";
    case EventKind::signal_clipping: return "clipping";
    case EventKind::signal_swing: return "swing";
    case EventKind::server_lost: return "server lost";
  }
  return "event";
}

// The colour family of a marker (CSS class).
const char* marker_family(EventKind kind) {
  switch (kind) {
    case EventKind::app_started:
    case EventKind::app_stopped:
    case EventKind::app_moved:
    case EventKind::app_mute:
    case EventKind::app_volume: return "app";
    case EventKind::source_volume:
    case EventKind::source_mute:
    case EventKind::source_port:
    case EventKind::default_changed: return "source";
    case EventKind::device_added:
    case EventKind::device_removed:
    case EventKind::card_added:
    case EventKind::card_removed:
    case EventKind::card_profile: return "device";
    case EventKind::signal_silence_started:
    case EventKind::signal_silence_ended:
    case EventKind::signal_clipping:
    case EventKind::signal_swing:
    case EventKind::server_lost: return "signal";
    default: return "other";
  }
}

// The chart's ends need no marker, and the level lines are the chart itself.
bool marked_on_chart(EventKind kind) {
  return kind != EventKind::watch_started && kind != EventKind::watch_ended && kind != EventKind::signal_level;
}

// --- the chart's geometry ----------------------------------------------------

constexpr double kWidth = 1000;
constexpr double kLeft = 70;        // room for the dB labels (larger on a phone)
constexpr double kRight = 12;
constexpr double kLaneHeight = 16;  // one row of marker labels
constexpr int kMaxLanes = 10;       // rows of labels at most; further markers are unlabelled
constexpr double kPlotHeight = 200;
constexpr double kAxisHeight = 22;
constexpr double kFloorDb = -90;
constexpr double kLabelCharWidth = 7.0;  // 12 px sans-serif, generous
constexpr std::size_t kMaxChartPoints = 1000;

struct Geometry {
  double duration_s = 1;
  double plot_top = 0;
  double plot_bottom = 0;
  double height = 0;

  double x(double elapsed_s) const {
    const double fraction = std::isfinite(elapsed_s) ? std::clamp(elapsed_s / duration_s, 0.0, 1.0) : 0.0;
    return kLeft + fraction * (kWidth - kLeft - kRight);
  }
  double y(double dbfs) const {
    const double level = std::isfinite(dbfs) ? std::clamp(dbfs, kFloorDb, 0.0) : kFloorDb;
    return plot_top + (level / kFloorDb) * (plot_bottom - plot_top);
  }
};

std::string num(double v) { return decimal(v, 1); }

// Seconds for the data- hooks: a time that is not a number reads as 0.
std::string seconds_text(double s) { return decimal(std::isfinite(s) ? s : 0.0, 3); }

// The level thinned to at most kMaxChartPoints: neighbours merged by power
// (RMS) and by maximum (peak), so a short loud moment is not lost.
std::vector<LevelPoint> thinned(const std::vector<LevelPoint>& levels) {
  if (levels.size() <= kMaxChartPoints) return levels;
  std::vector<LevelPoint> out;
  out.reserve(kMaxChartPoints);
  const std::size_t n = levels.size();
  for (std::size_t bucket = 0; bucket < kMaxChartPoints; ++bucket) {
    const std::size_t begin = bucket * n / kMaxChartPoints;
    const std::size_t end = (bucket + 1) * n / kMaxChartPoints;
    if (begin >= end) continue;
    double power = 0;
    float peak = -120;
    for (std::size_t i = begin; i < end; ++i) {
      power += std::pow(10.0, levels[i].rms_dbfs / 10.0);
      peak = std::max(peak, levels[i].peak_dbfs);
    }
    const double mean = power / static_cast<double>(end - begin);
    LevelPoint p;
    p.elapsed_s = levels[begin].elapsed_s;
    p.rms_dbfs = mean > 0 ? static_cast<float>(10.0 * std::log10(mean)) : -120.0f;
    p.peak_dbfs = peak;
    out.push_back(p);
  }
  return out;
}

// One path per line, broken where the meter was off (a gap well beyond the usual spacing).
std::string level_path(const std::vector<LevelPoint>& points, const Geometry& g, bool peak) {
  std::vector<double> steps;
  for (std::size_t i = 1; i < points.size(); ++i) steps.push_back(points[i].elapsed_s - points[i - 1].elapsed_s);
  double usual = 1.0;
  if (!steps.empty()) {
    std::nth_element(steps.begin(), steps.begin() + static_cast<std::ptrdiff_t>(steps.size() / 2), steps.end());
    usual = steps[steps.size() / 2];
  }
  std::string d;
  for (std::size_t i = 0; i < points.size(); ++i) {
    const bool broken = i == 0 || points[i].elapsed_s - points[i - 1].elapsed_s > 3 * usual + 0.5;
    d += broken ? 'M' : 'L';
    d += num(g.x(points[i].elapsed_s));
    d += ' ';
    d += num(g.y(peak ? points[i].peak_dbfs : points[i].rms_dbfs));
  }
  return d;
}

struct Span {
  double start_s;
  double end_s;
};

double seconds_detail(const WatchEvent& e) {
  const std::optional<double> seconds = e.number("seconds");
  return seconds && std::isfinite(*seconds) ? std::max(0.0, *seconds) : 0.0;
}

// Silences from their start and end events, per source; one still open at the
// end runs to the end, one whose start was not kept starts `seconds` before its end.
std::vector<Span> silence_spans(const std::vector<WatchEvent>& events, double duration_s) {
  std::vector<Span> spans;
  std::map<std::string, double> open;
  for (const WatchEvent& e : events) {
    if (e.kind == EventKind::signal_silence_started) {
      open.emplace(e.subject, e.elapsed_s);
    } else if (e.kind == EventKind::signal_silence_ended) {
      const auto it = open.find(e.subject);
      if (it != open.end()) {
        spans.push_back({it->second, e.elapsed_s});
        open.erase(it);
      } else {
        spans.push_back({e.elapsed_s - seconds_detail(e), e.elapsed_s});
      }
    }
  }
  for (const auto& [subject, start] : open) spans.push_back({start, duration_s});
  return spans;
}

// A clipping burst is reported when it ends: it covers the `seconds` before its event.
std::vector<Span> clipping_spans(const std::vector<WatchEvent>& events) {
  std::vector<Span> spans;
  for (const WatchEvent& e : events) {
    if (e.kind == EventKind::signal_clipping) spans.push_back({e.elapsed_s - seconds_detail(e), e.elapsed_s});
  }
  return spans;
}

std::string shaded(const std::vector<Span>& spans, const char* css, const char* what, const Geometry& g) {
  std::string out;
  for (const Span& s : spans) {
    const double x0 = g.x(s.start_s);
    const double x1 = g.x(s.end_s);
    out += "<rect class=\"" + std::string(css) + "\" data-start=\"" + seconds_text(s.start_s) + "\" data-end=\"" +
           seconds_text(s.end_s) + "\" x=\"" + num(x0) + "\" y=\"" + num(g.plot_top) + "\" width=\"" +
           num(std::max(2.0, x1 - x0)) + "\" height=\"" + num(g.plot_bottom - g.plot_top) + "\"><title>" + what +
           " from " + clock_text(s.start_s) + " to " + clock_text(s.end_s) + "</title></rect>";
  }
  return out;
}

// Ticks every 1, 2, 5, 10, 15, 30 s, 1, 2, 5, 10, 15, 30 min or hours: at most six.
double tick_step(double duration_s) {
  for (const double step : {1.0, 2.0, 5.0, 10.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 900.0, 1800.0, 3600.0}) {
    if (duration_s / step <= 6) return step;
  }
  return 3600.0 * std::ceil(duration_s / 3600.0 / 6);
}

struct PlacedMarker {
  const WatchEvent* event;
  double x;
  int lane;  // -1: no room for a label
  std::string label;
};

// Labels placed in rows so that none overlaps another: each takes the first
// row where the previous label has ended before it starts.
std::vector<PlacedMarker> place_markers(const std::vector<WatchEvent>& events, const Geometry& g, int& lanes_used) {
  std::vector<PlacedMarker> placed;
  std::vector<double> lane_end;
  for (const WatchEvent& e : events) {
    if (!marked_on_chart(e.kind)) continue;
    PlacedMarker m{&e, g.x(e.elapsed_s), -1, short_label(e)};
    const double width = static_cast<double>(m.label.size()) * kLabelCharWidth + 6;
    // A label that would run past the right edge is drawn leftwards from its line.
    const bool leftwards = m.x + width > kWidth;
    const double start = leftwards ? m.x - width : m.x;
    const double end = leftwards ? m.x : m.x + width;
    for (std::size_t lane = 0; lane < lane_end.size(); ++lane) {
      if (lane_end[lane] <= start) {
        m.lane = static_cast<int>(lane);
        lane_end[lane] = end;
        break;
      }
    }
    if (m.lane < 0 && lane_end.size() < static_cast<std::size_t>(kMaxLanes)) {
      m.lane = static_cast<int>(lane_end.size());
      lane_end.push_back(end);
    }
    placed.push_back(std::move(m));
  }
  lanes_used = static_cast<int>(lane_end.size());
  return placed;
}

std::string marker_svg(const PlacedMarker& m, const Geometry& g) {
  const WatchEvent& e = *m.event;
  std::string out = "<g class=\"marker " + std::string(marker_family(e.kind)) + "\" data-kind=\"" +
                    esc(std::string(event_kind_id(e.kind))) + "\" data-elapsed=\"" + seconds_text(e.elapsed_s) +
                    "\"><title>" + esc(clock_text(e.elapsed_s) + " " + describe_event(e)) + "</title>";
  const double label_y = m.lane >= 0 ? 4 + kLaneHeight * (m.lane + 1) - 4 : g.plot_top;
  out += "<line x1=\"" + num(m.x) + "\" x2=\"" + num(m.x) + "\" y1=\"" + num(m.lane >= 0 ? label_y + 3 : g.plot_top) +
         "\" y2=\"" + num(g.plot_bottom) + "\"/>";
  if (m.lane >= 0) {
    const double width = static_cast<double>(m.label.size()) * kLabelCharWidth + 6;
    const bool leftwards = m.x + width > kWidth;
    out += "<text x=\"" + num(leftwards ? m.x - 2 : m.x + 2) + "\" y=\"" + num(label_y) + "\"" +
           (leftwards ? " text-anchor=\"end\"" : "") + ">" + esc(m.label) + "</text>";
  }
  return out + "</g>";
}

std::string source_words(const SystemSnapshot& state, const std::string& name) {
  const Source* s = state.find_source(name);
  return s != nullptr && !s->description.empty() ? s->description : name;
}

std::string chart_svg(const WatchTimeline& t, const SystemSnapshot& last_state, double duration_s, int& unlabelled) {
  Geometry g;
  g.duration_s = duration_s;
  int lanes = 0;
  place_markers(t.events, g, lanes);  // first pass: how many rows of labels
  g.plot_top = 8 + kLaneHeight * lanes;
  g.plot_bottom = g.plot_top + kPlotHeight;
  g.height = g.plot_bottom + kAxisHeight;
  const std::vector<PlacedMarker> markers = place_markers(t.events, g, lanes);
  unlabelled = static_cast<int>(std::count_if(markers.begin(), markers.end(), [](const PlacedMarker& m) { return m.lane < 0; }));

  const std::string microphone = t.metered_source.empty() ? std::string("the microphone")
                                                          : "\"" + source_words(last_state, t.metered_source) + "\"";
  std::string out = "<svg class=\"watch-level\" data-chart=\"level\" data-duration=\"" + decimal(duration_s, 3) +
                    "\" viewBox=\"0 0 " + num(kWidth) + " " + num(g.height) +
                    "\" role=\"img\" aria-labelledby=\"watch-chart-title\"><title id=\"watch-chart-title\">" +
                    esc("Level of " + microphone + " over " + duration_words(duration_s) + ", with " +
                        std::to_string(markers.size()) + " events marked; the table below lists every event") +
                    "</title>";
  out += "<rect class=\"plot-area\" x=\"" + num(kLeft) + "\" y=\"" + num(g.plot_top) + "\" width=\"" +
         num(kWidth - kLeft - kRight) + "\" height=\"" + num(kPlotHeight) + "\"/>";
  for (const double db : {0.0, -30.0, -60.0, -90.0}) {
    out += "<line class=\"grid\" x1=\"" + num(kLeft) + "\" x2=\"" + num(kWidth - kRight) + "\" y1=\"" + num(g.y(db)) +
           "\" y2=\"" + num(g.y(db)) + "\"/><text x=\"2\" y=\"" + num(g.y(db) + 4) + "\">" + decimal(db, 0) +
           " dB</text>";
  }
  const double step = tick_step(duration_s);
  for (double s = 0; s <= duration_s + 1e-9; s += step) {
    const bool last = s + step > duration_s + 1e-9 && s > 0;
    out += "<line class=\"grid\" x1=\"" + num(g.x(s)) + "\" x2=\"" + num(g.x(s)) + "\" y1=\"" + num(g.plot_top) +
           "\" y2=\"" + num(g.plot_bottom) + "\"/><text x=\"" + num(g.x(s)) + "\" y=\"" + num(g.height - 6) +
           "\" text-anchor=\"" + (last && g.x(s) > kWidth - 30 ? "end" : "middle") + "\">" + clock_text(s) + "</text>";
  }
  out += "<g class=\"spans\">" + shaded(silence_spans(t.events, duration_s), "silence", "Silent", g) +
         shaded(clipping_spans(t.events), "clipping", "Clipping", g) + "</g>";
  const std::vector<LevelPoint> points = thinned(t.levels);
  if (!points.empty()) {
    out += "<path class=\"peak\" d=\"" + level_path(points, g, true) + "\"/>";
    out += "<path class=\"rms\" d=\"" + level_path(points, g, false) + "\"/>";
  }
  out += "<g class=\"markers\">";
  for (const PlacedMarker& m : markers) out += marker_svg(m, g);
  return out + "</g></svg>";
}

// --- the sections -----------------------------------------------------------

std::string finding_item(const Finding& f) {
  std::string out = "<li class=\"finding " + std::string(to_string(f.severity)) + "\" data-id=\"" + esc(f.id) + "\">";
  out += "<p class=\"title\"><strong>" + esc(f.title) + "</strong></p>";
  out += "<details><summary>Details</summary>";
  if (!f.detail.empty()) out += "<p>" + esc(f.detail) + "</p>";
  out += "<p class=\"id\">" + esc(f.id) + (f.device.empty() ? "" : " · " + esc(f.device)) + "</p></details>";
  if (!f.advice.empty() || !f.manual_steps.empty()) {
    out += "<p><strong>What to do:</strong> " + esc(f.advice) + "</p>";
    if (!f.manual_steps.empty()) {
      out += "<ol>";
      for (const std::string& step : f.manual_steps) out += "<li>" + esc(step) + "</li>";
      out += "</ol>";
    }
  }
  return out + "</li>";
}

std::string findings_section(const std::vector<Finding>& findings) {
  const auto problems = std::count_if(findings.begin(), findings.end(), [](const Finding& f) { return is_problem(f); });
  const Severity worst = worst_severity(findings);
  std::string out = "<section id=\"findings\"><h2>What went wrong</h2><div class=\"verdict " +
                    std::string(to_string(worst)) + "\"><p>";
  out += problems == 0   ? "Nothing went wrong that micdoctor could see during the call."
         : problems == 1 ? "One thing went wrong during the call."
                         : std::to_string(problems) + " things went wrong during the call.";
  out += "</p></div>";
  if (!findings.empty()) {
    out += "<ul class=\"findings\">";
    for (const Finding& f : findings) out += finding_item(f);
    out += "</ul>";
  }
  return out + "</section>\n";
}

std::string events_section(const WatchTimeline& t) {
  std::string out = "<section id=\"events\"><h2>Everything that happened</h2>";
  if (t.events_dropped > 0) {
    out += "<p>The " + std::to_string(t.events_dropped) + " earliest events are not kept in this report; the newest " +
           std::to_string(t.events.size()) + " are.</p>";
  }
  out += "<table class=\"events\"><thead><tr><th scope=\"col\">Time</th><th scope=\"col\">What happened</th></tr>"
         "</thead><tbody>";
  for (const WatchEvent& e : t.events) {
    if (e.kind == EventKind::signal_level) continue;  // drawn as the chart's line
    out += "<tr data-kind=\"" + esc(std::string(event_kind_id(e.kind))) + "\" data-elapsed=\"" +
           seconds_text(e.elapsed_s) + "\"><td class=\"time\">" + clock_text(e.elapsed_s);
    if (e.unix_ms > 0) out += "<br><span class=\"clock\">" + utc_text(e.unix_ms, false) + " UTC</span>";
    out += "</td><td>" + esc(describe_event(e)) + "</td></tr>";
  }
  return out + "</tbody></table></section>\n";
}

}  // namespace

std::string watch_to_html(const WatchTimeline& timeline, const std::vector<Finding>& findings,
                          const SystemSnapshot& last_state) {
  // The chart spans the watch; events or levels past its stated end (a
  // timeline cut short) still fit.
  double duration_s = std::isfinite(timeline.duration_s) ? timeline.duration_s : 0.0;
  for (const WatchEvent& e : timeline.events) duration_s = std::max(duration_s, e.elapsed_s);
  for (const LevelPoint& p : timeline.levels) duration_s = std::max(duration_s, p.elapsed_s);
  duration_s = std::max(duration_s, 1.0);

  std::string out = html_page_start("During the call - micdoctor", kWatchStyle);
  out += "<h1>During the call</h1>\n<p class=\"subtitle\">Watched for " + duration_words(duration_s);
  if (timeline.started_unix_s > 0) {
    out += " from " + utc_text(static_cast<std::int64_t>(timeline.started_unix_s * 1000), true);
  }
  if (!timeline.metered_source.empty()) {
    out += " · microphone " + esc("\"" + source_words(last_state, timeline.metered_source) + "\"");
  }
  if (last_state.server.reachable && !last_state.server.name.empty()) {
    out += " · " + esc(last_state.server.name +
                       (last_state.server.version.empty() ? "" : " " + last_state.server.version));
  }
  out += "</p>\n";
  out += findings_section(findings);

  int unlabelled = 0;
  const std::string chart = chart_svg(timeline, last_state, duration_s, unlabelled);
  out += "<section id=\"call\"><h2>The call, drawn</h2><figure>" + chart + "<figcaption><p class=\"legend\">"
         "<span><span class=\"swatch rms\"></span>level (RMS)</span><span><span class=\"swatch peak\"></span>peak"
         "</span><span><span class=\"swatch silence\"></span>silence</span><span><span class=\"swatch clipping\">"
         "</span>clipping</span></p><p>How loud the microphone was, second by second: a voice sits around -26 dB, "
         "silence near the bottom. Each line marks an event at the moment it happened (hover for the full "
         "sentence; on a narrow screen the lines are not labelled); the table below says each in words.";
  if (timeline.levels.empty()) out += " The level was not measured (no microphone was metered).";
  if (unlabelled > 0) out += " " + std::to_string(unlabelled) + " markers are too close together to be labelled.";
  out += "</p></figcaption></figure></section>\n";
  out += events_section(timeline);
  return out + html_page_end();
}

}  // namespace micdoctor
