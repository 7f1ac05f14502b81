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
#include "fixes/journal.hpp"
#include "fixes/setting_value_json.hpp"
#include "fixes/undo.hpp"

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
  // Each command its own step line: joined into one line they fail when pasted.
  const auto config = std::find(f.manual_steps.begin(), f.manual_steps.end(), "sc.exe config camsvc start= demand");
  ASSERT_NE(config, f.manual_steps.end());
  ASSERT_NE(config + 1, f.manual_steps.end());
  EXPECT_EQ(*(config + 1), "sc.exe start camsvc");
  EXPECT_FALSE(has_step(f, " then sc.exe"));
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
  const auto findings = run_checks(s, "");
  const auto camsvc = with_id(findings, "service.camsvc_disabled");
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

// The plan's change for one service (service_start_type), applied to `system` as fix applies it.
Change applied_service_change(SimulatedSystem& system, const std::string& name) {
  const SystemSnapshot s = system.read();
  const auto changes = plan_changes(run_checks(s, ""), s, "");
  const auto it = std::find_if(changes.begin(), changes.end(), [&](const Change& c) {
    return c.setting == Setting::service_start_type && c.target.name == name;
  });
  if (it == changes.end()) throw std::runtime_error("no change planned for " + name);
  bool requested = false;
  if (!set_and_verify(system, it->setting, it->target, it->to, requested).empty()) throw std::runtime_error("not applied");
  return *it;
}

std::vector<UndoOutcome> undo_one(SimulatedSystem& system, const Change& change) {
  JournalRun run;
  run.id = "r";
  run.entries.push_back(JournalEntry{1, "t", change, EntryStatus::applied, {}});
  std::string stopped;
  return undo_run(system, run, [](std::string&) { return true; }, stopped);
}

TEST(ServiceUndo, CamsvcThatStoppedByItselfSinceTheFixIsStillPutBackToDisabled) {
  SimulatedSystem system(windows_fixture("camsvc_disabled"));
  const Change change = applied_service_change(system, "camsvc");
  SystemSnapshot s = system.read();
  EXPECT_EQ(service(s, "camsvc").state, "running");
  // camsvc is trigger-started: idle, it stops by itself, start type still as the fix left it.
  service(s, "camsvc").state = "stopped";
  SimulatedSystem idle(s);
  const std::vector<UndoOutcome> outcomes = undo_one(idle, change);
  ASSERT_EQ(outcomes.size(), 1U);
  EXPECT_EQ(outcomes.front().result, UndoResult::restored) << outcomes.front().note;
  EXPECT_EQ(service(s = idle.read(), "camsvc").start_type, "disabled");
}

TEST(ServiceUndo, AnAudioServiceDisabledAgainStaysRunningAndTheNoteSaysTheNextRestartAndTheWayBack) {
  SimulatedSystem system(windows_fixture("audio_services_stopped"));
  const Change change = applied_service_change(system, "AudioEndpointBuilder");
  ASSERT_EQ(change.from.name, "disabled");
  const std::vector<UndoOutcome> outcomes = undo_one(system, change);
  ASSERT_EQ(outcomes.size(), 1U);
  EXPECT_EQ(outcomes.front().result, UndoResult::restored);
  SystemSnapshot s = system.read();
  EXPECT_EQ(service(s, "AudioEndpointBuilder").start_type, "disabled");
  EXPECT_EQ(service(s, "AudioEndpointBuilder").state, "running");
  const std::string& note = outcomes.front().note;
  EXPECT_NE(note.find("stays running now"), std::string::npos) << note;
  EXPECT_NE(note.find("will not start after the next restart"), std::string::npos) << note;
  EXPECT_NE(note.find("micdoctor fix --only service.start"), std::string::npos) << note;
  EXPECT_NE(note.find("'sc.exe config AudioEndpointBuilder start= auto'"), std::string::npos) << note;
}

TEST(ServiceUndo, AStartTypeChangedSinceBySomeoneElseIsLeftAlone) {
  SimulatedSystem system(windows_fixture("camsvc_disabled"));
  const Change change = applied_service_change(system, "camsvc");
  SystemSnapshot s = system.read();
  service(s, "camsvc").start_type = "automatic";
  SimulatedSystem changed(s);
  EXPECT_EQ(undo_one(changed, change).front().result, UndoResult::changed_since);
  EXPECT_EQ(service(s = changed.read(), "camsvc").start_type, "automatic");
}

TEST(ServiceJson, AServicesValueSaysItsStartTypeAndWhetherItRuns) {
  const SystemSnapshot s = windows_fixture("audio_services_stopped");
  const auto changes = plan_changes(run_checks(s, ""), s, "");
  const auto it = std::find_if(changes.begin(), changes.end(),
                               [](const Change& c) { return c.target.name == "Audiosrv"; });
  ASSERT_NE(it, changes.end());
  const nlohmann::ordered_json from = setting_value_json(it->setting, it->from);
  const nlohmann::ordered_json to = setting_value_json(it->setting, it->to);
  EXPECT_NE(from, to);  // "from automatic to automatic" says nothing: the running flag is the change
  EXPECT_EQ(to, (nlohmann::ordered_json{{"name", "automatic"}, {"running", true}}));
  EXPECT_EQ(from["running"], false);
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
  EXPECT_EQ(std::count(stopped[0]->manual_steps.begin(), stopped[0]->manual_steps.end(),
                       "sc.exe config AudioEndpointBuilder start= auto"), 1);
  EXPECT_EQ(std::count(stopped[0]->manual_steps.begin(), stopped[0]->manual_steps.end(),
                       "sc.exe start AudioEndpointBuilder"), 1);
  EXPECT_TRUE(has_step(*stopped[0], "Startup type to Automatic,"));
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

bool mentions(const Finding& f, const std::string& text) {
  return f.title.find(text) != std::string::npos || f.detail.find(text) != std::string::npos || has_step(f, text);
}

TEST(ServiceChecks, AnUnreachableDeviceListOnWindowsGetsWindowsWordsNeverLinuxOnes) {
  SystemSnapshot s = windows_fixture("audio_services_stopped");
  service(s, "Audiosrv").state = "running";
  service(s, "AudioEndpointBuilder").state = "running";
  service(s, "AudioEndpointBuilder").start_type = "automatic";
  const std::vector<Finding> findings = run_checks(s, "");
  const auto unreachable = with_id(findings, "server.unreachable");
  ASSERT_EQ(unreachable.size(), 1U);
  const Finding& f = *unreachable.front();
  for (const char* linux_word : {"PipeWire", "PulseAudio", "apt install", "sudo", "systemctl", "pactl"}) {
    EXPECT_FALSE(mentions(f, linux_word)) << linux_word;
  }
  EXPECT_TRUE(has_step(f, "services.msc"));
  EXPECT_TRUE(std::find(f.manual_steps.begin(), f.manual_steps.end(), "sc.exe start Audiosrv") != f.manual_steps.end());
  EXPECT_TRUE(has_step(f, "restart the computer"));
  EXPECT_NE(f.detail.find("0x88890010"), std::string::npos) << f.detail;
}

class AllowAll : public Consent {
 public:
  Answer approve(const Change&) override { return Answer::yes; }
};

TEST(ServiceChecks, ADryRunThatStartsBothAudioServicesNoLongerClaimsTheDeviceListFails) {
  SimulatedSystem system(windows_fixture("audio_services_stopped"));
  AllowAll consent;
  FixOptions dry;
  dry.dry_run = true;
  const FixRunResult r = run_fixes(system, nullptr, consent, dry);
  EXPECT_EQ(std::count_if(r.changes.begin(), r.changes.end(),
                          [](const ChangeOutcome& o) { return o.status == ChangeStatus::planned; }),
            2);
  EXPECT_TRUE(with_id(r.findings_after, "service.audio_stopped").empty());
  // What Windows lists once they run is not known: neither a failure nor "no microphone" is claimed.
  EXPECT_TRUE(with_id(r.findings_after, "server.unreachable").empty());
  EXPECT_TRUE(with_id(r.findings_after, "device.none").empty());
  for (const Finding& f : r.findings_after) EXPECT_FALSE(mentions(f, "apt install")) << f.id;
}

TEST(ServiceChecks, AStoppedAudioServiceWithDevicesListedExplainsNothingElse) {
  SystemSnapshot s = windows_fixture("camsvc_disabled");
  service(s, "Audiosrv").state = "stopped";
  const auto findings = run_checks(s, "");
  const auto stopped = with_id(findings, "service.audio_stopped");
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
  EXPECT_NE(refused.find("'sc.exe config camsvc start= demand', then 'sc.exe start camsvc'"), std::string::npos) << refused;
  EXPECT_EQ(refused.find('\n'), std::string::npos);  // one line: a note is printed as one
  // One table: every start type has its words, sc.exe's and PowerShell's.
  EXPECT_EQ(checks::start_type_words("automatic_delayed"), "Automatic (Delayed Start)");
  EXPECT_EQ(checks::powershell_startup_type("automatic_delayed"), "AutomaticDelayedStart");
  EXPECT_EQ(checks::sc_start_word("boot"), "");
  EXPECT_EQ(checks::start_type_words(""), "unknown");
}

}  // namespace
}  // namespace micdoctor::test
