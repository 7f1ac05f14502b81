#include "report/watch_text.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>

namespace micdoctor {
namespace {

// "45 s", "2 min 13 s", "1 h 05 min".
std::string duration_text(double seconds) {
  const long long whole = std::llround(std::max(0.0, seconds));
  char text[48];
  if (whole < 60) {
    std::snprintf(text, sizeof text, "%lld s", whole);
  } else if (whole < 3600) {
    std::snprintf(text, sizeof text, "%lld min %lld s", whole / 60, whole % 60);
  } else {
    std::snprintf(text, sizeof text, "%lld h %02lld min", whole / 3600, whole % 3600 / 60);
  }
  return text;
}

void add_line(std::string& out, int indent, const std::string& text) {
  out.append(static_cast<std::size_t>(indent), ' ');
  out += escape_for_terminal(text);
  out += '\n';
}

}  // namespace

std::string local_clock_text(std::int64_t unix_ms) {
  const std::time_t seconds = static_cast<std::time_t>(unix_ms / 1000);
  std::tm local{};
#ifdef _WIN32
  if (localtime_s(&local, &seconds) != 0) return "--:--:--";
#else
  if (localtime_r(&seconds, &local) == nullptr) return "--:--:--";
#endif
  char text[16];
  if (std::strftime(text, sizeof text, "%H:%M:%S", &local) == 0) return "--:--:--";
  return text;
}

std::string local_zone_text() {
  const std::time_t now = std::time(nullptr);
  std::tm local{};
#ifdef _WIN32
  if (localtime_s(&local, &now) != 0) return "local time";
#else
  if (localtime_r(&now, &local) == nullptr) return "local time";
#endif
  char offset[16];
  // "+0900" -> "UTC+09:00"
  if (std::strftime(offset, sizeof offset, "%z", &local) != 5) return "local time";
  return std::string("UTC") + offset[0] + offset[1] + offset[2] + ":" + offset[3] + offset[4];
}

std::string watch_header_text(const std::string& server, const std::string& device, double duration_s) {
  std::string out;
  add_line(out, 0, "micdoctor watch: " + (server.empty() ? std::string("the sound server") : server));
  std::string what = device.empty() ? "Metering the default input (and the next one when the default changes)"
                                    : "Metering " + device;
  what += duration_s > 0 ? ", for " + duration_text(duration_s) + "." : ".";
  add_line(out, 0, what + " Ctrl-C ends the watch.");
  add_line(out, 0, "Times are this computer's (" + local_zone_text() + "); the summary at the end gives them in UTC.");
  return out;
}

std::string watch_event_line(const WatchEvent& event) {
  return local_clock_text(event.unix_ms) + "  " + escape_for_terminal(describe_event(event)) + "\n";
}

std::string watch_summary_text(const WatchTimeline& timeline, const std::vector<Finding>& findings,
                               const TextStyle& style) {
  std::string out = "\nSummary: watched for " + duration_text(timeline.duration_s);
  if (!timeline.metered_source.empty()) out += ", metering " + escape_for_terminal(timeline.metered_source);
  out += "; " + std::to_string(timeline.events.size() + timeline.events_dropped) + " events";
  if (timeline.events_dropped > 0) {
    out += " (the report keeps the newest " + std::to_string(timeline.events.size()) + ")";
  }
  out += ".\n";
  const auto problems = static_cast<std::size_t>(std::count_if(findings.begin(), findings.end(), is_problem));
  if (problems == 0) {
    out += "Nothing went wrong with the microphone while micdoctor watched.\n";
  } else {
    out += problems == 1 ? "1 thing went wrong during the call:\n"
                         : std::to_string(problems) + " things went wrong during the call:\n";
  }
  // Problems first (worst first), then what is only worth knowing.
  std::vector<const Finding*> ordered;
  ordered.reserve(findings.size());
  for (const Finding& f : findings) ordered.push_back(&f);
  std::stable_sort(ordered.begin(), ordered.end(),
                   [](const Finding* a, const Finding* b) { return a->severity > b->severity; });
  for (const Finding* f : ordered) {
    out += "  " + severity_mark(f->severity, style) + " " + escape_for_terminal(f->title) + "\n";
    if (!f->detail.empty()) add_line(out, 6, f->detail);
    if (!f->advice.empty()) add_line(out, 6, f->advice);
    if (!f->manual_steps.empty()) {
      add_line(out, 6, "What to do:");
      for (const std::string& step : f->manual_steps) add_line(out, 8, "- " + step);
    }
  }
  return out;
}

}  // namespace micdoctor
