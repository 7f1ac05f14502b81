// The Windows side of platform.hpp: MMDevice and WASAPI, the registry, and
// the journal under %LOCALAPPDATA%.
#include "platform/platform.hpp"

#include "platform/windows/journal_file.hpp"
#include "platform/windows/windows_capture.hpp"
#include "platform/windows/windows_driver_updates.hpp"
#include "platform/windows/windows_settings.hpp"
#include "platform/windows/windows_snapshot.hpp"

namespace micdoctor::platform {

SystemSnapshot read_system_snapshot() { return windows::read_windows_snapshot(); }

SystemSnapshot read_driver_snapshot(const DriverReadOptions& options) {
  SystemSnapshot snapshot = windows::read_windows_snapshot();
  if (options.refresh) snapshot.driver_updates = windows::read_driver_updates(true);
  return snapshot;
}

CaptureOutcome capture(const CaptureRequest& request, CaptureListener& listener, const std::atomic<bool>& stop) {
  return windows::capture(request, listener, stop);
}

std::unique_ptr<SystemAccess> open_system_access() { return std::make_unique<windows::WindowsSystem>(); }

std::unique_ptr<JournalStore> open_journal_store() {
  return std::make_unique<windows::JournalFile>(windows::JournalFile::default_directory());
}

std::string audio_system_name() { return "Windows audio"; }

// CONTRACT STUB (issue 16): the ui/server helper implements it (ShellExecute).
bool open_in_browser(const std::string&, std::string& error) {
  error = "not built yet";
  return false;
}

// CONTRACT STUB (issue 16): the Windows helper implements it (GetConsoleProcessList).
bool started_by_double_click() { return false; }

}  // namespace micdoctor::platform
