// The Windows side of platform.hpp: MMDevice and WASAPI, the registry, and
// the journal under %LOCALAPPDATA%.
#include "platform/platform.hpp"

#include <windows.h>
// windows.h first: shellapi.h needs its types.
#include <objbase.h>
#include <shellapi.h>

#include <array>
#include <string>

#include "platform/windows/journal_file.hpp"
#include "platform/windows/windows_capture.hpp"
#include "platform/windows/windows_driver_updates.hpp"
#include "platform/windows/windows_settings.hpp"
#include "platform/windows/windows_snapshot.hpp"
#include "platform/windows/windows_util.hpp"

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

std::unique_ptr<BrowserHandoff> open_in_browser(const std::string& url, std::string& error) {
  // Only ever our own http://127.0.0.1 link: ShellExecute opens it in the
  // default browser and returns without waiting for it.
  if (url.rfind("http://127.0.0.1:", 0) != 0) {
    error = "not a micdoctor link";
    return nullptr;
  }
  const std::wstring wide = windows::to_wide(url);
  // ShellExecute may hand the link to a COM handler: COM on this thread
  // while it runs (as Microsoft's documentation asks).
  const HRESULT com = CoInitializeEx(nullptr, COINIT_APARTMENTTHREADED | COINIT_DISABLE_OLE1DDE);
  const auto result = reinterpret_cast<INT_PTR>(ShellExecuteW(nullptr, L"open", wide.c_str(), nullptr, nullptr,
                                                              SW_SHOWNORMAL));
  if (SUCCEEDED(com)) CoUninitialize();
  if (result <= 32) {
    error = "ShellExecute failed (" + std::to_string(result) + ")";
    return nullptr;
  }
  return std::make_unique<BrowserHandoff>();  // nothing to keep: the URL went on the browser's command line
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
