// The Linux side of platform.hpp: libpulse (PulseAudio and PipeWire), sysfs,
// alsa-lib, and the journal under $XDG_STATE_HOME.
#include "platform/platform.hpp"

#include "platform/linux/journal_file.hpp"
#include "platform/linux/linux_snapshot.hpp"
#include "platform/linux/linux_system.hpp"
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

// CONTRACT STUB (issue 16): the ui/server helper implements it (xdg-open).
bool open_in_browser(const std::string&, std::string& error) {
  error = "not built yet";
  return false;
}

bool started_by_double_click() { return false; }

}  // namespace micdoctor::platform
