#include "report/analysis_report.hpp"

#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

namespace micdoctor {
namespace {

using Json = nlohmann::ordered_json;

Json number_or_null(const std::optional<double>& value, int decimals) {
  if (!value || !std::isfinite(*value)) return nullptr;
  const double scale = std::pow(10.0, decimals);
  return std::round(*value * scale) / scale;
}

Json metrics_to_json(const SignalMetrics& m) {
  Json j;
  j["duration_s"] = number_or_null(m.duration_s, 3);
  j["sample_rate"] = m.sample_rate;
  j["channels"] = m.channels;
  j["peak_dbfs"] = number_or_null(m.peak_dbfs, 2);
  j["rms_dbfs"] = number_or_null(m.rms_dbfs, 2);
  j["speech_level_dbfs"] = number_or_null(m.speech_level_dbfs, 2);
  j["noise_floor_dbfs"] = number_or_null(m.noise_floor_dbfs, 2);
  j["snr_db"] = number_or_null(m.snr_db, 2);
  j["dc_offset"] = number_or_null(m.dc_offset, 6);
  j["clipped_samples"] = m.clipped_samples;
  j["clipped_fraction"] = number_or_null(m.clipped_fraction, 6);
  j["clipping_ceiling_dbfs"] = number_or_null(m.clipping_ceiling_dbfs, 2);
  j["hum_hz"] = number_or_null(m.hum_hz, 0);
  j["hum_dbfs"] = number_or_null(m.hum_dbfs, 2);
  j["bandwidth_hz"] = number_or_null(m.bandwidth_hz, 0);
  j["dropouts"] = m.dropouts;
  j["channel_correlation"] = number_or_null(m.channel_correlation, 4);
  j["loudness_lufs"] = number_or_null(m.loudness_lufs, 2);
  j["speech_seconds"] = number_or_null(m.speech_seconds, 2);
  j["zero_fraction"] = number_or_null(m.zero_fraction, 6);
  Json channels = Json::array();
  for (double level : m.channel_rms_dbfs) channels.push_back(number_or_null(level, 2));
  j["channel_rms_dbfs"] = channels;
  return j;
}

Json finding_to_json(const Finding& f) {
  return Json{{"id", f.id},
              {"severity", std::string(to_string(f.severity))},
              {"title", f.title},
              {"detail", f.detail},
              {"advice", f.advice}};
}

std::string dump(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

std::string fixed(const std::optional<double>& value, int decimals, const char* unit) {
  if (!value || !std::isfinite(*value)) return "-";
  char text[64];
  std::snprintf(text, sizeof text, "%.*f%s", decimals, *value, unit);
  return text;
}

}  // namespace

std::string analysis_to_json_line(const std::string& file, const SignalAnalysis& analysis) {
  Json j;
  j["schema"] = kAnalysisSchema;
  j["file"] = file;
  const Json body = analysis_body_json(analysis);
  for (auto it = body.begin(); it != body.end(); ++it) j[it.key()] = *it;
  return dump(j);
}

std::string analysis_error_json_line(const std::string& file, const std::string& error) {
  Json j;
  j["schema"] = kAnalysisSchema;
  j["file"] = file;
  j["error"] = error;
  return dump(j);
}

std::string analysis_to_text(const std::string& file, const SignalAnalysis& analysis, const TextStyle& style) {
  const SignalMetrics& m = analysis.metrics;
  std::string out = escape_for_terminal(file) + "\n";
  for (const Finding& f : analysis.findings) {
    out += "  " + severity_mark(f.severity, style) + " " + f.title + "\n";
    out += "      " + f.detail + "\n";
    if (f.severity != Severity::info) out += "      What to do: " + f.advice + "\n";
  }
  return out + analysis_numbers_text(m, "  ");
}

Json analysis_body_json(const SignalAnalysis& analysis) {
  Json j;
  j["metrics"] = metrics_to_json(analysis.metrics);
  Json findings = Json::array();
  for (const Finding& f : analysis.findings) findings.push_back(finding_to_json(f));
  j["findings"] = findings;
  return j;
}

std::string analysis_numbers_text(const SignalMetrics& m, const std::string& indent) {
  std::string out;
  char line[512];
  std::snprintf(line, sizeof line, "%s%.2f s, %d Hz, %d channel%s; speech %.1f s\n", indent.c_str(), m.duration_s, m.sample_rate,
                m.channels, m.channels == 1 ? "" : "s", m.speech_seconds);
  out += line;
  // A noise floor no pause let us hear is "not measured", never a number.
  const bool floor_unmeasured = m.duration_s > 0 && !m.noise_floor_dbfs;
  const std::string noise = floor_unmeasured ? "not measured" : fixed(m.noise_floor_dbfs, 1, " dBFS");
  const std::string snr = floor_unmeasured && m.speech_level_dbfs ? "not measured" : fixed(m.snr_db, 1, " dB");
  out += indent + "speech " + fixed(m.speech_level_dbfs, 1, " dBFS") + ", noise floor " + noise + ", SNR " + snr +
         ", loudness " + fixed(m.loudness_lufs, 1, " LUFS") + "\n";
  out += indent + "peak " + fixed(m.peak_dbfs, 1, " dBFS") + ", RMS " + fixed(m.rms_dbfs, 1, " dBFS") + ", clipped " +
         fixed(m.clipped_fraction * 100, 3, " %") + ", DC " + fixed(m.dc_offset, 4, "") + "\n";
  out += indent + "hum " + (m.hum_hz ? fixed(m.hum_hz, 0, " Hz at ") + fixed(m.hum_dbfs, 1, " dBFS") : std::string("none")) +
         ", bandwidth " + fixed(m.bandwidth_hz ? std::optional<double>(*m.bandwidth_hz / 1000.0) : std::nullopt, 1, " kHz") +
         ", dropouts " + std::to_string(m.dropouts);
  if (m.channel_correlation) out += ", channel correlation " + fixed(m.channel_correlation, 2, "");
  out += "\n";
  return out;
}

}  // namespace micdoctor
