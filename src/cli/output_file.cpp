#include "cli/output_file.hpp"

#include <cerrno>
#include <cctype>
#include <cstdio>
#include <cstring>
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

namespace {

std::string utf8(const std::filesystem::path& path) {
  const std::u8string text = path.u8string();
  return std::string(text.begin(), text.end());
}

// The system's reason for the last failure, as a clause: "permission denied".
std::string reason_from_errno(int error) {
  if (error == 0) return "the system gave no reason";
  std::string text = std::strerror(error);
  if (!text.empty()) text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
  return text;
}

// Why `path` cannot be written, in the words a user can act on. `error` is
// the errno of the failed attempt; the directory is looked at first, since
// "no such file or directory" does not say which part is missing.
std::string why_unwritable(const std::filesystem::path& target, int error) {
  std::error_code code;
  if (std::filesystem::is_directory(target, code)) return "it is a directory";
  const std::filesystem::path parent = target.has_parent_path() ? target.parent_path() : std::filesystem::path(".");
  const auto status = std::filesystem::status(parent, code);
  if (status.type() == std::filesystem::file_type::not_found) return "no such directory: " + utf8(parent);
  if (status.type() != std::filesystem::file_type::unknown && !std::filesystem::is_directory(status)) {
    return utf8(parent) + " is not a directory";
  }
  if (error == ENOSPC) return "the disk is full";
  return reason_from_errno(error);
}

std::filesystem::path temporary_beside(const std::filesystem::path& target) {
  std::filesystem::path temporary = target;
  temporary += ".micdoctor-partial";
  return temporary;
}

}  // namespace

bool check_writable(const std::string& path, std::string& error) {
  const std::filesystem::path target = std::filesystem::u8path(path);
  std::error_code code;
  if (std::filesystem::is_directory(target, code)) {
    error = "cannot write " + path + " (it is a directory)";
    return false;
  }
  const std::filesystem::path probe = temporary_beside(target);
  errno = 0;
  {
    const std::ofstream out(probe, std::ios::binary | std::ios::trunc);
    if (!out) {
      error = "cannot write " + path + " (" + why_unwritable(target, errno) + ")";
      return false;
    }
  }
  std::filesystem::remove(probe, code);
  return true;
}

bool write_report(const std::string& text, const std::string& path, std::string& error) {
  if (path.empty()) {
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
    return true;
  }
  const std::filesystem::path target = std::filesystem::u8path(path);
  std::error_code code;
  if (std::filesystem::is_directory(target, code)) {
    error = "cannot write " + path + " (it is a directory)";
    return false;
  }
  const std::filesystem::path temporary = temporary_beside(target);
  {
    errno = 0;
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out) {
      error = "cannot write " + path + " (" + why_unwritable(target, errno) + ")";
      return false;
    }
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    out.flush();
    if (!out) {
      error = "writing " + path + " failed (" + why_unwritable(target, errno) + ")";
      std::error_code ignored;
      std::filesystem::remove(temporary, ignored);
      return false;
    }
  }
  std::filesystem::rename(temporary, target, code);
  if (code) {
    std::string reason = code.message();
    if (!reason.empty()) reason[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(reason[0])));
    error = "cannot replace " + path + " (" + reason + ")";
    std::filesystem::remove(temporary, code);
    return false;
  }
  return true;
}

}  // namespace micdoctor::cli
