// The watch page (src/report/watch_html.cpp) from timelines built by hand:
// its structure and hooks, the escaping of every name, where the markers
// and shaded spans sit on the chart, labels of events of the same second in
// rows of their own, and the level thinned without losing a loud moment.
// The browser test (tests/report/test_watch_html.py) checks the rendered page.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "checks/check_catalog.hpp"
#include "report/html_report.hpp"
#include "report/watch_html.hpp"

namespace micdoctor::test {
namespace {

WatchEvent event(double elapsed_s, EventKind kind, std::string subject, std::string from = {}, std::string to = {}) {
  WatchEvent e;
  e.elapsed_s = elapsed_s;
  e.unix_ms = 1'796'334'901'000 + static_cast<std::int64_t>(elapsed_s * 1000);
  e.kind = kind;
  e.subject = std::move(subject);
  e.from = std::move(from);
  e.to = std::move(to);
  return e;
}

WatchEvent with_seconds(WatchEvent e, double seconds) {
  e.details.push_back({"seconds", {}, seconds});
  return e;
}

// A five-minute call: an app records, the volume is pulled about, the
// microphone goes silent and clips.
WatchTimeline call_timeline() {
  WatchTimeline t;
  t.started_unix_s = 1'796'334'901;
  t.duration_s = 300;
  t.metered_source = "usbmic";
  for (int i = 0; i <= 300; ++i) t.levels.push_back({static_cast<double>(i), -30.0f, -12.0f});
  t.events = {event(0, EventKind::watch_started, "usbmic"),
              event(5, EventKind::app_started, "Zoom", "", "usbmic"),
              event(60, EventKind::source_volume, "usbmic", "100 %", "35 %"),
              event(90, EventKind::signal_silence_started, "usbmic"),
              with_seconds(event(102, EventKind::signal_silence_ended, "usbmic"), 12),
              with_seconds(event(150, EventKind::signal_clipping, "usbmic"), 2),
              event(240, EventKind::device_removed, "usbmic"),
              event(300, EventKind::watch_ended, "")};
  return t;
}

SystemSnapshot state_with(const std::string& source, const std::string& description) {
  SystemSnapshot s;
  s.server.reachable = true;
  s.server.name = "pulseaudio";
  s.server.version = "16.1";
  Source mic;
  mic.name = source;
  mic.description = description;
  s.sources.push_back(mic);
  return s;
}

std::vector<Finding> call_findings() {
  Finding agc = make_check_finding(CheckId::app_agc_fighting, Severity::warning, "Zoom keeps changing your microphone's volume",
                                   "The volume of USB Mic changed 9 times between 0:40 and 1:30.", "usbmic");
  agc.advice = "Turn off Zoom's automatic volume.";
  agc.manual_steps = {"In Zoom: Settings, Audio, untick \"Automatically adjust microphone volume\"."};
  Finding silent = make_check_finding(CheckId::signal_went_silent, Severity::error, "Your microphone went silent",
                                      "From 1:30 for 12 s.", "usbmic");
  return {agc, silent};
}

std::string attribute(const std::string& element, const std::string& name) {
  std::smatch m;
  const std::regex re(" " + name + "=\"([^\"]*)\"");
  return std::regex_search(element, m, re) ? m[1].str() : std::string();
}

double number_attribute(const std::string& element, const std::string& name) {
  const std::string v = attribute(element, name);
  EXPECT_FALSE(v.empty()) << name << " in " << element;
  return v.empty() ? NAN : std::stod(v);
}

std::vector<std::string> all(const std::string& html, const std::string& pattern) {
  std::vector<std::string> out;
  const std::regex re(pattern);
  for (auto it = std::sregex_iterator(html.begin(), html.end(), re); it != std::sregex_iterator(); ++it) {
    out.push_back(it->str());
  }
  return out;
}

// The d attribute of <path class="CLASS" d="...">, found without a regex:
// libstdc++'s regex recurses once per character, and a long path overflows
// the stack under AddressSanitizer.
std::string path_data(const std::string& html, const std::string& css_class) {
  const std::string start = "<path class=\"" + css_class + "\" d=\"";
  const std::size_t at = html.find(start);
  if (at == std::string::npos) return {};
  const std::size_t from = at + start.size();
  const std::size_t end = html.find('"', from);
  return end == std::string::npos ? std::string() : html.substr(from, end - from);
}

struct Marker {
  std::string kind;
  double elapsed;
  double x;
  std::string title;
  std::optional<double> label_y;
  std::string label;
};

std::vector<Marker> markers(const std::string& html) {
  std::vector<Marker> out;
  for (const std::string& g : all(html, "<g class=\"marker [^\"]*\"[^>]*>.*?</g>")) {
    Marker m;
    m.kind = attribute(g, "data-kind");
    m.elapsed = number_attribute(g, "data-elapsed");
    const std::string line = all(g, "<line [^>]*>").at(0);
    m.x = number_attribute(line, "x1");
    EXPECT_EQ(m.x, number_attribute(line, "x2"));
    std::smatch title;
    if (std::regex_search(g, title, std::regex("<title>(.*?)</title>"))) m.title = title[1].str();
    std::smatch text;
    if (std::regex_search(g, text, std::regex("<text ([^>]*)>(.*?)</text>"))) {
      m.label_y = number_attribute(text[0].str(), "y");
      m.label = text[2].str();
    }
    out.push_back(m);
  }
  return out;
}

// The plot area's left edge is 0 s and its right edge the duration.
struct PlotArea {
  double x0;
  double width;
  double duration;
};

PlotArea plot_area(const std::string& html) {
  const std::string rect = all(html, "<rect class=\"plot-area\"[^>]*>").at(0);
  const std::string svg = all(html, "<svg [^>]*data-chart=\"level\"[^>]*>").at(0);
  return {number_attribute(rect, "x"), number_attribute(rect, "width"), number_attribute(svg, "data-duration")};
}

double expected_x(const PlotArea& p, double elapsed) { return p.x0 + elapsed / p.duration * p.width; }

TEST(WatchHtml, FindingsComeFirstWithDetailsOnDemandThenTheChartThenTheEvents) {
  const std::string html = watch_to_html(call_timeline(), call_findings(), state_with("usbmic", "USB Mic"));
  EXPECT_NE(html.find("http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(all(html, "<h1>").size(), 1u);
  const auto findings_at = html.find("<section id=\"findings\"");
  const auto chart_at = html.find("data-chart=\"level\"");
  const auto events_at = html.find("<table class=\"events\"");
  ASSERT_NE(findings_at, std::string::npos);
  ASSERT_NE(chart_at, std::string::npos);
  ASSERT_NE(events_at, std::string::npos);
  EXPECT_LT(findings_at, chart_at);
  EXPECT_LT(chart_at, events_at);

  const std::vector<std::string> items = all(html, "<li class=\"finding [a-z]+\" data-id=\"[^\"]*\">");
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(attribute(items[0], "data-id"), "app.agc_fighting");
  EXPECT_EQ(attribute(items[1], "data-id"), "signal.went_silent");
  EXPECT_NE(items[1].find("finding error"), std::string::npos);
  // Plain words first, the evidence inside <details>, then what to do.
  const auto title_at = html.find("Zoom keeps changing your microphone&#39;s volume");
  const auto details_at = html.find("<details><summary>Details</summary><p>The volume of USB Mic changed 9 times");
  const auto todo_at = html.find("<strong>What to do:</strong> Turn off Zoom&#39;s automatic volume.");
  ASSERT_NE(title_at, std::string::npos);
  ASSERT_NE(details_at, std::string::npos);
  ASSERT_NE(todo_at, std::string::npos);
  EXPECT_LT(title_at, details_at);
  EXPECT_LT(details_at, todo_at);
  EXPECT_NE(html.find("<li>In Zoom: Settings, Audio, untick &quot;Automatically adjust microphone volume&quot;.</li>"),
            std::string::npos);
  EXPECT_NE(html.find("2 things went wrong during the call."), std::string::npos);
  // The microphone's description and the start in UTC.
  EXPECT_NE(html.find("microphone &quot;USB Mic&quot;"), std::string::npos);
  EXPECT_NE(html.find("Watched for 5 min 0 s from 2026-12-03 "), std::string::npos);
}

TEST(WatchHtml, EveryEventIsATableRowInOrderAndMarkedOnTheChartWhereItsTimeSays) {
  const WatchTimeline t = call_timeline();
  const std::string html = watch_to_html(t, {}, state_with("usbmic", "USB Mic"));
  const std::vector<std::string> rows = all(html, "<tr data-kind=[^>]*>.*?</tr>");
  ASSERT_EQ(rows.size(), t.events.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(attribute(rows[i], "data-kind"), event_kind_id(t.events[i].kind));
    EXPECT_DOUBLE_EQ(number_attribute(rows[i], "data-elapsed"), t.events[i].elapsed_s);
    EXPECT_NE(rows[i].find("<td>" + escape_html(describe_event(t.events[i])) + "</td>"), std::string::npos) << rows[i];
  }
  const PlotArea plot = plot_area(html);
  EXPECT_DOUBLE_EQ(plot.duration, 300.0);
  const std::vector<Marker> ms = markers(html);
  // The chart's two ends need no marker: everything in between has one.
  ASSERT_EQ(ms.size(), t.events.size() - 2);
  for (std::size_t i = 0; i < ms.size(); ++i) {
    const WatchEvent& e = t.events[i + 1];
    EXPECT_EQ(ms[i].kind, event_kind_id(e.kind));
    EXPECT_DOUBLE_EQ(ms[i].elapsed, e.elapsed_s);
    EXPECT_NEAR(ms[i].x, expected_x(plot, e.elapsed_s), 0.06) << ms[i].kind;
    EXPECT_NE(ms[i].title.find(escape_html(describe_event(e))), std::string::npos) << ms[i].title;
    EXPECT_TRUE(ms[i].label_y.has_value());
  }
  EXPECT_EQ(ms[1].label, "vol 35 %");
}

TEST(WatchHtml, SilencesAndClippingBurstsAreShadedOverTheirSpans) {
  WatchTimeline t = call_timeline();
  // A second silence still going on when the watch ended.
  t.events.insert(t.events.end() - 1, event(280, EventKind::signal_silence_started, "usbmic"));
  const std::string html = watch_to_html(t, {}, SystemSnapshot{});
  const PlotArea plot = plot_area(html);
  const std::vector<std::string> silences = all(html, "<rect class=\"silence\"[^>]*>");
  ASSERT_EQ(silences.size(), 2u);
  const std::vector<std::pair<double, double>> expected_silences = {{90, 102}, {280, 300}};
  for (std::size_t i = 0; i < silences.size(); ++i) {
    EXPECT_NEAR(number_attribute(silences[i], "x"), expected_x(plot, expected_silences[i].first), 0.06);
    EXPECT_NEAR(number_attribute(silences[i], "x") + number_attribute(silences[i], "width"),
                expected_x(plot, expected_silences[i].second), 0.11);
  }
  // The burst is reported when it ends and lasted 2 s.
  const std::vector<std::string> clips = all(html, "<rect class=\"clipping\"[^>]*>");
  ASSERT_EQ(clips.size(), 1u);
  EXPECT_NEAR(number_attribute(clips[0], "x"), expected_x(plot, 148), 0.06);
  EXPECT_NEAR(number_attribute(clips[0], "x") + number_attribute(clips[0], "width"), expected_x(plot, 150), 0.11);
}

TEST(WatchHtml, EventsOfTheSameSecondGetLabelRowsOfTheirOwn) {
  WatchTimeline t = call_timeline();
  const std::vector<WatchEvent> burst = {
      event(120.0, EventKind::source_volume, "usbmic", "35 %", "80 %"), event(120.1, EventKind::source_mute, "usbmic", "unmuted", "muted"),
      event(120.2, EventKind::app_moved, "Zoom", "usbmic", "builtin"), event(120.3, EventKind::default_changed, "default input", "usbmic", "builtin"),
      event(120.4, EventKind::card_profile, "bluez_card", "a2dp-sink", "headset-head-unit"),
      event(120.5, EventKind::app_mute, "Zoom", "unmuted", "muted")};
  t.events.insert(t.events.begin() + 5, burst.begin(), burst.end());
  const std::string html = watch_to_html(t, {}, SystemSnapshot{});
  std::set<double> rows;
  int same_second = 0;
  for (const Marker& m : markers(html)) {
    if (m.elapsed < 120 || m.elapsed >= 121) continue;
    ++same_second;
    ASSERT_TRUE(m.label_y.has_value()) << m.kind;
    EXPECT_FALSE(m.label.empty());
    rows.insert(*m.label_y);
  }
  EXPECT_EQ(same_second, 6);
  EXPECT_EQ(rows.size(), 6u) << "labels of the same second overlap";
  // The chart grows downwards to make room: the plot starts below every label.
  const std::string rect = all(html, "<rect class=\"plot-area\"[^>]*>").at(0);
  EXPECT_GT(number_attribute(rect, "y"), *rows.rbegin());
}

TEST(WatchHtml, MarkersBeyondTenRowsOfLabelsAreCountedInTheCaption) {
  WatchTimeline t;
  t.duration_s = 60;
  for (int i = 0; i < 14; ++i) t.events.push_back(event(30 + i * 0.05, EventKind::source_volume, "usbmic", "50 %", "60 %"));
  const std::string html = watch_to_html(t, {}, SystemSnapshot{});
  const std::vector<Marker> ms = markers(html);
  ASSERT_EQ(ms.size(), 14u);
  std::set<double> rows;
  int unlabelled = 0;
  for (const Marker& m : ms) {
    if (m.label_y) rows.insert(*m.label_y);
    else ++unlabelled;
  }
  EXPECT_EQ(rows.size(), 10u);
  EXPECT_EQ(unlabelled, 4);
  EXPECT_NE(html.find("4 markers are too close together to be labelled."), std::string::npos);
  // Every one of them is still a row of the table.
  EXPECT_EQ(all(html, "<tr data-kind=\"source.volume\"").size(), 14u);
}

TEST(WatchHtml, EventsNotKeptAreCountedAndNonsenseNumbersStayOnTheChart) {
  WatchTimeline t = call_timeline();
  t.events_dropped = 5;
  t.events[2].elapsed_s = NAN;
  t.levels[3].rms_dbfs = NAN;
  t.levels[4].peak_dbfs = INFINITY;
  const std::string html = watch_to_html(t, {}, SystemSnapshot{});
  EXPECT_NE(html.find("The 5 earliest events are not kept in this report; the newest 8 are."), std::string::npos);
  EXPECT_TRUE(all(html, "[=\" ,ML]-?(nan|inf)(?![a-z])").empty()) << all(html, "[=\" ,ML]-?(nan|inf)(?![a-z])").at(0);
}

TEST(WatchHtml, HostileNamesAreTextEverywhere) {
  const std::string evil = "<img src=x onerror=alert(1)>\"'><script>alert(2)</script>&amp;";
  WatchTimeline t;
  t.duration_s = 30;
  t.metered_source = evil;
  t.levels = {{0, -40, -30}, {1, -41, -29}};
  WatchEvent e = event(3, EventKind::app_started, evil, evil, evil);
  e.details.push_back({evil, evil, std::nullopt});
  t.events = {e, event(4, EventKind::app_volume, evil, "100 %", evil), event(5, EventKind::card_profile, evil, evil, evil)};
  Finding f = make_check_finding(CheckId::app_moved_during_call, Severity::warning, evil, evil, evil);
  f.id = evil;  // even an id is escaped
  f.advice = evil;
  f.manual_steps = {evil};
  SystemSnapshot s = state_with(evil, evil);
  s.server.name = evil;
  const std::string html = watch_to_html(t, {f}, s);
  for (const char* raw : {"<img", "<script", "onerror=alert(1)>", "\"'>"}) {
    EXPECT_EQ(html.find(raw), std::string::npos) << raw;
  }
  EXPECT_NE(html.find(escape_html(evil)), std::string::npos);
  EXPECT_NE(html.find("data-id=\"" + escape_html(evil) + "\""), std::string::npos);
  // Every tag in the page is one micdoctor writes.
  const std::set<std::string> ours = {"html", "head", "meta", "title", "style", "body", "main", "h1", "h2", "p", "section",
                                      "div", "ul", "ol", "li", "strong", "details", "summary", "figure", "figcaption",
                                      "span", "svg", "rect", "line", "text", "path", "g", "table", "thead", "tbody",
                                      "tr", "th", "td", "br"};
  for (const std::string& tag : all(html, "<[a-zA-Z][a-zA-Z0-9]*")) EXPECT_TRUE(ours.contains(tag.substr(1))) << tag;
}

TEST(WatchHtml, ALongLevelIsThinnedAndKeepsItsLoudestMoment) {
  WatchTimeline t;
  t.duration_s = 4000;
  for (int i = 0; i < 4000; ++i) t.levels.push_back({static_cast<double>(i), -40.0f, -30.0f});
  t.levels[2345].peak_dbfs = -1.0f;  // one loud moment
  const std::string html = watch_to_html(t, {}, SystemSnapshot{});
  const std::string peak = path_data(html, "peak");
  const std::string rms = path_data(html, "rms");
  const std::vector<std::string> points = all(peak, "[ML][-0-9.]+ [-0-9.]+");
  EXPECT_LE(points.size(), 1000u);
  EXPECT_GE(points.size(), 900u);
  EXPECT_EQ(all(peak, "M").size(), 1u) << "no gap in an even level";
  // The loud moment's height (0 dB at the top, -90 dB at the bottom).
  const std::string rect = all(html, "<rect class=\"plot-area\"[^>]*>").at(0);
  const double top = number_attribute(rect, "y");
  const double height = number_attribute(rect, "height");
  double highest = 1e9;
  for (const std::string& p : points) highest = std::min(highest, std::stod(p.substr(p.find(' ') + 1)));
  EXPECT_NEAR(highest, top + 1.0 / 90.0 * height, 0.06);
  // A steady RMS stays where it was.
  for (const std::string& p : all(rms, "[ML][-0-9.]+ [-0-9.]+")) {
    EXPECT_NEAR(std::stod(p.substr(p.find(' ') + 1)), top + 40.0 / 90.0 * height, 0.06);
  }
}

TEST(WatchHtml, TheLevelLineBreaksWhereTheMeterWasOff) {
  WatchTimeline t;
  t.duration_s = 60;
  for (int i = 0; i <= 10; ++i) t.levels.push_back({static_cast<double>(i), -30.0f, -20.0f});
  for (int i = 40; i <= 60; ++i) t.levels.push_back({static_cast<double>(i), -30.0f, -20.0f});
  const std::string html = watch_to_html(t, {}, SystemSnapshot{});
  const std::string rms = path_data(html, "rms");
  EXPECT_EQ(all(rms, "M").size(), 2u) << rms;
}

TEST(WatchHtml, AnEmptyWatchStillMakesAPage) {
  const std::string html = watch_to_html(WatchTimeline{}, {}, SystemSnapshot{});
  EXPECT_NE(html.find("Nothing went wrong that micdoctor could see"), std::string::npos);
  EXPECT_NE(html.find("The level was not measured"), std::string::npos);
  EXPECT_TRUE(markers(html).empty());
  EXPECT_TRUE(all(html, "<tr data-kind=").empty());
  EXPECT_EQ(all(html, "<path class=\"rms\"").size(), 0u);
  EXPECT_NE(html.find("</html>"), std::string::npos);
}

TEST(WatchHtml, EventsPastTheStatedEndWidenTheChart) {
  WatchTimeline t;
  t.duration_s = 0;  // a timeline cut short
  t.events = {event(42, EventKind::device_removed, "usbmic")};
  const std::string html = watch_to_html(t, {}, SystemSnapshot{});
  const PlotArea plot = plot_area(html);
  EXPECT_DOUBLE_EQ(plot.duration, 42.0);
  EXPECT_NEAR(markers(html).at(0).x, plot.x0 + plot.width, 0.06);
}

}  // namespace
}  // namespace micdoctor::test
