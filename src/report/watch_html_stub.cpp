// TEMPORARY (branch i14-linux only): stands in for watch_to_html until branch
// i14-report, which declares it in report/watch_html.hpp, is merged. The lead
// deletes this file (and its line in src/CMakeLists.txt) at that merge.
#include <string>
#include <vector>

#include "model/finding.hpp"
#include "model/snapshot.hpp"
#include "report/terminal.hpp"
#include "watch/call_watch.hpp"

namespace micdoctor {

std::string watch_to_html(const WatchTimeline& timeline, const std::vector<Finding>& findings,
                          const SystemSnapshot& last_state);

std::string watch_to_html(const WatchTimeline& timeline, const std::vector<Finding>& findings,
                          const SystemSnapshot& /*last_state*/) {
  std::string html = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>micdoctor watch</title></head><body>\n";
  html += "<p>micdoctor watch: " + std::to_string(timeline.events.size()) + " events, " +
          std::to_string(findings.size()) + " findings (placeholder until the HTML report is merged)</p>\n";
  return html + "</body></html>\n";
}

}  // namespace micdoctor
