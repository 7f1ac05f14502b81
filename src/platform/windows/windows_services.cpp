// The audio services through the Service Control Manager. Reading needs no
// elevation (SC_MANAGER_CONNECT, SERVICE_QUERY_*); changing a start type and
// starting a service need an administrator: refused, the error says so and
// gives the exact command.
#include "platform/windows/windows_services.hpp"

#include <windows.h>

#include <array>
#include <chrono>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "checks/service_commands.hpp"
#include "platform/windows/windows_util.hpp"

namespace micdoctor::windows {
namespace {

// The services every microphone depends on, in the order they are reported.
constexpr std::array kAudioServices = {L"Audiosrv", L"AudioEndpointBuilder", L"camsvc"};
// How long a started service may take to report RUNNING before we stop waiting.
constexpr auto kStartWait = std::chrono::seconds(8);
constexpr auto kStartPoll = std::chrono::milliseconds(100);

// An SC_HANDLE (manager or service), closed when it goes.
class ServiceHandle {
 public:
  ServiceHandle() = default;
  explicit ServiceHandle(SC_HANDLE handle) : handle_(handle) {}
  ~ServiceHandle() {
    if (handle_ != nullptr) CloseServiceHandle(handle_);
  }
  ServiceHandle(const ServiceHandle&) = delete;
  ServiceHandle& operator=(const ServiceHandle&) = delete;
  ServiceHandle(ServiceHandle&& other) noexcept : handle_(std::exchange(other.handle_, nullptr)) {}
  ServiceHandle& operator=(ServiceHandle&& other) noexcept {
    if (this != &other) {
      if (handle_ != nullptr) CloseServiceHandle(handle_);
      handle_ = std::exchange(other.handle_, nullptr);
    }
    return *this;
  }
  SC_HANDLE get() const { return handle_; }
  explicit operator bool() const { return handle_ != nullptr; }

 private:
  SC_HANDLE handle_ = nullptr;
};

std::string describe_error(DWORD error) { return describe_hresult(HRESULT_FROM_WIN32(error)); }

std::string state_name(DWORD state) {
  switch (state) {
    case SERVICE_RUNNING: return "running";
    case SERVICE_STOPPED: return "stopped";
    case SERVICE_START_PENDING: return "start_pending";
    case SERVICE_STOP_PENDING: return "stop_pending";
    case SERVICE_PAUSED: return "paused";
    case SERVICE_PAUSE_PENDING: return "pause_pending";
    case SERVICE_CONTINUE_PENDING: return "continue_pending";
    default: return "";
  }
}

std::string start_type_name(DWORD start_type, bool delayed) {
  switch (start_type) {
    case SERVICE_AUTO_START: return delayed ? "automatic_delayed" : "automatic";
    case SERVICE_DEMAND_START: return "manual";
    case SERVICE_DISABLED: return "disabled";
    case SERVICE_BOOT_START: return "boot";
    case SERVICE_SYSTEM_START: return "system";
    default: return "";
  }
}

// The SCM's start type for our name; nullopt for one we do not set.
std::optional<DWORD> start_type_code(const std::string& name) {
  if (name == "automatic" || name == "automatic_delayed") return SERVICE_AUTO_START;
  if (name == "manual") return SERVICE_DEMAND_START;
  if (name == "disabled") return SERVICE_DISABLED;
  return std::nullopt;
}

ServiceHandle open_manager(DWORD access, std::string& error) {
  ServiceHandle manager(OpenSCManagerW(nullptr, nullptr, access));
  if (!manager) error = "the Service Control Manager cannot be opened: " + describe_error(GetLastError());
  return manager;
}

std::optional<SERVICE_STATUS_PROCESS> query_status(SC_HANDLE service) {
  SERVICE_STATUS_PROCESS status{};
  DWORD needed = 0;
  if (!QueryServiceStatusEx(service, SC_STATUS_PROCESS_INFO, reinterpret_cast<LPBYTE>(&status), sizeof status,
                            &needed)) {
    return std::nullopt;
  }
  return status;
}

// QueryServiceConfigW into a buffer of the size it asks for (bounded: 64 KiB).
std::vector<BYTE> query_config(SC_HANDLE service, DWORD& error) {
  DWORD needed = 0;
  QueryServiceConfigW(service, nullptr, 0, &needed);
  error = GetLastError();
  if (error != ERROR_INSUFFICIENT_BUFFER || needed == 0 || needed > 65536) return {};
  std::vector<BYTE> buffer(needed);
  if (!QueryServiceConfigW(service, reinterpret_cast<QUERY_SERVICE_CONFIGW*>(buffer.data()), needed, &needed)) {
    error = GetLastError();
    return {};
  }
  error = ERROR_SUCCESS;
  return buffer;
}

bool delayed_auto_start(SC_HANDLE service) {
  SERVICE_DELAYED_AUTO_START_INFO info{};
  DWORD needed = 0;
  if (!QueryServiceConfig2W(service, SERVICE_CONFIG_DELAYED_AUTO_START_INFO, reinterpret_cast<LPBYTE>(&info),
                            sizeof info, &needed)) {
    return false;  // older systems (and Wine) may not keep the flag: plain automatic
  }
  return info.fDelayedAutostart != FALSE;
}

// The start type (with the delayed flag) of an open service, and its display
// name when asked for; "" with an error in words when it cannot be read.
std::string read_start_type(SC_HANDLE service, std::string& error, std::string* display_name = nullptr) {
  DWORD code = ERROR_SUCCESS;
  const std::vector<BYTE> buffer = query_config(service, code);
  if (buffer.empty()) {
    error = "its configuration cannot be read: " + describe_error(code);
    return "";
  }
  const auto* config = reinterpret_cast<const QUERY_SERVICE_CONFIGW*>(buffer.data());
  if (display_name != nullptr && config->lpDisplayName != nullptr) *display_name = to_utf8(config->lpDisplayName);
  const DWORD type = config->dwStartType;
  return start_type_name(type, type == SERVICE_AUTO_START && delayed_auto_start(service));
}

ServiceState read_service(SC_HANDLE manager, const wchar_t* name) {
  ServiceState s;
  s.name = to_utf8(name);
  ServiceHandle service(OpenServiceW(manager, name, SERVICE_QUERY_STATUS | SERVICE_QUERY_CONFIG));
  if (!service) {
    const DWORD error = GetLastError();
    if (error == ERROR_SERVICE_DOES_NOT_EXIST) return s;
    s.exists = true;  // it is there, we may not look at it
    s.error = error == ERROR_ACCESS_DENIED ? "Windows does not let this account read the service " + s.name
                                           : "the service " + s.name + " cannot be opened: " + describe_error(error);
    return s;
  }
  s.exists = true;
  if (const auto status = query_status(service.get())) {
    s.state = state_name(status->dwCurrentState);
  } else {
    s.error = "its state cannot be read: " + describe_error(GetLastError());
  }
  std::string config_error;
  s.start_type = read_start_type(service.get(), config_error, &s.display_name);
  if (s.error.empty()) s.error = config_error;
  return s;
}

// Starts the service (unless it already runs) and waits, bounded, for RUNNING.
bool start_and_wait(SC_HANDLE service, const std::string& name, std::string& error) {
  auto status = query_status(service);
  if (status && status->dwCurrentState == SERVICE_RUNNING) return true;
  if (status && status->dwCurrentState == SERVICE_PAUSED) {
    // Paused: StartService only says "already running"; CONTINUE brings it back.
    SERVICE_STATUS continued{};
    if (!ControlService(service, SERVICE_CONTROL_CONTINUE, &continued)) {
      error = "the service " + name + " is paused and did not continue: " + describe_error(GetLastError());
      return false;
    }
  } else if (status && (status->dwCurrentState == SERVICE_PAUSE_PENDING ||
                        status->dwCurrentState == SERVICE_CONTINUE_PENDING)) {
    // On its way to paused or back: wait below (a pause that lands is continued by the next fix).
  } else if (!StartServiceW(service, 0, nullptr)) {
    const DWORD code = GetLastError();
    if (code != ERROR_SERVICE_ALREADY_RUNNING) {
      error = "the service " + name + " did not start: " + describe_error(code);
      return false;
    }
  }
  const auto deadline = std::chrono::steady_clock::now() + kStartWait;
  while (std::chrono::steady_clock::now() < deadline) {
    status = query_status(service);
    if (!status) break;
    if (status->dwCurrentState == SERVICE_RUNNING) return true;
    if (status->dwCurrentState == SERVICE_STOPPED) {
      error = "the service " + name + " stopped again right after starting (exit code " +
              std::to_string(status->dwWin32ExitCode) + ")";
      return false;
    }
    std::this_thread::sleep_for(kStartPoll);
  }
  error = "the service " + name + " did not report running within " +
          std::to_string(std::chrono::seconds(kStartWait).count()) + " s";
  return false;
}

}  // namespace

std::vector<ServiceState> read_audio_services() {
  std::vector<ServiceState> services;
  std::string error;
  const ServiceHandle manager = open_manager(SC_MANAGER_CONNECT, error);
  for (const wchar_t* name : kAudioServices) {
    if (!manager) {
      ServiceState s;
      s.name = to_utf8(name);
      s.error = error;
      services.push_back(std::move(s));
      continue;
    }
    services.push_back(read_service(manager.get(), name));
  }
  return services;
}

CurrentValue current_service_start_type(const std::string& service) {
  CurrentValue now;
  const ServiceHandle manager = open_manager(SC_MANAGER_CONNECT, now.error);
  if (!manager) return now;
  const ServiceHandle handle(OpenServiceW(manager.get(), to_wide(service).c_str(), SERVICE_QUERY_CONFIG | SERVICE_QUERY_STATUS));
  if (!handle) {
    const DWORD code = GetLastError();
    now.gone = code == ERROR_SERVICE_DOES_NOT_EXIST;
    now.error = now.gone ? "the service " + service + " is not installed"
                         : "the service " + service + " cannot be opened: " + describe_error(code);
    return now;
  }
  std::string start_type = read_start_type(handle.get(), now.error);
  if (start_type.empty()) return now;
  const auto status = query_status(handle.get());
  if (!status) {
    now.error = "the state of " + service + " cannot be read: " + describe_error(GetLastError());
    return now;
  }
  SettingValue value;
  value.name = std::move(start_type);
  value.flag = status->dwCurrentState == SERVICE_RUNNING;
  now.value = value;
  return now;
}

bool set_service_start_type(const std::string& service, const std::string& start_type, bool start, std::string& error) {
  const auto code = start_type_code(start_type);
  if (!code) {
    error = "micdoctor does not set a service to start \"" + start_type + "\"";
    return false;
  }
  const ServiceHandle manager = open_manager(SC_MANAGER_CONNECT, error);
  if (!manager) return false;
  const DWORD access =
      SERVICE_CHANGE_CONFIG | SERVICE_QUERY_CONFIG | SERVICE_QUERY_STATUS | SERVICE_START | SERVICE_PAUSE_CONTINUE;
  const ServiceHandle handle(OpenServiceW(manager.get(), to_wide(service).c_str(), access));
  if (!handle) {
    const DWORD failure = GetLastError();
    if (failure == ERROR_ACCESS_DENIED) {
      error = checks::administrator_needed(service, start_type);
    } else if (failure == ERROR_SERVICE_DOES_NOT_EXIST) {
      error = "the service " + service + " is not installed";
    } else {
      error = "the service " + service + " cannot be opened: " + describe_error(failure);
    }
    return false;
  }
  if (!ChangeServiceConfigW(handle.get(), SERVICE_NO_CHANGE, *code, SERVICE_NO_CHANGE, nullptr, nullptr, nullptr,
                            nullptr, nullptr, nullptr, nullptr)) {
    const DWORD failure = GetLastError();
    error = failure == ERROR_ACCESS_DENIED ? checks::administrator_needed(service, start_type)
                                           : "the start type of " + service + " was not changed: " +
                                                 describe_error(failure);
    return false;
  }
  if (*code == SERVICE_AUTO_START) {
    // Delayed or not is a second setting; where the system does not keep it
    // (older Windows, Wine) the plain start type stands.
    SERVICE_DELAYED_AUTO_START_INFO info{};
    info.fDelayedAutostart = start_type == "automatic_delayed" ? TRUE : FALSE;
    ChangeServiceConfig2W(handle.get(), SERVICE_CONFIG_DELAYED_AUTO_START_INFO, &info);
  }
  // Undo only restores the start type: a running audio service is never stopped.
  if (!start || start_type == "disabled") return true;
  return start_and_wait(handle.get(), service, error);
}

}  // namespace micdoctor::windows
