#include "report/markdown_report.hpp"

#include <cctype>
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

bool is_ascii_alnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 && static_cast<unsigned char>(c) < 0x80; }
bool is_ascii_punctuation(char c) { return std::ispunct(static_cast<unsigned char>(c)) != 0 && static_cast<unsigned char>(c) < 0x80; }

// Characters that start a block only at the beginning of a line: a heading
// ("# "), a quote (">"), a list item ("- ", "+ ", "16. "), a rule ("---").
// A fragment is one line (newlines become spaces), so only its start can be
// there. Returns where the marker character is, or npos.
std::size_t block_marker(const std::string& line) {
  if (line.empty()) return std::string::npos;
  const char first = line[0];
  const bool then_space = line.size() == 1 || line[1] == ' ';
  if (first == '>') return 0;
  if ((first == '#' || first == '-' || first == '+') && then_space) return 0;
  if (first == '-' && line.find_first_not_of("- ") == std::string::npos) return 0;
  std::size_t digits = 0;
  while (digits < line.size() && std::isdigit(static_cast<unsigned char>(line[digits])) != 0) ++digits;
  if (digits > 0 && digits < line.size() && (line[digits] == '.' || line[digits] == ')') &&
      (digits + 1 == line.size() || line[digits + 1] == ' ')) {
    return digits;
  }
  return std::string::npos;
}

// "&lt;", "&#60;", "&#x3C;": Markdown decodes an entity reference.
bool looks_like_entity(const std::string& text, std::size_t amp) {
  std::size_t i = amp + 1;
  if (i < text.size() && text[i] == '#') ++i;
  const std::size_t name = i;
  while (i < text.size() && is_ascii_alnum(text[i])) ++i;
  return i > name && i < text.size() && text[i] == ';';
}

// Whether Markdown would read text[i] as markup rather than as itself.
bool misread(const std::string& text, std::size_t i) {
  const char c = text[i];
  const char before = i > 0 ? text[i - 1] : ' ';
  const char after = i + 1 < text.size() ? text[i + 1] : ' ';
  switch (c) {
    case '*': case '`': case '[': case ']': case '<': case '|': case '~': return true;
    // An underscore inside a word (feed_mic) is never emphasis.
    case '_': return !(is_ascii_alnum(before) && is_ascii_alnum(after));
    // A backslash escapes punctuation after it, ours included.
    case '\\': return i + 1 == text.size() || is_ascii_punctuation(after);
    // "&lt;" would become "<"; "AT&T" is itself.
    case '&': return looks_like_entity(text, i);
    default: return false;
  }
}

}  // namespace

std::string escape_markdown(const std::string& text) {
  std::string line = to_valid_utf8(text);
  for (char& c : line) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  const std::size_t marker = block_marker(line);
  std::string out;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      out += "\xEF\xBF\xBD";  // U+FFFD
      continue;
    }
    if (i == marker || misread(line, i)) out += '\\';
    out += c;
  }
  return out;
}

std::string check_to_markdown(const CheckReportInput& report) {
  const SystemSnapshot& s = report.snapshot;
  std::string out = "**micdoctor check** on " + escape_markdown(s.platform) + ", " +
                    escape_markdown(s.server.reachable ? s.server.name + (s.server.version.empty() ? "" : " " + s.server.version)
                                                       : state_source_line(s)) + "\n\n";
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
