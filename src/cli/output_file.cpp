#include "cli/output_file.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <system_error>

namespace micdoctor::cli {

std::optional<ReportFormat> parse_report_format(const std::string& name) {
  if (name == "text") return ReportFormat::text;
  if (name == "json") return ReportFormat::json;
  if (name == "html") return ReportFormat::html;
  if (name == "markdown") return ReportFormat::markdown;
  return std::nullopt;
}

bool write_report(const std::string& text, const std::string& path, std::string& error) {
  if (path.empty()) {
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
    return true;
  }
  const std::filesystem::path target = std::filesystem::u8path(path);
  std::filesystem::path temporary = target;
  temporary += ".micdoctor-partial";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out) {
      error = "cannot write " + path;
      return false;
    }
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    out.flush();
    if (!out) {
      error = "writing " + path + " failed (disk full?)";
      std::error_code ignored;
      std::filesystem::remove(temporary, ignored);
      return false;
    }
  }
  std::error_code code;
  std::filesystem::rename(temporary, target, code);
  if (code) {
    error = "cannot replace " + path + " (" + code.message() + ")";
    std::filesystem::remove(temporary, code);
    return false;
  }
  return true;
}

}  // namespace micdoctor::cli
