#pragma once
// The page xdg-open is handed instead of micdoctor ui's link: a small HTML
// file that sends the browser on to the link. A program's arguments are
// readable by every local user (/proc/PID/cmdline of xdg-open and the
// browser); a file of mode 0600 in a directory only we can enter is not.
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

namespace micdoctor::linux_system {

// The page: a meta refresh to `url` and, for a browser that does not follow
// it, a link; the URL HTML-escaped, no script.
std::string redirect_page(const std::string& url);

// The redirect page on disk, removed (with the directory made for it, if
// any) when this is destroyed.
class RedirectFile {
 public:
  ~RedirectFile();
  RedirectFile(const RedirectFile&) = delete;
  RedirectFile& operator=(const RedirectFile&) = delete;

  const std::filesystem::path& path() const { return path_; }
  // file:///... for xdg-open, the path percent-encoded.
  std::string file_url() const;

  // Writes the page (mode 0600) into `directory`, which the caller has found
  // private (ours, 0700). nullptr with the reason in `error`.
  static std::unique_ptr<RedirectFile> write_into(const std::filesystem::path& directory, const std::string& url,
                                                  std::string& error);
  // Writes the page into a new directory (mode 0700, from mkdtemp) under
  // `parent`; both go when this is destroyed.
  static std::unique_ptr<RedirectFile> write_into_new_directory(const std::filesystem::path& parent,
                                                                const std::string& url, std::string& error);

 private:
  RedirectFile(std::filesystem::path path, std::optional<std::filesystem::path> own_directory);
  std::filesystem::path path_;
  std::optional<std::filesystem::path> own_directory_;
};

// `directory` when it is a directory (not a symbolic link) owned by this
// user with mode 0700: $XDG_RUNTIME_DIR as the XDG specification promises it.
bool is_private_directory(const std::filesystem::path& directory);

// Where the page goes: `runtime_directory` ($XDG_RUNTIME_DIR, may be empty)
// when it is private, else a new mkdtemp directory under `temp_directory`
// ($TMPDIR, or /tmp when empty).
std::unique_ptr<RedirectFile> write_redirect_file(const std::string& url, const std::string& runtime_directory,
                                                  const std::string& temp_directory, std::string& error);

}  // namespace micdoctor::linux_system
