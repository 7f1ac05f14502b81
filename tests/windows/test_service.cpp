// Test-only (tests/windows/test_wine_services.py): the smallest real Windows
// service, so the Wine prefix's stand-ins for Audiosrv, AudioEndpointBuilder
// and camsvc can be started by the Service Control Manager: it reports
// RUNNING and waits for SERVICE_CONTROL_STOP. One binary serves any name.
#include <windows.h>

namespace {

SERVICE_STATUS_HANDLE g_status_handle = nullptr;
HANDLE g_stop = nullptr;

void report(DWORD state) {
  SERVICE_STATUS status{};
  status.dwServiceType = SERVICE_WIN32_OWN_PROCESS;
  status.dwCurrentState = state;
  status.dwControlsAccepted = state == SERVICE_RUNNING ? SERVICE_ACCEPT_STOP : 0;
  SetServiceStatus(g_status_handle, &status);
}

DWORD WINAPI control(DWORD code, DWORD, LPVOID, LPVOID) {
  if (code == SERVICE_CONTROL_STOP) {
    report(SERVICE_STOP_PENDING);
    SetEvent(g_stop);
  }
  return NO_ERROR;
}

void WINAPI service_main(DWORD, LPWSTR* argv) {
  g_status_handle = RegisterServiceCtrlHandlerExW(argv[0], control, nullptr);
  if (g_status_handle == nullptr) return;
  g_stop = CreateEventW(nullptr, TRUE, FALSE, nullptr);
  report(SERVICE_RUNNING);
  WaitForSingleObject(g_stop, INFINITE);
  report(SERVICE_STOPPED);
}

}  // namespace

int main() {
  wchar_t any_name[] = L"";  // ignored for an own-process service
  const SERVICE_TABLE_ENTRYW table[] = {{any_name, service_main}, {nullptr, nullptr}};
  return StartServiceCtrlDispatcherW(table) ? 0 : 1;
}
