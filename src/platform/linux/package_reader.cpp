#include "platform/linux/package_reader.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <set>
#include <sstream>

#include "checks/known_bad_versions.hpp"
#include "platform/linux/bounded_file.hpp"
#include "platform/linux/kernel_readers.hpp"
#include "platform/linux/process.hpp"

namespace micdoctor::linux_system {
namespace fs = std::filesystem;
namespace {

using Clock = std::chrono::steady_clock;

struct FileCloser {
  void operator()(std::FILE* file) const { std::fclose(file); }
};
using File = std::unique_ptr<std::FILE, FileCloser>;

constexpr std::size_t kMaxLine = 8192;  // longer lines are cut: no field we read is near it

void add_package(PackageDatabase& db, const std::string& name, const std::string& version) {
  const bool known = std::any_of(db.packages.begin(), db.packages.end(), [&](const InstalledPackage& p) {
    return p.name == name && p.version == version;  // multi-arch copies (amd64 and i386) are one
  });
  if (!known) db.packages.push_back(InstalledPackage{name, version});
}

// "install ok installed" / "hold ok installed": want, error flag, state.
bool is_installed_status(const std::string& status) {
  std::istringstream words(status);
  std::string want;
  std::string flag;
  std::string state;
  words >> want >> flag >> state;
  return (want == "install" || want == "hold") && flag == "ok" && state == "installed";
}

struct Stanza {
  std::string name;
  std::string version;
  std::string status;
  void clear() { name.clear(), version.clear(), status.clear(); }
};

void field(const std::string& line, const char* key, std::string& out) {
  const std::size_t length = std::strlen(key);
  if (line.compare(0, length, key) != 0) return;
  std::size_t start = length;
  while (start < line.size() && (line[start] == ' ' || line[start] == '\t')) ++start;
  std::size_t end = line.size();
  while (end > start && (line[end - 1] == ' ' || line[end - 1] == '\t' || line[end - 1] == '\r')) --end;
  out = line.substr(start, end - start);
}

}  // namespace

PackageDatabase read_dpkg_status(const fs::path& status, const std::vector<std::string>& names,
                                 const PackageReadLimits& limits) {
  PackageDatabase db;
  db.manager = "dpkg";
  db.asked = names;
  std::error_code error;
  if (!fs::is_regular_file(status, error)) {
    db.error = status.string() + " is not a regular file";
    return db;
  }
  File file(std::fopen(status.c_str(), "rbe"));
  if (!file) {
    db.error = "cannot read " + status.string() + ": " + std::strerror(errno);
    return db;
  }
  const std::set<std::string> wanted(names.begin(), names.end());
  const Clock::time_point deadline = Clock::now() + limits.time;
  Stanza stanza;
  std::size_t stanzas = 0;
  const auto finish = [&] {
    if (!stanza.name.empty()) {
      ++stanzas;
      if (wanted.count(stanza.name) != 0 && !stanza.version.empty() && is_installed_status(stanza.status)) {
        add_package(db, stanza.name, stanza.version);
      }
    }
    stanza.clear();
  };
  const auto take_line = [&](const std::string& line) {
    if (line.empty() || line == "\r") {
      finish();
    } else if (line[0] != ' ' && line[0] != '\t') {  // continuation lines belong to fields we skip
      field(line, "Package:", stanza.name);
      field(line, "Version:", stanza.version);
      field(line, "Status:", stanza.status);
    }
  };
  std::string line;
  std::size_t total = 0;
  char buffer[65536];
  for (;;) {
    const std::size_t got = std::fread(buffer, 1, sizeof buffer, file.get());
    if (got == 0) break;
    total += got;
    if (total > limits.max_bytes) {
      db.error = status.string() + " is larger than " + std::to_string(limits.max_bytes >> 20) +
                 " MB: not a dpkg status file micdoctor trusts";
      db.packages.clear();
      return db;
    }
    if (Clock::now() > deadline) {
      db.error = "reading " + status.string() + " took longer than " + std::to_string(limits.time.count()) + " ms";
      db.packages.clear();
      return db;
    }
    for (std::size_t i = 0; i < got; ++i) {
      const char c = buffer[i];
      if (c == '\n') {
        take_line(line);
        line.clear();
      } else if (line.size() < kMaxLine) {
        line += c;
      }
    }
  }
  if (std::ferror(file.get()) != 0) {
    db.error = "reading " + status.string() + " failed";
    db.packages.clear();
    return db;
  }
  take_line(line);  // a file cut mid-line still gives its last stanza
  finish();
  if (stanzas == 0) {
    db.error = status.string() + " holds no package stanzas (damaged or empty)";
    db.packages.clear();
    return db;
  }
  db.read = true;
  return db;
}

PackageDatabase read_pacman_local(const fs::path& local, const std::vector<std::string>& names,
                                  const PackageReadLimits& limits) {
  PackageDatabase db;
  db.manager = "pacman";
  db.asked = names;
  std::error_code error;
  fs::directory_iterator it(local, error);
  if (error) {
    db.error = "cannot list " + local.string() + ": " + error.message();
    return db;
  }
  const Clock::time_point deadline = Clock::now() + limits.time;
  std::size_t entries = 0;
  std::size_t package_dirs = 0;
  for (; it != fs::directory_iterator(); it.increment(error)) {
    if (error) break;
    if (++entries > limits.max_entries) {
      db.error = local.string() + " holds more than " + std::to_string(limits.max_entries) + " entries";
      db.packages.clear();
      return db;
    }
    if (Clock::now() > deadline) {
      db.error = "reading " + local.string() + " took longer than " + std::to_string(limits.time.count()) + " ms";
      db.packages.clear();
      return db;
    }
    const std::string dir = it->path().filename().string();
    if (!it->is_directory(error)) continue;  // ALPM_DB_VERSION
    ++package_dirs;
    // "<name>-<version>-<rel>": only a name asked for is opened, and desc says the name for sure.
    const bool candidate = std::any_of(names.begin(), names.end(), [&](const std::string& name) {
      return dir.size() > name.size() + 1 && dir.compare(0, name.size(), name) == 0 && dir[name.size()] == '-';
    });
    if (!candidate) continue;
    const auto desc = read_bounded_file(it->path() / "desc", 1 << 20);
    if (!desc) continue;
    std::istringstream lines(*desc);
    std::string line;
    std::string name;
    std::string version;
    while (std::getline(lines, line)) {
      if (line == "%NAME%") std::getline(lines, name);
      if (line == "%VERSION%") std::getline(lines, version);
    }
    if (!name.empty() && !version.empty() && std::find(names.begin(), names.end(), name) != names.end()) {
      add_package(db, name, version);
    }
  }
  if (package_dirs == 0) {
    db.error = local.string() + " holds no packages";
    db.packages.clear();
    return db;
  }
  db.read = true;
  return db;
}

std::vector<InstalledPackage> parse_rpm_query(const std::string& output, const std::vector<std::string>& names) {
  std::vector<InstalledPackage> packages;
  std::istringstream lines(output);
  std::string line;
  while (std::getline(lines, line)) {
    const std::size_t space = line.find(' ');
    if (space == std::string::npos || space == 0 || space + 1 >= line.size()) continue;
    const std::string name = line.substr(0, space);
    std::string version = line.substr(space + 1);
    if (version.starts_with(":")) version.erase(0, 1);  // no epoch: the query's empty branch
    if (std::find(names.begin(), names.end(), name) == names.end()) continue;
    const bool known = std::any_of(packages.begin(), packages.end(),
                                   [&](const InstalledPackage& p) { return p.name == name && p.version == version; });
    if (!known) packages.push_back(InstalledPackage{name, version});
  }
  return packages;
}

namespace {

PackageDatabase read_rpm(const fs::path& root, const std::vector<std::string>& names) {
  PackageDatabase db;
  db.manager = "rpm";
  db.asked = names;
  if (root != fs::path("/")) {
    db.error = "an rpm database is under " + root.string() +
               ", but micdoctor reads rpm's only on the running system, through the rpm program";
    return db;
  }
  if (!program_on_path("rpm")) {
    db.error = "an rpm database is here but the rpm program is not";
    return db;
  }
  const auto output = run_program({"rpm", "-qa", "--qf", "%{NAME} %|EPOCH?{%{EPOCH}:}:{}|%{VERSION}-%{RELEASE}\\n"},
                                  std::chrono::milliseconds(5000), std::size_t{8} << 20);
  if (!output) {
    db.error = "rpm -qa failed or took longer than 5 s";
    return db;
  }
  db.packages = parse_rpm_query(*output, names);
  db.read = true;
  return db;
}

}  // namespace

PackageDatabase read_package_database(const fs::path& root, const std::vector<std::string>& names) {
  std::error_code error;
  const fs::path dpkg = root / "var/lib/dpkg/status";
  const fs::path pacman = root / "var/lib/pacman/local";
  const auto read = [&](const std::string& manager) {
    if (manager == "dpkg") return read_dpkg_status(dpkg, names);
    if (manager == "pacman") return read_pacman_local(pacman, names);
    return read_rpm(root, names);
  };
  // The distribution decides: the checks ask for its package names, and a
  // Fedora or Arch system may have dpkg installed too (for building .debs),
  // whose database never holds them.
  const Distribution distribution = read_distribution(root);
  const std::string manager = checks::package_manager_of(checks::package_family(distribution));
  if (!manager.empty()) return read(manager);
  // An unknown family: whichever database the root has.
  if (fs::exists(dpkg, error)) return read("dpkg");
  if (fs::is_directory(pacman, error)) return read("pacman");
  if (fs::exists(root / "var/lib/rpm", error) || fs::exists(root / "usr/lib/sysimage/rpm", error)) return read("rpm");
  PackageDatabase db;
  db.asked = names;
  db.error = "no package database found (dpkg, pacman or rpm)";
  return db;
}

}  // namespace micdoctor::linux_system
