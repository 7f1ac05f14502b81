// `check` and `devices`: read a snapshot (live, or from a file), run the
// checks, print. The work is in platform/, checks/ and report/.
#include "cli/check_command.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>

#include "checks/run_checks.hpp"
#include "cli/usage.hpp"
#include "model/snapshot_json.hpp"
#include "platform/linux/linux_snapshot.hpp"
#include "report/check_report.hpp"
#include "report/terminal.hpp"

namespace micdoctor::cli {
namespace {

struct Options {
  std::string device;
  bool json = false;
  bool verbose = false;
  std::string snapshot_file;
};

// Parses the options check and devices share; prints and returns null on error.
std::optional<Options> parse(const std::vector<std::string>& args, const std::string& command, bool allow_check_options) {
  Options options;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    const auto value = [&](const std::string& name) -> std::optional<std::string> {
      const std::string prefix = name + "=";
      if (a.rfind(prefix, 0) == 0) return a.substr(prefix.size());
      if (i + 1 >= args.size()) {
        usage_error(name + " needs a value");
        return std::nullopt;
      }
      return args[++i];
    };
    const auto is = [&](const std::string& name) { return a == name || a.rfind(name + "=", 0) == 0; };
    if (is("--format")) {
      const auto format = value("--format");
      if (!format) return std::nullopt;
      if (*format != "text" && *format != "json") return usage_error("--format must be text or json"), std::nullopt;
      options.json = *format == "json";
    } else if (is("--snapshot")) {
      const auto file = value("--snapshot");
      if (!file) return std::nullopt;
      options.snapshot_file = *file;
    } else if (allow_check_options && is("--device")) {
      const auto device = value("--device");
      if (!device) return std::nullopt;
      if (device->empty()) return usage_error("--device needs a device id (see 'micdoctor devices')"), std::nullopt;
      options.device = *device;
    } else if (allow_check_options && (a == "-v" || a == "--verbose")) {
      options.verbose = true;
    } else {
      return usage_error("unknown option for " + command + ": " + escape_for_terminal(a)), std::nullopt;
    }
  }
  return options;
}

// Reads a snapshot file: a regular file, bounded in size, valid JSON of our schema.
SystemSnapshot load_snapshot(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) throw SnapshotError(path + ": cannot open (" + std::string(std::strerror(errno)) + ")");
  struct stat info {};
  std::string text;
  std::string problem;
  if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
    problem = "not a regular file";
  } else if (static_cast<std::size_t>(info.st_size) > kMaxSnapshotBytes) {
    problem = "larger than 16 MiB: not a snapshot";
  } else {
    text.resize(static_cast<std::size_t>(info.st_size));
    std::size_t got = 0;
    while (got < text.size()) {
      const ssize_t n = ::read(fd, text.data() + got, text.size() - got);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      got += static_cast<std::size_t>(n);
    }
    text.resize(got);
  }
  ::close(fd);
  if (!problem.empty()) throw SnapshotError(path + ": " + problem);
  try {
    return snapshot_from_text(text);
  } catch (const SnapshotError& e) {
    throw SnapshotError(path + ": " + e.what());
  }
}

std::optional<SystemSnapshot> obtain_snapshot(const Options& options) {
  try {
    if (!options.snapshot_file.empty()) return load_snapshot(options.snapshot_file);
    return linux_system::read_linux_snapshot(linux_system::ReadOptions{});
  } catch (const SnapshotError& e) {
    std::fprintf(stderr, "micdoctor: %s\n", escape_for_terminal(e.what()).c_str());
    return std::nullopt;
  }
}

}  // namespace

int run_check(const std::vector<std::string>& args) {
  const std::optional<Options> options = parse(args, "check", true);
  if (!options) return 2;
  const std::optional<SystemSnapshot> snapshot = obtain_snapshot(*options);
  if (!snapshot) return 2;
  if (!options->device.empty() && snapshot->server.reachable && !find_source_by_id(*snapshot, options->device)) {
    std::fprintf(stderr, "micdoctor: no capture device '%s' (run 'micdoctor devices' for the list)\n",
                 escape_for_terminal(options->device).c_str());
    return 2;
  }
  const std::vector<Finding> findings = run_checks(*snapshot, options->device);
  const CheckReportInput report{*snapshot, source_in_use(*snapshot, options->device), findings};
  if (options->json) {
    std::printf("%s\n", check_to_json(report).c_str());
  } else {
    std::fputs(check_to_text(report, detect_text_style(STDOUT_FILENO), options->verbose).c_str(), stdout);
  }
  return std::any_of(findings.begin(), findings.end(), is_problem) ? 1 : 0;
}

int run_devices(const std::vector<std::string>& args) {
  const std::optional<Options> options = parse(args, "devices", false);
  if (!options) return 2;
  const std::optional<SystemSnapshot> snapshot = obtain_snapshot(*options);
  if (!snapshot) return 2;
  if (options->json) {
    std::printf("%s\n", devices_to_json(*snapshot).c_str());
  } else {
    std::fputs(devices_to_text(*snapshot, detect_text_style(STDOUT_FILENO)).c_str(), stdout);
  }
  return snapshot->server.reachable ? 0 : 2;
}

}  // namespace micdoctor::cli
