#pragma once
// A short summary to paste into a support ticket or a chat: the verdict, the
// findings with their ids, the key numbers, the system and the device, in at
// most 40 lines. Names from the system are escaped for Markdown.
#include <string>
#include <vector>

#include "analysis/signal_analyzer.hpp"
#include "report/check_report.hpp"

namespace micdoctor {

inline constexpr int kMaxMarkdownLines = 40;

std::string check_to_markdown(const CheckReportInput& report);
std::string analysis_to_markdown(const std::string& file, const SignalAnalysis& analysis);

// Backslash-escapes what Markdown would read as markup, and makes the text one line.
std::string escape_markdown(const std::string& text);

}  // namespace micdoctor
