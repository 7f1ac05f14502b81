// Test-only (tests/windows/test_wine_services.py): the smallest real Windows
// service, so the Wine prefix's stand-ins for Audiosrv, AudioEndpointBuilder
// and camsvc can be started by the Service Control Manager: it reports
// RUNNING, pauses and continues when told, and waits for SERVICE_CONTROL_STOP.
// One binary serves any name. Run as `micdoctor_test_service.exe pause NAME`
// it is a client instead: it pauses the service NAME (Wine's sc.exe cannot).
#include <windows.h>

#include <cstring>

namespace {

SERVICE_STATUS_HANDLE g_status_handle = nullptr;
HANDLE g_stop = nullptr;

void report(DWORD state) {
  SERVICE_STATUS status{};
  status.dwServiceType = SERVICE_WIN32_OWN_PROCESS;
  status.dwCurrentState = state;
  status.dwControlsAccepted =
      state == SERVICE_RUNNING || state == SERVICE_PAUSED ? SERVICE_ACCEPT_STOP | SERVICE_ACCEPT_PAUSE_CONTINUE : 0;
  SetServiceStatus(g_status_handle, &status);
}

DWORD WINAPI control(DWORD code, DWORD, LPVOID, LPVOID) {
  if (code == SERVICE_CONTROL_STOP) {
    report(SERVICE_STOP_PENDING);
    SetEvent(g_stop);
  } else if (code == SERVICE_CONTROL_PAUSE) {
    report(SERVICE_PAUSED);
  } else if (code == SERVICE_CONTROL_CONTINUE) {
    report(SERVICE_RUNNING);
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

// The client: pause one service. 0 when the control was accepted.
int pause_service(const char* name) {
  SC_HANDLE manager = OpenSCManagerA(nullptr, nullptr, SC_MANAGER_CONNECT);
  if (manager == nullptr) return 2;
  SC_HANDLE service = OpenServiceA(manager, name, SERVICE_PAUSE_CONTINUE);
  SERVICE_STATUS status{};
  const bool paused = service != nullptr && ControlService(service, SERVICE_CONTROL_PAUSE, &status);
  if (service != nullptr) CloseServiceHandle(service);
  CloseServiceHandle(manager);
  return paused ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 3 && std::strcmp(argv[1], "pause") == 0) return pause_service(argv[2]);
  wchar_t any_name[] = L"";  // ignored for an own-process service
  const SERVICE_TABLE_ENTRYW table[] = {{any_name, service_main}, {nullptr, nullptr}};
  return StartServiceCtrlDispatcherW(table) ? 0 : 1;
}
