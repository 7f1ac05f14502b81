#pragma once
// The exact commands an administrator types to set an audio service's start
// type back and start it (Command Prompt or PowerShell, run as administrator).
// Pure text: the checks print them, and the Windows fix says them when it is
// refused for want of elevation.
#include <string>
#include <vector>

namespace micdoctor::checks {

// sc.exe's word for a start type: "auto", "delayed-auto", "demand", "disabled"
// ("" for one sc cannot set, such as "boot").
std::string sc_start_word(const std::string& start_type);

// PowerShell's -StartupType: "Automatic", "AutomaticDelayedStart", "Manual", "Disabled" ("" otherwise).
std::string powershell_startup_type(const std::string& start_type);

// `sc.exe config NAME start= WORD` (the space after "start=" is required), then
// `sc.exe start NAME` unless the start type is "disabled". Written sc.exe, not sc:
// in PowerShell "sc" is Set-Content.
std::vector<std::string> sc_commands(const std::string& service, const std::string& start_type);

// The same in one PowerShell line: Set-Service ... ; Start-Service ...
std::string powershell_command(const std::string& service, const std::string& start_type);

// What to tell someone who is not an administrator: who can do it, and the exact commands.
std::string administrator_needed(const std::string& service, const std::string& start_type);

}  // namespace micdoctor::checks
