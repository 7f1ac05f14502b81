#pragma once
// The analyze command's two output forms for one file.
#include <string>

#include "analysis/signal_analyzer.hpp"
#include "report/terminal.hpp"

namespace micdoctor {

inline constexpr const char* kAnalysisSchema = "micdoctor.analysis/1";

// One JSON Lines record: {"schema","file","metrics","findings"}.
std::string analysis_to_json_line(const std::string& file, const SignalAnalysis& analysis);
// A record for a file that could not be analysed: {"schema","file","error"}.
std::string analysis_error_json_line(const std::string& file, const std::string& error);

// A doctor-style text block: the verdict first, then the numbers.
std::string analysis_to_text(const std::string& file, const SignalAnalysis& analysis, const TextStyle& style);

}  // namespace micdoctor
