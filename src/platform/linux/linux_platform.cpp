// The Linux side of platform.hpp: libpulse (PulseAudio and PipeWire), sysfs,
// alsa-lib, and the journal under $XDG_STATE_HOME.
#include "platform/platform.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "platform/linux/browser_redirect.hpp"
#include "platform/linux/journal_file.hpp"
#include "platform/linux/linux_snapshot.hpp"
#include "platform/linux/linux_system.hpp"
#include "platform/linux/process.hpp"
#include "platform/pulse/pulse_capture.hpp"
#include "platform/pulse/pulse_watch.hpp"

namespace micdoctor::platform {

SystemSnapshot read_system_snapshot() { return linux_system::read_linux_snapshot(linux_system::ReadOptions{}); }

SystemSnapshot read_driver_snapshot(const DriverReadOptions& options) {
  linux_system::ReadOptions read;
  read.start_fwupd = true;
  read.refresh_fwupd = options.refresh;
  // Starting fwupd enumerates its plugins; a refresh downloads the metadata.
  read.fwupd_timeout = options.refresh ? std::chrono::seconds(60) : std::chrono::seconds(15);
  return linux_system::read_linux_snapshot(read);
}

CaptureOutcome capture(const CaptureRequest& request, CaptureListener& listener, const std::atomic<bool>& stop) {
  return pulse::capture(request, listener, stop);
}

WatchOutcome watch(const WatchRequest& request, WatchFeed& feed, const std::atomic<bool>& stop) {
  return pulse::watch(request, feed, stop);
}

std::unique_ptr<SystemAccess> open_system_access() { return std::make_unique<linux_system::LinuxSystem>(); }

std::unique_ptr<JournalStore> open_journal_store() {
  return std::make_unique<linux_system::JournalFile>(linux_system::JournalFile::default_directory());
}

std::string audio_system_name() { return "the sound server"; }

namespace {

// Keeps the redirect file while the page is served.
class RedirectHandoff final : public BrowserHandoff {
 public:
  explicit RedirectHandoff(std::unique_ptr<linux_system::RedirectFile> file) : file_(std::move(file)) {}

 private:
  std::unique_ptr<linux_system::RedirectFile> file_;
};

std::string environment_value(const char* name) {
  const char* value = std::getenv(name);  // NOLINT(concurrency-mt-unsafe): read before the server's threads start
  return value == nullptr ? std::string() : std::string(value);
}

// sh starts xdg-open in the background and exits at once, so micdoctor reaps
// sh now and never waits for the browser; the orphaned xdg-open is reaped by
// init. Its own session: Ctrl-C on micdoctor leaves the browser alone. The
// argument is never shell text; nothing is printed.
bool start_xdg_open(const std::string& argument, std::string& error) {
  std::vector<std::string> args = {"/bin/sh", "-c", "xdg-open \"$1\" </dev/null >/dev/null 2>&1 &", "sh", argument};
  std::vector<char*> argv;
  argv.reserve(args.size() + 1);
  for (auto& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSID);
  pid_t pid = 0;
  const int spawned = posix_spawn(&pid, argv[0], &actions, &attributes, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  if (spawned != 0) {
    error = std::string("could not start xdg-open: ") + std::strerror(spawned);  // NOLINT(concurrency-mt-unsafe)
    return false;
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    error = "could not start xdg-open";
    return false;
  }
  return true;
}

}  // namespace

std::unique_ptr<BrowserHandoff> open_in_browser(const std::string& url, std::string& error) {
  if (environment_value("DISPLAY").empty() && environment_value("WAYLAND_DISPLAY").empty()) {
    error = "no graphical session: DISPLAY and WAYLAND_DISPLAY are not set";
    return nullptr;
  }
  if (!linux_system::program_on_path("xdg-open")) {
    error = "xdg-open is not installed";
    return nullptr;
  }
  // xdg-open and the browser get the file's name: their command lines are
  // readable by every user of the machine, the file only by us.
  auto redirect = linux_system::write_redirect_file(url, environment_value("XDG_RUNTIME_DIR"),
                                                    environment_value("TMPDIR"), error);
  if (!redirect) return nullptr;
  if (!start_xdg_open(redirect->file_url(), error)) return nullptr;
  return std::make_unique<RedirectHandoff>(std::move(redirect));
}

bool started_by_double_click() { return false; }

}  // namespace micdoctor::platform
