#pragma once
#include <optional>
#include <string>

namespace micdoctor::cli {

// The report formats of check, test and analyze (--format).
enum class ReportFormat { text, json, html, markdown };

// "text", "json", "html" or "markdown"; nullopt for anything else.
std::optional<ReportFormat> parse_report_format(const std::string& name);

// Whether a file can be written at `path`, asked before the work that makes
// it (a recording, a long analysis): tries to create a file beside it and
// removes it again. False with the reason in `error`: "cannot write PATH (no
// such directory: DIR)", "(permission denied)", "(is a directory)", ...
bool check_writable(const std::string& path, std::string& error);

// Writes a report to stdout (path "") or to a file, the file written beside
// its final name and renamed into place when complete, so an interrupted run
// never leaves half a report. False with the reason in `error`.
bool write_report(const std::string& text, const std::string& path, std::string& error);

}  // namespace micdoctor::cli
