#include "report/html_report.hpp"

#include <algorithm>
#include <cmath>

#include "checks/check_catalog.hpp"
#include "model/number_text.hpp"
#include "report/terminal.hpp"

namespace micdoctor {
namespace {

// Inline and small: the file must read the same offline, on paper and on a phone.
constexpr const char* kStyle = R"(
body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1b1b1b;background:#fafafa}
main{max-width:60rem;margin:0 auto;padding:1rem}
h1{font-size:1.6rem;margin:.5rem 0}
h2{font-size:1.25rem;margin-top:2rem;border-bottom:1px solid #ddd}
h3{font-size:1.05rem;margin:.8rem 0 .3rem}
.subtitle{color:#555;margin-top:0;overflow-wrap:anywhere}
.verdict{padding:1rem;border-radius:.5rem;border-left:.5rem solid;font-size:1.15rem}
.verdict.error{background:#fdecea;border-color:#c62828}.verdict.warning{background:#fff8e1;border-color:#f9a825}
.verdict.info{background:#e8f5e9;border-color:#2e7d32}
ol.steps{list-style:none;padding:0}
.step h3 .mark{display:inline-block;width:1.6rem;font-weight:bold}
.mark.error{color:#c62828}.mark.warning{color:#b26a00}.mark.info{color:#2e7d32}.mark.unknown{color:#777}
ul.findings{list-style:none;padding-left:1.6rem}
.finding{margin:.5rem 0;padding:.5rem .75rem;background:#fff;border:1px solid #e0e0e0;border-radius:.4rem}
.finding.error{border-left:.3rem solid #c62828}.finding.warning{border-left:.3rem solid #f9a825}
.finding.info{border-left:.3rem solid #2e7d32}
.finding .id{font:12px monospace;color:#666;overflow-wrap:anywhere}
.finding p{margin:.3rem 0;overflow-wrap:anywhere}
table{border-collapse:collapse;width:100%;font-size:.9rem;display:block;overflow-x:auto}
th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #e5e5e5;vertical-align:top;overflow-wrap:anywhere}
figure{margin:1rem 0}figcaption{color:#444;font-size:.9rem}
svg{width:100%;height:auto;background:#fff;border:1px solid #e0e0e0}
@media print{body{background:#fff}.finding{break-inside:avoid}figure{break-inside:avoid}}
)";

// What the pictures need (also inside a picture saved on its own: standalone_svg).
constexpr const char* kPictureStyle = R"(
svg text{font:11px sans-serif;fill:#444}
path.wave{fill:none;stroke:#1565c0;stroke-width:1}
path.clip{stroke:#c62828;stroke-width:2}rect.gap{fill:#c62828;fill-opacity:.25}
polyline.level{fill:none;stroke:#1565c0;stroke-width:1.5}
line.speech{stroke:#2e7d32;stroke-dasharray:6 4}line.noise{stroke:#8d6e63;stroke-dasharray:2 3}
path.spectrum{fill:none;stroke:#1565c0;stroke-width:1.2}
.hum{stroke:#ef6c00;stroke-width:1.5}.band-edge{stroke:#6a1b9a;stroke-dasharray:5 3;stroke-width:1.5}
.grid{stroke:#eee}
)";

std::string esc(const std::string& text) { return escape_html(text); }

std::string severity_class(Severity s) { return std::string(to_string(s)); }

}  // namespace

std::string finding_html(const Finding& f) {
  std::string out = "<li class=\"finding " + severity_class(f.severity) + "\" data-id=\"" + esc(f.id) + "\">";
  out += "<strong>" + esc(f.title) + "</strong> <span class=\"id\">" + esc(f.id) + "</span>";
  if (!f.detail.empty()) out += "<p>" + esc(f.detail) + "</p>";
  if (!f.manual_steps.empty()) {
    out += "<p>What to do:</p><ul>";
    for (const std::string& step : f.manual_steps) out += "<li>" + esc(step) + "</li>";
    out += "</ul>";
  }
  return out + "</li>";
}

namespace {

// --- pictures --------------------------------------------------------------

constexpr double kWidth = 1000;
constexpr double kHeight = 220;
constexpr double kLeft = 45;   // room for the axis labels
constexpr double kBottom = 20;

double plot_x(double fraction) { return kLeft + fraction * (kWidth - kLeft - 5); }

std::string svg_open(const std::string& css_class, const std::string& id, const std::string& label) {
  return "<svg class=\"" + css_class + "\" viewBox=\"0 0 " + decimal(kWidth, 0) + " " + decimal(kHeight, 0) +
         "\" role=\"img\" aria-labelledby=\"" + id + "\"><title id=\"" + id + "\">" + esc(label) + "</title>";
}

std::string time_axis(double duration) {
  std::string out;
  for (int i = 0; i <= 4; ++i) {
    const double x = plot_x(i / 4.0);
    const char* anchor = i == 4 ? "end" : "middle";  // the last label inside the picture
    out += "<text x=\"" + decimal(x, 0) + "\" y=\"" + decimal(kHeight - 5, 0) + "\" text-anchor=\"" + anchor + "\">" +
           decimal(duration * i / 4.0, 1) + " s</text>";
  }
  return out;
}

// The waveform's envelope, with the columns that reach the clipping ceiling
// and the gaps of exact zeros marked in red.
std::string waveform_svg(const SignalPicture& p, const SignalMetrics& m, const std::string& id, int& clipped_columns) {
  const double mid = (kHeight - kBottom) / 2;
  const double scale = mid - 5;
  const auto y = [&](float v) { return mid - std::clamp(static_cast<double>(v), -1.0, 1.0) * scale; };
  std::string wave;
  std::string clips;
  const std::size_t n = p.columns.size();
  // A plateau sits at the ceiling the analyser found (or at full scale).
  const double ceiling = m.clipping_ceiling_dbfs ? std::pow(10.0, *m.clipping_ceiling_dbfs / 20.0) : 1.0;
  clipped_columns = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const OverviewColumn& c = p.columns[i];
    const double x = plot_x(n > 1 ? static_cast<double>(i) / static_cast<double>(n - 1) : 0.0);
    wave += "M" + decimal(x, 1) + " " + decimal(y(c.max), 1) + "V" + decimal(y(c.min), 1);
    if (m.clipped_samples > 0 && std::max(std::fabs(c.max), std::fabs(c.min)) >= 0.995 * ceiling) {
      clips += "M" + decimal(x, 1) + " " + decimal(y(c.max), 1) + "V" + decimal(y(c.min), 1);
      ++clipped_columns;
    }
  }
  std::string gaps;
  // Gaps are drawn when the analyser counts them as dropouts (inside active signal).
  const std::vector<SignalPicture::Gap> none;
  for (const SignalPicture::Gap& g : m.dropouts > 0 ? p.gaps : none) {
    const double x0 = plot_x(p.duration_s > 0 ? g.start_s / p.duration_s : 0);
    const double x1 = plot_x(p.duration_s > 0 ? g.end_s / p.duration_s : 0);
    gaps += "<rect class=\"gap\" x=\"" + decimal(x0, 1) + "\" y=\"0\" width=\"" + decimal(std::max(2.0, x1 - x0), 1) +
            "\" height=\"" + decimal(kHeight - kBottom, 0) + "\"/>";
  }
  std::string out = svg_open("waveform", id, "Waveform of the recording" +
                                                 std::string(clipped_columns ? ", clipped parts marked in red" : "") +
                                                 std::string(m.dropouts == 0 || p.gaps.empty() ? "" : ", gaps of silence marked in red"));
  out += "<line class=\"grid\" x1=\"" + decimal(kLeft, 0) + "\" x2=\"" + decimal(kWidth, 0) + "\" y1=\"" + decimal(mid, 0) +
         "\" y2=\"" + decimal(mid, 0) + "\"/>";
  out += "<path class=\"wave\" d=\"" + wave + "\"/>";
  if (!clips.empty()) out += "<path class=\"clip\" d=\"" + clips + "\"/>";
  out += "<g class=\"gaps\">" + gaps + "</g>";
  out += "<text x=\"2\" y=\"12\">+1</text><text x=\"2\" y=\"" + decimal(kHeight - kBottom - 2, 0) + "\">-1</text>";
  return out + time_axis(p.duration_s) + "</svg>";
}

constexpr double kLevelFloor = -90;

double level_y(double db) {
  const double top = 8;
  const double bottom = kHeight - kBottom;
  return top + (std::clamp(db, kLevelFloor, 0.0) / kLevelFloor) * (bottom - top);
}

// Loudness column by column, with the speech level and the noise floor drawn across.
std::string level_svg(const SignalPicture& p, const SignalMetrics& m, const std::string& id) {
  std::string points;
  const std::size_t n = p.columns.size();
  for (std::size_t i = 0; i < n; ++i) {
    const OverviewColumn& c = p.columns[i];
    const double mean = c.samples ? c.energy / static_cast<double>(c.samples) : 0.0;
    const double db = mean > 0 ? 10.0 * std::log10(mean) : kLevelFloor;
    const double x = plot_x(n > 1 ? static_cast<double>(i) / static_cast<double>(n - 1) : 0.0);
    points += decimal(x, 1) + "," + decimal(level_y(db), 1) + " ";
  }
  std::string out = svg_open("level", id, "Level over time, with the speech level and the noise floor");
  for (const double db : {0.0, -30.0, -60.0, -90.0}) {
    out += "<line class=\"grid\" x1=\"" + decimal(kLeft, 0) + "\" x2=\"" + decimal(kWidth, 0) + "\" y1=\"" +
           decimal(level_y(db), 1) + "\" y2=\"" + decimal(level_y(db), 1) + "\"/><text x=\"2\" y=\"" +
           decimal(level_y(db) + 4, 1) + "\">" + decimal(db, 0) + " dB</text>";
  }
  out += "<polyline class=\"level\" points=\"" + points + "\"/>";
  const auto across = [&](const char* css, double db, const std::string& label) {
    out += "<line class=\"" + std::string(css) + "\" x1=\"" + decimal(kLeft, 0) + "\" x2=\"" + decimal(kWidth, 0) +
           "\" y1=\"" + decimal(level_y(db), 1) + "\" y2=\"" + decimal(level_y(db), 1) + "\"/><text x=\"" +
           decimal(kWidth - 8, 0) + "\" y=\"" + decimal(level_y(db) - 4, 1) + "\" text-anchor=\"end\">" + esc(label) +
           "</text>";
  };
  if (m.speech_level_dbfs) across("speech", *m.speech_level_dbfs, "speech " + decimal(*m.speech_level_dbfs) + " dBFS");
  if (m.noise_floor_dbfs && *m.noise_floor_dbfs > kLevelFloor) {
    across("noise", *m.noise_floor_dbfs, "noise floor " + decimal(*m.noise_floor_dbfs) + " dBFS");
  }
  return out + time_axis(p.duration_s) + "</svg>";
}

// The average spectrum on a log frequency axis, with the mains hum lines and the band edge.
std::string spectrum_svg(const SignalPicture& p, const SignalMetrics& m, const std::string& id) {
  const double low = 20.0;
  const double high = std::max(low * 2, p.sample_rate / 2.0);
  const auto x_of = [&](double hz) { return plot_x(std::log(std::max(hz, low) / low) / std::log(high / low)); };
  const auto y_of = [&](double db) { return 8 + (std::clamp(db, -120.0, 0.0) / -120.0) * (kHeight - kBottom - 8); };
  std::string d;
  for (std::size_t k = 0; k < p.spectrum_hz.size(); ++k) {
    if (p.spectrum_hz[k] < low) continue;
    d += (d.empty() ? "M" : "L") + decimal(x_of(p.spectrum_hz[k]), 1) + " " + decimal(y_of(p.spectrum_db[k]), 1);
  }
  std::string out = svg_open("spectrum", id, "Spectrum of the recording" +
                                                 std::string(m.hum_hz ? ", mains hum lines marked in orange" : "") +
                                                 std::string(m.bandwidth_hz ? ", the band edge marked in purple" : ""));
  for (const double hz : {50.0, 100.0, 1000.0, 4000.0, 10000.0}) {
    if (hz >= high) continue;
    out += "<line class=\"grid\" x1=\"" + decimal(x_of(hz), 1) + "\" x2=\"" + decimal(x_of(hz), 1) + "\" y1=\"0\" y2=\"" +
           decimal(kHeight - kBottom, 0) + "\"/><text x=\"" + decimal(x_of(hz), 1) + "\" y=\"" + decimal(kHeight - 5, 0) +
           "\" text-anchor=\"middle\">" + (hz >= 1000 ? decimal(hz / 1000, 0) + " kHz" : decimal(hz, 0) + " Hz") + "</text>";
  }
  out += "<path class=\"spectrum\" d=\"" + d + "\"/>";
  if (m.hum_hz) {
    out += "<g class=\"hum-lines\">";
    for (int k = 1; k <= 6 && *m.hum_hz * k < high; ++k) {
      const double x = x_of(*m.hum_hz * k);
      out += "<line class=\"hum\" x1=\"" + decimal(x, 1) + "\" x2=\"" + decimal(x, 1) + "\" y1=\"0\" y2=\"" +
             decimal(kHeight - kBottom, 0) + "\"/>";
    }
    out += "<text x=\"" + decimal(x_of(*m.hum_hz) + 4, 1) + "\" y=\"14\">" + decimal(*m.hum_hz, 0) + " Hz hum</text></g>";
  }
  if (m.bandwidth_hz) {
    const double x = x_of(*m.bandwidth_hz);
    out += "<line class=\"band-edge\" x1=\"" + decimal(x, 1) + "\" x2=\"" + decimal(x, 1) + "\" y1=\"0\" y2=\"" +
           decimal(kHeight - kBottom, 0) + "\"/><text x=\"" + decimal(x - 4, 1) +
           "\" y=\"28\" text-anchor=\"end\">sound stops at " + decimal(*m.bandwidth_hz / 1000, 1) + " kHz</text>";
  }
  return out + "</svg>";
}

}  // namespace

std::vector<RecordingPicture> recording_pictures(const SignalPicture& p, const SignalAnalysis& a,
                                                 const std::string& prefix) {
  const SignalMetrics& m = a.metrics;
  std::vector<RecordingPicture> out;
  int clipped_columns = 0;
  RecordingPicture wave{"waveform", waveform_svg(p, m, prefix + "-wave", clipped_columns), "The waveform: "};
  wave.caption += clipped_columns > 0 ? "the red parts hit a ceiling and are flattened: that is clipping, heard as distortion."
                                      : "the shape of the sound over time; nothing hits the ceiling.";
  if (m.dropouts > 0 && !p.gaps.empty()) wave.caption += " Red bands are gaps of total silence in the middle of the sound (dropouts).";
  out.push_back(std::move(wave));
  RecordingPicture level{"level", level_svg(p, m, prefix + "-level"), "How loud it was over time. "};
  if (m.speech_level_dbfs) level.caption += "The green dashed line is your voice's level; ";
  if (m.noise_floor_dbfs && *m.noise_floor_dbfs > kLevelFloor) level.caption += "the brown dotted line is the background noise. ";
  level.caption += "A voice should sit well above the noise, around -26 dBFS.";
  out.push_back(std::move(level));
  if (!p.spectrum_hz.empty()) {
    RecordingPicture spectrum{"spectrum", spectrum_svg(p, m, prefix + "-spectrum"),
                              "Which pitches the sound contains, low to high. "};
    if (m.hum_hz) spectrum.caption += "The orange lines are mains hum (" + decimal(*m.hum_hz, 0) + " Hz and its multiples): a buzz from the power supply or a ground loop. ";
    if (m.bandwidth_hz) spectrum.caption += "The purple line is where the sound stops; speech sounds clear when it reaches 7 kHz or more.";
    out.push_back(std::move(spectrum));
  }
  return out;
}

std::string standalone_svg(const std::string& svg) {
  if (svg.rfind("<svg ", 0) != 0) return svg;
  const std::size_t tag_end = svg.find('>');
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" " +
         svg.substr(5, tag_end - 4) + "<style>" + kPictureStyle + "</style>" + svg.substr(tag_end + 1);
}

namespace {

// The pictures, each with a caption that says what to look for (the
// captions are made of fixed words and numbers: nothing to escape).
std::string pictures_html(const SignalPicture& p, const SignalAnalysis& a, const std::string& prefix) {
  std::string out;
  for (const RecordingPicture& picture : recording_pictures(p, a, prefix)) {
    out += "<figure>" + picture.svg + "<figcaption>" + picture.caption + "</figcaption></figure>";
  }
  return out;
}

std::string metrics_table(const SignalMetrics& m) {
  std::string out = "<table class=\"metrics\"><tbody>";
  const auto row = [&](const std::string& name, const std::string& value) {
    out += "<tr><th scope=\"row\">" + esc(name) + "</th><td>" + esc(value) + "</td></tr>";
  };
  const auto db = [](const std::optional<double>& v, const char* unit) {
    return v ? decimal(*v) + " " + unit : std::string("none");
  };
  row("Duration", decimal(m.duration_s, 2) + " s, " + std::to_string(m.sample_rate) + " Hz, " + std::to_string(m.channels) +
                      (m.channels == 1 ? " channel" : " channels"));
  row("Voice level (while speaking)", db(m.speech_level_dbfs, "dBFS"));
  // A noise floor no pause let us hear is "not measured", never a number.
  const bool floor_unmeasured = m.duration_s > 0 && !m.noise_floor_dbfs;
  row("Background noise", floor_unmeasured ? std::string("not measured (no pause heard)") : db(m.noise_floor_dbfs, "dBFS"));
  // A negative margin in words: the background is the louder.
  if (floor_unmeasured && m.speech_level_dbfs) {
    row("Voice above the noise", "not measured");
  } else {
    row("Voice above the noise", !m.snr_db || *m.snr_db >= 0.0
                                     ? db(m.snr_db, "dB")
                                     : "none: the noise is " + decimal(-*m.snr_db) + " dB louder than the voice");
  }
  row("Peak", db(m.peak_dbfs, "dBFS"));
  row("Clipped samples", std::to_string(m.clipped_samples) + " (" + decimal(m.clipped_fraction * 100, 2) + " %)");
  row("Mains hum", m.hum_hz ? decimal(*m.hum_hz, 0) + " Hz at " + db(m.hum_dbfs, "dBFS") : "none");
  row("Sound reaches up to", m.bandwidth_hz ? decimal(*m.bandwidth_hz / 1000, 1) + " kHz" : "unknown");
  row("Dropouts", std::to_string(m.dropouts));
  row("Loudness", db(m.loudness_lufs, "LUFS"));
  return out + "</tbody></table>";
}

// With the findings when they are shown nowhere else (analyze); a check
// report has them already, joined with the state, under its steps.
std::string recording_section(const SignalAnalysis& a, const SignalPicture* picture, const std::string& prefix,
                              bool with_findings) {
  std::string out;
  if (with_findings) {
    out += "<ul class=\"findings\">";
    for (const Finding& f : a.findings) out += finding_html(f);
    out += "</ul>";
  }
  out += metrics_table(a.metrics);
  if (picture != nullptr) out += pictures_html(*picture, a, prefix);
  return out;
}

Severity worst(const std::vector<Finding>& findings) { return worst_severity(findings); }

std::string devices_table(const SystemSnapshot& s) {
  std::string out = "<table class=\"devices\"><thead><tr><th scope=\"col\">Device</th><th scope=\"col\">Kind</th>"
                    "<th scope=\"col\">State</th><th scope=\"col\">Muted</th><th scope=\"col\">Volume</th>"
                    "<th scope=\"col\">Default</th></tr></thead><tbody>";
  for (const Source& d : s.sources) {
    out += "<tr><td>" + esc(d.description.empty() ? d.name : d.description) + "<br><span class=\"id\">" + esc(d.name) +
           "</span></td><td>" + esc(std::string(d.kind == SourceKind::monitor   ? "monitor"
                                                : d.kind == SourceKind::microphone ? "microphone"
                                                                                   : "virtual")) +
           "</td><td>" + esc(d.state) + "</td><td>" + (d.muted ? "yes" : "no") + "</td><td>" +
           decimal(d.volume_percent, 0) + " %</td><td>" + (d.name == s.server.default_source ? "yes" : "") + "</td></tr>";
  }
  return out + "</tbody></table>";
}

std::string streams_table(const SystemSnapshot& s) {
  if (std::none_of(s.streams.begin(), s.streams.end(), [](const Stream& st) { return !st.from_module; })) {
    return "<p>No application is recording right now.</p>";
  }
  std::string out = "<table class=\"streams\"><thead><tr><th scope=\"col\">Application</th><th scope=\"col\">"
                    "Records from</th><th scope=\"col\">Muted</th><th scope=\"col\">Volume</th></tr></thead><tbody>";
  for (const Stream& st : s.streams) {
    if (st.from_module) continue;
    out += "<tr><td>" + esc(st.application.empty() ? st.binary : st.application) + "</td><td>" + esc(st.source) +
           "</td><td>" + (st.muted ? "yes" : "no") + "</td><td>" + decimal(st.volume_percent, 0) + " %</td></tr>";
  }
  return out + "</tbody></table>";
}

}  // namespace

std::string html_page_start(const std::string& title, std::string_view extra_style) {
  // The policy forbids every fetch and every script: even a name that slipped
  // past the escaping could not load or run anything.
  return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
         "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>" +
         esc(title) + "</title>\n<style>" + kStyle + kPictureStyle + std::string(extra_style) + "</style>\n</head>\n<body>\n<main>\n";
}

std::string html_page_end() {
  return "<p class=\"subtitle\">Made by micdoctor. Nothing in this file was fetched from or sent anywhere.</p>\n"
         "</main>\n</body>\n</html>\n";
}

std::string escape_html(const std::string& text) {
  const std::string valid = to_valid_utf8(text);
  std::string out;
  out.reserve(valid.size());
  for (const char c : valid) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default:
        // Control characters have no business in a report; show where they were.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t') out += "&#xFFFD;";
        else out += c;
    }
  }
  return out;
}

std::string check_to_html(const CheckReportInput& report, const SignalPicture* picture) {
  const SystemSnapshot& s = report.snapshot;
  std::string out = html_page_start("Microphone report - micdoctor");
  out += "<h1>Microphone report</h1>\n<p class=\"subtitle\">";
  out += esc(s.server.reachable ? s.server.name + (s.server.version.empty() ? "" : " " + s.server.version)
                                : state_source_line(s));
  if (report.source_in_use != nullptr) {
    out += " · microphone " + esc("\"" + (report.source_in_use->description.empty() ? report.source_in_use->name
                                                                                     : report.source_in_use->description) +
                                  "\"");
  }
  out += "</p>\n";
  const Severity verdict = worst(report.findings);
  out += "<section class=\"verdict " + severity_class(verdict) + "\" id=\"verdict\"><h2>Verdict</h2><p>" +
         esc(check_verdict(report)) + "</p></section>\n";
  out += "<section id=\"steps\"><h2>Step by step</h2><ol class=\"steps\">";
  for (int step = 0; step <= kLastStep; ++step) {
    const StepStatus status = step_status(report, step);
    const std::string css = status.unchecked ? "unknown" : severity_class(status.worst);
    const std::string label = status.unchecked               ? "not checked"
                              : status.worst == Severity::info ? "fine"
                                                               : severity_class(status.worst);
    out += "<li class=\"step\"><h3><span class=\"mark ";
    out += css;
    out += "\" aria-label=\"";
    out += label;
    out += "\">";
    // The terminal's marks, uncoloured: the colour is the CSS class's.
    out += status.unchecked ? std::string("?") : severity_mark(status.worst, TextStyle{.unicode = true});
    out += "</span>" + std::to_string(step) + ". " + esc(std::string(step_title(step)) + status.note) + "</h3>";
    if (!status.findings.empty()) {
      out += "<ul class=\"findings\">";
      for (const Finding* f : status.findings) out += finding_html(*f);
      out += "</ul>";
    }
    out += "</li>";
  }
  out += "</ol></section>\n";
  if (report.test != nullptr) {
    out += "<section id=\"recording\"><h2>What the microphone heard</h2>";
    if (report.test->analysis != nullptr) {
      out += "<p>What it heard is judged under step 5 above (or under the setting that caused it).</p>";
      out += recording_section(*report.test->analysis, picture, "test", false);
    } else {
      out += "<p>The test could not record: " + esc(report.test->outcome.error) + "</p>";
    }
    out += "</section>\n";
  }
  out += "<section id=\"devices\"><h2>Devices</h2>" + devices_table(s) + "</section>\n";
  out += "<section id=\"streams\"><h2>Applications recording</h2>" + streams_table(s) + "</section>\n";
  return out + html_page_end();
}

std::string analyses_to_html(const std::vector<RecordingForHtml>& recordings) {
  std::string out = html_page_start("Recording report - micdoctor");
  out += "<h1>Recording report</h1>\n";
  int index = 0;
  for (const RecordingForHtml& r : recordings) {
    ++index;
    out += "<section class=\"recording\"><h2>" + esc(r.file) + "</h2>";
    if (r.analysis == nullptr) {
      out += "<div class=\"verdict error\"><p>Could not be read: " + esc(r.error) + "</p></div></section>\n";
      continue;
    }
    const Finding& first = r.analysis->findings.front();
    out += "<div class=\"verdict " + severity_class(first.severity) + "\"><p>" + esc(first.title) + "</p></div>";
    out += "<h3>Findings and numbers</h3>" + recording_section(*r.analysis, r.picture, "file" + std::to_string(index), true);
    out += "</section>\n";
  }
  return out + html_page_end();
}

}  // namespace micdoctor
