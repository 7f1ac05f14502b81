// The redirect file micdoctor ui hands xdg-open instead of its secret link
// (platform/linux/browser_redirect): mode 0600, the URL escaped, a private
// directory chosen, everything removed when it is dropped.
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "platform/linux/browser_redirect.hpp"

namespace micdoctor::linux_system {
namespace {

namespace fs = std::filesystem;

// A scratch directory of mode 0700, removed with everything in it.
class ScratchDirectory {
 public:
  ScratchDirectory() {
    std::string pattern = (fs::temp_directory_path() / "micdoctor-redirect-test-XXXXXX").string();
    path_ = ::mkdtemp(pattern.data()) != nullptr ? pattern : "";
  }
  ~ScratchDirectory() {
    std::error_code ignored;
    if (!path_.empty()) fs::remove_all(path_, ignored);
  }
  ScratchDirectory(const ScratchDirectory&) = delete;
  ScratchDirectory& operator=(const ScratchDirectory&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

unsigned permissions(const fs::path& path) {
  struct stat status {};
  EXPECT_EQ(::lstat(path.c_str(), &status), 0) << path;
  return status.st_mode & 07777U;
}

std::string contents(const fs::path& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

const std::string kHostileUrl = R"(http://127.0.0.1:8/?key=ab&c="><script>x</script>')";
const std::string kEscapedUrl = "http://127.0.0.1:8/?key=ab&amp;c=&quot;&gt;&lt;script&gt;x&lt;/script&gt;&#39;";

TEST(UiBrowserRedirect, ThePageRefreshesToTheEscapedUrlAndLinksToItWithoutScript) {
  const std::string page = redirect_page(kHostileUrl);
  EXPECT_NE(page.find(R"(<meta http-equiv="refresh" content="0; url=)" + kEscapedUrl + R"(">)"), std::string::npos)
      << page;
  EXPECT_NE(page.find(R"(<a href=")" + kEscapedUrl + R"(">)"), std::string::npos) << page;
  EXPECT_EQ(page.find("<script"), std::string::npos) << page;
  EXPECT_EQ(page.find(kHostileUrl), std::string::npos) << page;  // never raw: it cannot close the attribute
}

TEST(UiBrowserRedirect, TheFileIsOnlyOursHoldsThePageAndGoesWithItsOwner) {
  const ScratchDirectory scratch;
  ASSERT_FALSE(scratch.path().empty());
  std::string error;
  auto file = RedirectFile::write_into(scratch.path(), kHostileUrl, error);
  ASSERT_TRUE(file) << error;
  const fs::path path = file->path();
  EXPECT_EQ(path.parent_path(), scratch.path());
  EXPECT_EQ(path.extension(), ".html");
  EXPECT_EQ(permissions(path), 0600U);
  EXPECT_EQ(contents(path), redirect_page(kHostileUrl));
  EXPECT_EQ(file->file_url(), "file://" + path.string());
  file.reset();
  EXPECT_FALSE(fs::exists(path));
  EXPECT_TRUE(fs::exists(scratch.path()));  // a directory it did not make stays
}

TEST(UiBrowserRedirect, APrivateRuntimeDirectoryIsUsedAsItIs) {
  const ScratchDirectory runtime;
  const ScratchDirectory temp;
  ASSERT_EQ(permissions(runtime.path()), 0700U);
  std::string error;
  auto file = write_redirect_file(kHostileUrl, runtime.path().string(), temp.path().string(), error);
  ASSERT_TRUE(file) << error;
  EXPECT_EQ(file->path().parent_path(), runtime.path());
  EXPECT_TRUE(fs::is_empty(temp.path()));
}

TEST(UiBrowserRedirect, OtherwiseAFreshPrivateDirectoryThatGoesWithTheFile) {
  const ScratchDirectory runtime;
  const ScratchDirectory temp;
  fs::permissions(runtime.path(), fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                                      fs::perms::others_read | fs::perms::others_exec);
  for (const std::string& runtime_directory : {runtime.path().string(), std::string(), std::string("/nonexistent")}) {
    std::string error;
    auto file = write_redirect_file(kHostileUrl, runtime_directory, temp.path().string(), error);
    ASSERT_TRUE(file) << error;
    const fs::path directory = file->path().parent_path();
    EXPECT_EQ(directory.parent_path(), temp.path()) << runtime_directory;
    EXPECT_EQ(permissions(directory), 0700U);
    EXPECT_EQ(permissions(file->path()), 0600U);
    EXPECT_EQ(contents(file->path()), redirect_page(kHostileUrl));
    file.reset();
    EXPECT_FALSE(fs::exists(directory)) << runtime_directory;
  }
  EXPECT_TRUE(fs::is_empty(runtime.path()));
}

TEST(UiBrowserRedirect, TheFileUrlEscapesThePath) {
  const ScratchDirectory scratch;
  const fs::path odd = scratch.path() / "a dir#?%";
  fs::create_directory(odd);
  fs::permissions(odd, fs::perms::owner_all);
  std::string error;
  auto file = RedirectFile::write_into(odd, kHostileUrl, error);
  ASSERT_TRUE(file) << error;
  EXPECT_EQ(file->file_url(), "file://" + scratch.path().string() + "/a%20dir%23%3F%25/" +
                                  file->path().filename().string());
}

}  // namespace
}  // namespace micdoctor::linux_system
