#pragma once
#include <cstdio>
#include <filesystem>
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

// A report written while it is made (micdoctor watch prints each event as it
// happens): to stdout, or to a file beside its final name renamed into place
// by commit(), as write_report does; a device or pipe is written in place.
// A stream never committed removes its partial file.
class ReportStream {
 public:
  ReportStream() = default;
  ~ReportStream();
  ReportStream(const ReportStream&) = delete;
  ReportStream& operator=(const ReportStream&) = delete;

  // path "" for stdout. False with the reason in `error`.
  bool open(const std::string& path, std::string& error);
  // Appends and flushes; false once a write failed (the disk is full...).
  bool write(const std::string& text);
  // The file under its final name. False with the reason in `error`.
  bool commit(std::string& error);
  std::FILE* file() const { return file_; }

 private:
  std::string path_;
  std::filesystem::path temporary_;  // empty when written in place
  std::FILE* file_ = nullptr;
  bool failed_ = false;
};

}  // namespace micdoctor::cli
