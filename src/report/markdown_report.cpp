#include "report/markdown_report.hpp"

#include <string_view>

#include "checks/check_catalog.hpp"
#include "model/number_text.hpp"
#include "report/terminal.hpp"

namespace micdoctor {
namespace {

// Findings listed at most; the rest are counted, so the summary stays short:
// with the heading, verdict and facts, 40 lines at most.
constexpr std::size_t kMaxFindings = 18;

std::string code(const std::string& text) {
  std::string out = to_valid_utf8(text);
  for (char& c : out) {
    if (c == '`' || c == '\n' || c == '\r' || c == '|') c = ' ';
  }
  return "`" + out + "`";
}

std::string findings_table(const std::vector<Finding>& findings) {
  std::string out = "| | id | finding |\n|---|---|---|\n";
  std::size_t shown = 0;
  for (const Finding& f : findings) {
    if (shown == kMaxFindings) break;
    const std::string mark = severity_mark(f.severity, TextStyle{.unicode = true}) + " " + std::string(to_string(f.severity));
    out += "| " + mark + " | " + code(f.id) + " | " + escape_markdown(f.title) + " |\n";
    ++shown;
  }
  if (findings.size() > shown) {
    out += "\n…and " + std::to_string(findings.size() - shown) + " more (see the full report).\n";
  }
  return out;
}

std::string signal_numbers(const SignalMetrics& m) {
  const auto db = [](const std::optional<double>& v) { return v ? decimal(*v) : std::string("none"); };
  // A noise floor no pause let us hear is "not measured", never a number.
  const bool floor_unmeasured = m.duration_s > 0 && !m.noise_floor_dbfs;
  const std::string noise = floor_unmeasured ? "not measured" : db(m.noise_floor_dbfs) + " dBFS";
  const std::string snr = floor_unmeasured && m.speech_level_dbfs ? "not measured" : db(m.snr_db) + " dB";
  std::string out = "voice " + db(m.speech_level_dbfs) + " dBFS, noise " + noise + ", SNR " + snr + ", peak " +
                    db(m.peak_dbfs) + " dBFS, clipped " +
                    decimal(m.clipped_fraction * 100, 2) + " %";
  if (m.hum_hz) out += ", hum " + decimal(*m.hum_hz, 0) + " Hz at " + db(m.hum_dbfs) + " dBFS";
  if (m.bandwidth_hz) out += ", band up to " + decimal(*m.bandwidth_hz / 1000, 1) + " kHz";
  out += ", " + decimal(m.duration_s, 1) + " s at " + std::to_string(m.sample_rate) + " Hz";
  return out;
}

}  // namespace

std::string escape_markdown(const std::string& text) {
  std::string out;
  for (const char c : to_valid_utf8(text)) {
    if (c == '\n' || c == '\r' || c == '\t') {
      out += ' ';
    } else if (std::string_view("\\`*_{}[]()<>#+-.!|~").find(c) != std::string_view::npos) {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += "\xEF\xBF\xBD";  // U+FFFD
    } else {
      out += c;
    }
  }
  return out;
}

std::string check_to_markdown(const CheckReportInput& report) {
  const SystemSnapshot& s = report.snapshot;
  std::string out = "**micdoctor check** on " + escape_markdown(s.platform) + ", " +
                    escape_markdown(s.server.reachable ? s.server.name + (s.server.version.empty() ? "" : " " + s.server.version)
                                                       : "no sound server") + "\n\n";
  out += "**Verdict:** " + escape_markdown(check_verdict(report)) + "\n\n";
  out += findings_table(report.findings);
  out += "\n";
  if (const Source* src = report.source_in_use) {
    out += "- **Microphone:** " + escape_markdown(src->description.empty() ? src->name : src->description) + " " +
           code(src->name) + ", " + escape_markdown(src->state) + (src->muted ? ", muted" : ", not muted") +
           ", volume " + decimal(src->volume_percent, 0) + " %" + (src->name == s.server.default_source ? ", default" : "") +
           "\n";
  }
  if (report.test != nullptr && report.test->analysis != nullptr) {
    out += "- **Test recording:** " + signal_numbers(report.test->analysis->metrics) + "\n";
  } else if (report.test != nullptr) {
    out += "- **Test recording:** failed: " + escape_markdown(report.test->outcome.error) + "\n";
  }
  std::size_t inputs = 0;
  for (const Source& d : s.sources) inputs += d.kind == SourceKind::monitor ? 0 : 1;
  out += "- **Capture devices:** " + std::to_string(inputs) + " (and " + std::to_string(s.sources.size() - inputs) +
         " monitors); default " + code(s.server.default_source) + "\n";
  std::size_t apps = 0;
  for (const Stream& st : s.streams) apps += st.from_module ? 0 : 1;
  if (apps > 0) out += "- **Apps recording:** " + std::to_string(apps) + "\n";
  return out;
}

std::string analysis_to_markdown(const std::string& file, const SignalAnalysis& analysis) {
  std::string out = "**micdoctor analyze** " + code(file) + "\n\n**Verdict:** " +
                    escape_markdown(analysis.findings.front().title) + "\n\n";
  out += findings_table(analysis.findings);
  out += "\n- **Numbers:** " + signal_numbers(analysis.metrics) + "\n";
  return out;
}

}  // namespace micdoctor
