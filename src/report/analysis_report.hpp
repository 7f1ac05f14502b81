#pragma once
// The analyze command's two output forms for one file.
#include <nlohmann/json.hpp>
#include <string>

#include "analysis/signal_analyzer.hpp"
#include "report/terminal.hpp"

namespace micdoctor {

inline constexpr const char* kAnalysisSchema = "micdoctor.analysis/1";

// One JSON Lines record: {"schema","file","metrics","findings"}.
std::string analysis_to_json_line(const std::string& file, const SignalAnalysis& analysis);
// A record for a file that could not be analysed: {"schema","file","error"}.
std::string analysis_error_json_line(const std::string& file, const std::string& error);

// {"metrics":{...},"findings":[...]}: the part of a record that describes the signal
// (also the "signal" object of a check with a microphone test).
nlohmann::ordered_json analysis_body_json(const SignalAnalysis& analysis);

// The numbers under a verdict, one line each, each line indented.
std::string analysis_numbers_text(const SignalMetrics& metrics, const std::string& indent);

// A doctor-style text block: the verdict first, then the numbers.
std::string analysis_to_text(const std::string& file, const SignalAnalysis& analysis, const TextStyle& style);

}  // namespace micdoctor
