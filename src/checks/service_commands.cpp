#include "checks/service_commands.hpp"

namespace micdoctor::checks {

std::string sc_start_word(const std::string& start_type) {
  if (start_type == "automatic") return "auto";
  if (start_type == "automatic_delayed") return "delayed-auto";
  if (start_type == "manual") return "demand";
  if (start_type == "disabled") return "disabled";
  return "";
}

std::string powershell_startup_type(const std::string& start_type) {
  if (start_type == "automatic") return "Automatic";
  if (start_type == "automatic_delayed") return "AutomaticDelayedStart";  // PowerShell 7; 5.1 has only Automatic
  if (start_type == "manual") return "Manual";
  if (start_type == "disabled") return "Disabled";
  return "";
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
                     "\"Run as administrator\") and run: ";
  const std::vector<std::string> commands = sc_commands(service, start_type);
  for (std::size_t i = 0; i < commands.size(); ++i) text += (i == 0 ? "" : " then ") + commands[i];
  return text;
}

}  // namespace micdoctor::checks
