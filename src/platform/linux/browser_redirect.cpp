#include "platform/linux/browser_redirect.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>
#include <vector>

#include "platform/linux/file_descriptor.hpp"
#include "report/html_report.hpp"

namespace micdoctor::linux_system {
namespace {

std::string errno_words() { return std::strerror(errno); }  // NOLINT(concurrency-mt-unsafe): before threads start

bool unreserved_in_path(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '~' || c == '/';
}

}  // namespace

std::string redirect_page(const std::string& url) {
  const std::string escaped = escape_html(url);
  return "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
         "<meta name=\"referrer\" content=\"no-referrer\">\n"
         "<meta http-equiv=\"refresh\" content=\"0; url=" + escaped + "\">\n"
         "<title>micdoctor</title></head>\n"
         "<body><p><a href=\"" + escaped + "\">Open micdoctor</a></p></body></html>\n";
}

RedirectFile::RedirectFile(std::filesystem::path path, std::optional<std::filesystem::path> own_directory)
    : path_(std::move(path)), own_directory_(std::move(own_directory)) {}

RedirectFile::~RedirectFile() {
  std::error_code ignored;
  std::filesystem::remove(path_, ignored);
  if (own_directory_) std::filesystem::remove(*own_directory_, ignored);
}

std::string RedirectFile::file_url() const {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string url = "file://";
  for (const char c : path_.string()) {
    const auto byte = static_cast<unsigned char>(c);
    if (unreserved_in_path(byte)) {
      url += c;
    } else {
      url += '%';
      url += kHex[byte >> 4U];
      url += kHex[byte & 0x0FU];
    }
  }
  return url;
}

std::unique_ptr<RedirectFile> RedirectFile::write_into(const std::filesystem::path& directory, const std::string& url,
                                                       std::string& error) {
  std::string name = (directory / "micdoctor-ui-XXXXXX.html").string();
  // mkstemps: a fresh name, created exclusively with mode 0600.
  FileDescriptor fd(::mkstemps(name.data(), 5));
  if (fd.get() < 0) {
    error = "cannot create a file in " + directory.string() + ": " + errno_words();
    return nullptr;
  }
  std::unique_ptr<RedirectFile> file(new RedirectFile(name, std::nullopt));
  // 0600 whatever the umask: only we may read the secret.
  if (::fchmod(fd.get(), S_IRUSR | S_IWUSR) != 0 || !write_all(fd.get(), redirect_page(url)) || !fd.close_checked()) {
    error = "cannot write " + name + ": " + errno_words();
    return nullptr;  // the file goes with `file`
  }
  return file;
}

std::unique_ptr<RedirectFile> RedirectFile::write_into_new_directory(const std::filesystem::path& parent,
                                                                     const std::string& url, std::string& error) {
  std::string directory = (parent / "micdoctor-ui-XXXXXX").string();
  if (::mkdtemp(directory.data()) == nullptr) {  // mode 0700
    error = "cannot create a directory in " + parent.string() + ": " + errno_words();
    return nullptr;
  }
  auto file = write_into(directory, url, error);
  if (!file) {
    ::rmdir(directory.c_str());
    return nullptr;
  }
  file->own_directory_ = directory;
  return file;
}

bool is_private_directory(const std::filesystem::path& directory) {
  struct stat status {};
  if (directory.empty() || ::lstat(directory.c_str(), &status) != 0) return false;
  return S_ISDIR(status.st_mode) && status.st_uid == ::geteuid() && (status.st_mode & 07777) == S_IRWXU;
}

std::unique_ptr<RedirectFile> write_redirect_file(const std::string& url, const std::string& runtime_directory,
                                                  const std::string& temp_directory, std::string& error) {
  if (is_private_directory(runtime_directory)) return RedirectFile::write_into(runtime_directory, url, error);
  return RedirectFile::write_into_new_directory(temp_directory.empty() ? "/tmp" : temp_directory, url, error);
}

}  // namespace micdoctor::linux_system
