#pragma once
// Windows services, the rules shared by the checks (service_checks.cpp) and
// `micdoctor drivers` (report/drivers_report.cpp): whether a service's state
// is a fault, the words for its start type, and the exact commands an
// administrator types to set the start type back and start it (Command
// Prompt or PowerShell, run as administrator). The Windows fix says them
// when it is refused for want of elevation.
#include <optional>
#include <string>
#include <vector>

#include "model/drivers.hpp"
#include "model/finding.hpp"

namespace micdoctor::checks {

// Whether the service's state is a fault, and how bad; nullopt when it is
// as it should be, or not known (not installed, not readable). Windows Audio
// and its Endpoint Builder must run: stopped (or stopping, paused) is an
// error, disabled but still running a warning (it will not start after the
// next restart). camsvc is trigger-started (stopped with start type manual
// is its normal rest): disabled is an error, a warning while it still runs.
std::optional<Severity> service_fault(const ServiceState& service);

// The start type in Windows' own words (services.msc): "Automatic",
// "Automatic (Delayed Start)", "Manual", "Disabled"; "unknown" for "".
std::string start_type_words(const std::string& start_type);

// sc.exe's word for a start type: "auto", "delayed-auto", "demand", "disabled"
// ("" for one sc cannot set, such as "boot").
std::string sc_start_word(const std::string& start_type);

// PowerShell's -StartupType: "Automatic", "AutomaticDelayedStart", "Manual", "Disabled" ("" otherwise).
std::string powershell_startup_type(const std::string& start_type);

// `sc.exe config NAME start= WORD` (the space after "start=" is required), then
// `sc.exe start NAME` unless the start type is "disabled". Written sc.exe, not sc:
// in PowerShell "sc" is Set-Content. One command per element: each is typed
// (or pasted) on its own line, which works in both cmd and PowerShell.
std::vector<std::string> sc_commands(const std::string& service, const std::string& start_type);

// The same in one PowerShell line: Set-Service ... ; Start-Service ...
std::string powershell_command(const std::string& service, const std::string& start_type);

// What to tell someone who is not an administrator: who can do it, and the
// exact commands, each quoted to be typed on its own line.
std::string administrator_needed(const std::string& service, const std::string& start_type);

}  // namespace micdoctor::checks
