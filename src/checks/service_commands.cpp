#include "checks/service_commands.hpp"

#include <array>

namespace micdoctor::checks {
namespace {

// One row per start type ServiceState may have that sc.exe and PowerShell can set.
struct StartTypeNames {
  const char* start_type;  // ServiceState::start_type
  const char* sc;          // sc.exe config ... start= WORD
  const char* powershell;  // Set-Service -StartupType WORD
  const char* words;       // services.msc's "Startup type"
};

constexpr std::array<StartTypeNames, 4> kStartTypes{{
    {"automatic", "auto", "Automatic", "Automatic"},
    // PowerShell 7; 5.1 has only Automatic.
    {"automatic_delayed", "delayed-auto", "AutomaticDelayedStart", "Automatic (Delayed Start)"},
    {"manual", "demand", "Manual", "Manual"},
    {"disabled", "disabled", "Disabled", "Disabled"},
}};

const StartTypeNames* find_start_type(const std::string& start_type) {
  for (const StartTypeNames& row : kStartTypes) {
    if (start_type == row.start_type) return &row;
  }
  return nullptr;
}

bool is_audio_service(const std::string& name) { return name == "AudioEndpointBuilder" || name == "Audiosrv"; }

}  // namespace

std::optional<Severity> service_fault(const ServiceState& service) {
  if (!service.exists || !service.error.empty()) return std::nullopt;
  const bool disabled = service.start_type == "disabled";
  const bool running = service.state == "running" || service.state == "start_pending";
  if (is_audio_service(service.name)) {
    const bool down = service.state == "stopped" || service.state == "stop_pending" || service.state == "paused";
    if (down || (disabled && !running)) return Severity::error;
    if (disabled) return Severity::warning;
    return std::nullopt;
  }
  if (service.name == "camsvc" && disabled) return running ? Severity::warning : Severity::error;
  return std::nullopt;
}

std::string start_type_words(const std::string& start_type) {
  if (const StartTypeNames* row = find_start_type(start_type)) return row->words;
  return start_type.empty() ? "unknown" : start_type;
}

std::string sc_start_word(const std::string& start_type) {
  const StartTypeNames* row = find_start_type(start_type);
  return row != nullptr ? row->sc : "";
}

std::string powershell_startup_type(const std::string& start_type) {
  const StartTypeNames* row = find_start_type(start_type);
  return row != nullptr ? row->powershell : "";
}

std::vector<std::string> sc_commands(const std::string& service, const std::string& start_type) {
  std::vector<std::string> commands;
  const std::string word = sc_start_word(start_type);
  if (!word.empty()) commands.push_back("sc.exe config " + service + " start= " + word);
  if (start_type != "disabled") commands.push_back("sc.exe start " + service);
  return commands;
}

std::string powershell_command(const std::string& service, const std::string& start_type) {
  std::string line;
  const std::string type = powershell_startup_type(start_type);
  if (!type.empty()) line = "Set-Service -Name " + service + " -StartupType " + type;
  if (start_type != "disabled") line += (line.empty() ? "" : "; ") + std::string("Start-Service -Name ") + service;
  return line;
}

std::string administrator_needed(const std::string& service, const std::string& start_type) {
  std::string text = "changing the service " + service +
                     " needs an administrator: open a Command Prompt as administrator (right-click it, "
                     "\"Run as administrator\") and run each of these on its own line (pasted as one line they fail): ";
  // One line of text (the note is printed as one), each command quoted on its own.
  const std::vector<std::string> commands = sc_commands(service, start_type);
  for (std::size_t i = 0; i < commands.size(); ++i) text += (i == 0 ? "'" : ", then '") + commands[i] + "'";
  return text;
}

}  // namespace micdoctor::checks
