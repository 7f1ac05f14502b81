// The Windows side of platform.hpp: MMDevice and WASAPI, the registry, and
// the journal under %LOCALAPPDATA%.
#include "platform/platform.hpp"

#include <windows.h>

#include <array>

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

// Explorer starts a console program with a console of its own, which closes
// when the program ends: the program is the only process attached to it. From
// cmd, PowerShell or Windows Terminal the shell shares the console, so the
// list holds at least two. No console at all (started detached) is not a
// double-click either: there is no one to show the usage to, and no window.
bool started_by_double_click() {
  std::array<DWORD, 2> processes{};
  const DWORD attached = GetConsoleProcessList(processes.data(), static_cast<DWORD>(processes.size()));
  return attached == 1;
}

}  // namespace micdoctor::platform
