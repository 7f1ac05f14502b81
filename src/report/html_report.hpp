#pragma once
// The shareable report: one self-contained HTML file (inline CSS and SVG,
// nothing fetched, readable offline, printable, phone-width friendly) with
// the verdict first, the walk-through steps with their findings and what to
// do, the devices and streams, and pictures of the recording a person can
// read without numbers: the waveform with clipped spans and gaps marked, the
// level over time against the speech level and the noise floor, and the
// spectrum with mains hum lines and the band edge. Every string from the
// system or a file is escaped.
#include <string>
#include <string_view>
#include <vector>

#include "analysis/signal_analyzer.hpp"
#include "analysis/signal_overview.hpp"
#include "report/check_report.hpp"

namespace micdoctor {

// `micdoctor check [--test] --format html`. picture: what the test recorded (may be null).
std::string check_to_html(const CheckReportInput& report, const SignalPicture* picture);

struct RecordingForHtml {
  std::string file;                 // as given
  const SignalAnalysis* analysis;   // null when the file could not be read
  const SignalPicture* picture;     // may be null
  std::string error;                // why it could not be read
};

// The report's pictures of a recording, each an inline <svg> (what check's
// HTML report shows) with the caption that says what to look for in it (plain
// text). name: "waveform", "level", "spectrum". prefix makes the ids unique.
struct RecordingPicture {
  std::string name;
  std::string svg;
  std::string caption;
};
std::vector<RecordingPicture> recording_pictures(const SignalPicture& picture, const SignalAnalysis& analysis,
                                                 const std::string& prefix);
// One inline <svg> as an SVG file of its own (for an <img>: micdoctor ui).
std::string standalone_svg(const std::string& svg);

// `micdoctor analyze FILE... --format html`: one document, a section per file.
std::string analyses_to_html(const std::vector<RecordingForHtml>& recordings);

// The start of every report page (doctype, language, phone viewport, a
// Content-Security-Policy that allows no fetch and no script, the shared
// style plus extra_style, the opening of <main>) and its end.
std::string html_page_start(const std::string& title, std::string_view extra_style = {});
std::string html_page_end();

// HTML text escaping (& < > " '), after making the text valid UTF-8.
std::string escape_html(const std::string& text);

// One finding as a list item (<li class="finding SEVERITY" data-id="ID">): its
// title, id, detail and manual steps, escaped. The check report's and
// `micdoctor drivers`' pages share it.
std::string finding_html(const Finding& f);

}  // namespace micdoctor
