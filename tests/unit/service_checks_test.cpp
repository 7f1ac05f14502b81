// The audio-service checks (service.audio_stopped, service.camsvc_disabled)
// on Windows snapshot fixtures (tests/fixtures/windows), the fix they plan,
// and the exact commands given to someone who is not an administrator. The
// Service Control Manager itself is proven under Wine
// (tests/windows/test_wine_services.py).
#include <gtest/gtest.h>

#include <algorithm>
#include <stdexcept>

#include "check_test_support.hpp"
#include "checks/run_checks.hpp"
#include "checks/service_commands.hpp"
#include "fixes/fix_plan.hpp"
#include "fixes/fix_session.hpp"

namespace micdoctor::test {
namespace {

bool has_step(const Finding& f, const std::string& text) {
  return std::any_of(f.manual_steps.begin(), f.manual_steps.end(),
                     [&](const std::string& s) { return s.find(text) != std::string::npos; });
}

ServiceState& service(SystemSnapshot& s, const std::string& name) {
  for (ServiceState& service : s.services) {
    if (service.name == name) return service;
  }
  throw std::runtime_error("no service " + name);
}

TEST(ServiceChecks, DisabledCamsvcIsAnErrorWithTheFixAndTheAdministratorsCommands) {
  const auto findings = run_checks(windows_fixture("camsvc_disabled"), "");
  const auto camsvc = with_id(findings, "service.camsvc_disabled");
  ASSERT_EQ(camsvc.size(), 1U);
  const Finding& f = *camsvc.front();
  EXPECT_EQ(f.severity, Severity::error);
  EXPECT_EQ(f.step, 1);
  EXPECT_EQ(f.device, "camsvc");
  EXPECT_EQ(f.fix, "service.start");
  EXPECT_NE(f.detail.find("is stopped, start type Disabled"), std::string::npos) << f.detail;
  EXPECT_NE(f.detail.find("privacy page"), std::string::npos) << f.detail;
  EXPECT_TRUE(has_step(f, "sc.exe config camsvc start= demand then sc.exe start camsvc"));
  EXPECT_TRUE(has_step(f, "Set-Service -Name camsvc -StartupType Manual; Start-Service -Name camsvc"));
  EXPECT_TRUE(has_step(f, "services.msc"));
  EXPECT_TRUE(with_id(findings, "service.audio_stopped").empty());
}

TEST(ServiceChecks, CamsvcStoppedWithStartTypeManualIsItsNormalRest) {
  SystemSnapshot s = windows_fixture("camsvc_disabled");
  service(s, "camsvc").start_type = "manual";
  EXPECT_TRUE(with_id(run_checks(s, ""), "service.camsvc_disabled").empty());
}

TEST(ServiceChecks, CamsvcDisabledButStillRunningWarnsOfTheNextRestart) {
  SystemSnapshot s = windows_fixture("camsvc_disabled");
  service(s, "camsvc").state = "running";
  const auto camsvc = with_id(run_checks(s, ""), "service.camsvc_disabled");
  ASSERT_EQ(camsvc.size(), 1U);
  EXPECT_EQ(camsvc.front()->severity, Severity::warning);
  EXPECT_NE(camsvc.front()->title.find("next restart"), std::string::npos);
}

TEST(ServiceChecks, TheFixSetsCamsvcBackToManual) {
  const SystemSnapshot s = windows_fixture("camsvc_disabled");
  const auto changes = plan_changes(run_checks(s, ""), s, "");
  const auto it = std::find_if(changes.begin(), changes.end(),
                               [](const Change& c) { return c.setting == Setting::service_start_type; });
  ASSERT_NE(it, changes.end());
  EXPECT_EQ(it->target.name, "camsvc");
  EXPECT_EQ(it->from.name, "disabled");
  EXPECT_EQ(it->to.name, "manual");
}

TEST(ServiceChecks, AnAutomaticServiceThatIsStoppedIsStartedByTheFixAndUndoLeavesItRunning) {
  SystemSnapshot s = windows_fixture("audio_services_stopped");
  service(s, "Audiosrv").start_type = "automatic";
  service(s, "Audiosrv").state = "stopped";
  SimulatedSystem system(s);
  const auto changes = plan_changes(run_checks(s, ""), s, "");
  const auto it = std::find_if(changes.begin(), changes.end(),
                               [](const Change& c) { return c.target.name == "Audiosrv"; });
  ASSERT_NE(it, changes.end());
  EXPECT_EQ(describe_value(it->setting, it->from), "start automatic, not running");
  EXPECT_EQ(describe_value(it->setting, it->to), "start automatic, running");
  bool requested = false;
  EXPECT_EQ(set_and_verify(system, it->setting, it->target, it->to, requested), "");
  EXPECT_EQ(service(s = system.read(), "Audiosrv").state, "running");
  // Undo puts the start type back and never stops it: "not running" reads as met by a running service.
  EXPECT_EQ(set_and_verify(system, it->setting, it->target, it->from, requested), "");
  EXPECT_EQ(service(s = system.read(), "Audiosrv").state, "running");
}

TEST(ServiceChecks, StoppedAudioServicesExplainTheUnlistableDevices) {
  const auto findings = run_checks(windows_fixture("audio_services_stopped"), "");
  EXPECT_TRUE(with_id(findings, "server.unreachable").empty());
  const auto stopped = with_id(findings, "service.audio_stopped");
  ASSERT_EQ(stopped.size(), 2U);
  // The Endpoint Builder first: Windows Audio cannot start without it.
  EXPECT_EQ(stopped[0]->device, "AudioEndpointBuilder");
  EXPECT_EQ(stopped[1]->device, "Audiosrv");
  for (const Finding* f : stopped) {
    EXPECT_EQ(f->severity, Severity::error);
    EXPECT_EQ(f->step, 0);
    EXPECT_EQ(f->explains, std::vector<std::string>{"server.unreachable"});
    EXPECT_NE(f->detail.find("0x88890010"), std::string::npos) << f->detail;
  }
  // Disabled: the fix sets it to Automatic and starts it. Automatic but stopped: the fix starts it.
  EXPECT_EQ(stopped[0]->fix, "service.start");
  EXPECT_TRUE(has_step(*stopped[0], "sc.exe config AudioEndpointBuilder start= auto then sc.exe start AudioEndpointBuilder"));
  EXPECT_EQ(stopped[1]->fix, "service.start");
  EXPECT_TRUE(has_step(*stopped[1], "sc.exe start Audiosrv"));
  EXPECT_TRUE(with_id(findings, "service.camsvc_disabled").empty());
}

TEST(ServiceChecks, ARunningAudioServiceLeavesAnUnreachableDeviceListItsOwnFinding) {
  SystemSnapshot s = windows_fixture("audio_services_stopped");
  service(s, "Audiosrv").state = "running";
  service(s, "AudioEndpointBuilder") = ServiceState{"AudioEndpointBuilder", "Windows Audio Endpoint Builder", true,
                                                    "running", "automatic", ""};
  const auto findings = run_checks(s, "");
  EXPECT_EQ(with_id(findings, "server.unreachable").size(), 1U);
  EXPECT_TRUE(with_id(findings, "service.audio_stopped").empty());
}

TEST(ServiceChecks, AStoppedAudioServiceWithDevicesListedExplainsNothingElse) {
  SystemSnapshot s = windows_fixture("camsvc_disabled");
  service(s, "Audiosrv").state = "stopped";
  const auto stopped = with_id(run_checks(s, ""), "service.audio_stopped");
  ASSERT_EQ(stopped.size(), 1U);
  EXPECT_EQ(stopped.front()->device, "Audiosrv");
  EXPECT_TRUE(stopped.front()->explains.empty());
}

TEST(ServiceChecks, ServicesNotInstalledOrUnreadableAreNoFinding) {
  SystemSnapshot s = windows_fixture("camsvc_disabled");
  service(s, "camsvc").exists = false;  // as in a fresh Wine prefix
  service(s, "Audiosrv").state = "stopped";
  service(s, "Audiosrv").error = "Windows does not let this account read the service Audiosrv";
  const auto findings = run_checks(s, "");
  EXPECT_TRUE(with_id(findings, "service.camsvc_disabled").empty());
  EXPECT_TRUE(with_id(findings, "service.audio_stopped").empty());
}

TEST(ServiceCommands, TheAdministratorsCommandsAreExact) {
  EXPECT_EQ(checks::sc_commands("camsvc", "manual"),
            (std::vector<std::string>{"sc.exe config camsvc start= demand", "sc.exe start camsvc"}));
  EXPECT_EQ(checks::sc_commands("Audiosrv", "automatic_delayed"),
            (std::vector<std::string>{"sc.exe config Audiosrv start= delayed-auto", "sc.exe start Audiosrv"}));
  // Undo to "disabled" never starts (nor stops) anything.
  EXPECT_EQ(checks::sc_commands("camsvc", "disabled"), std::vector<std::string>{"sc.exe config camsvc start= disabled"});
  EXPECT_EQ(checks::powershell_command("camsvc", "disabled"), "Set-Service -Name camsvc -StartupType Disabled");
  const std::string refused = checks::administrator_needed("camsvc", "manual");
  EXPECT_NE(refused.find("needs an administrator"), std::string::npos);
  EXPECT_NE(refused.find("Run as administrator"), std::string::npos);
  EXPECT_NE(refused.find("sc.exe config camsvc start= demand then sc.exe start camsvc"), std::string::npos) << refused;
}

}  // namespace
}  // namespace micdoctor::test
