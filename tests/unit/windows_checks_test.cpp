// The Windows checks on snapshot fixtures shaped like real Windows systems
// (tests/fixtures/windows): what Wine cannot show (disabled and unplugged
// endpoints, Stereo Mix as the default, a communications default of its own,
// driver problem codes, endpoint mute and volume), and the fixes planned
// for them. The Wine tests (tests/windows) prove the platform layer.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "checks/run_checks.hpp"
#include "fixes/fix_session.hpp"
#include "model/snapshot_json.hpp"
#include "check_test_support.hpp"

namespace micdoctor::test {
namespace {

const Finding* find(const std::vector<Finding>& findings, const std::string& id) {
  const auto it = std::find_if(findings.begin(), findings.end(), [&](const Finding& f) { return f.id == id; });
  return it == findings.end() ? nullptr : &*it;
}

std::vector<std::string> problem_ids(const std::vector<Finding>& findings) {
  std::vector<std::string> out;
  for (const Finding& f : findings) {
    if (is_problem(f)) out.push_back(f.id);
  }
  return out;
}

class Yes : public Consent {
 public:
  Answer approve(const Change&) override { return Answer::yes; }
};

std::vector<std::string> planned_fixes(const SystemSnapshot& snapshot, std::vector<Finding>* after = nullptr) {
  SimulatedSystem system(snapshot);
  Yes yes;
  FixOptions options;
  options.dry_run = true;
  const FixRunResult result = run_fixes(system, nullptr, yes, options);
  if (after != nullptr) *after = result.findings_after;
  std::vector<std::string> fixes;
  for (const ChangeOutcome& o : result.changes) fixes.push_back(o.change.fix);
  return fixes;
}

TEST(WindowsChecks, PrivacyAndADisabledHeadset) {
  const SystemSnapshot s = windows_fixture("privacy_and_disabled");
  const std::vector<Finding> findings = run_checks(s);
  EXPECT_EQ(problem_ids(findings),
            (std::vector<std::string>{"permission.desktop_apps_denied", "permission.app_denied", "device.disabled"}));
  const Finding* desktop = find(findings, "permission.desktop_apps_denied");
  EXPECT_EQ((std::make_pair(desktop->severity, desktop->step)), std::make_pair(Severity::error, 1));
  EXPECT_EQ(desktop->fix, "privacy.allow_desktop_apps");
  const Finding* teams = find(findings, "permission.app_denied");
  EXPECT_EQ(teams->device, "MSTeams_8wekyb3d8bbwe");
  EXPECT_NE(teams->detail.find("2026-11-22T15:03:11Z"), std::string::npos);
  // The array microphone works, so a disabled headset is a warning, not the end.
  EXPECT_EQ(find(findings, "device.disabled")->severity, Severity::warning);
  EXPECT_EQ(find(findings, "driver.info")->title, "Driver: Realtek Semiconductor Corp. 6.0.9239.1");
  EXPECT_EQ(planned_fixes(s), std::vector<std::string>{"privacy.allow_desktop_apps"});
}

TEST(WindowsChecks, StereoMixDefaultUnpluggedJackAndAFailedBluetoothDriver) {
  const SystemSnapshot s = windows_fixture("stereo_mix_default_driver_problem");
  const std::vector<Finding> findings = run_checks(s);
  EXPECT_EQ(problem_ids(findings), (std::vector<std::string>{"device.unplugged", "default.is_monitor",
                                                             "default.communications_differs", "driver.problem"}));
  const Finding* monitor = find(findings, "default.is_monitor");
  EXPECT_NE(monitor->detail.find("Stereo Mix"), std::string::npos);
  EXPECT_NE(monitor->detail.find("loopback input"), std::string::npos);
  EXPECT_NE(monitor->manual_steps[0].find("Control Panel > Sound > Recording"), std::string::npos);
  const Finding* driver = find(findings, "driver.problem");
  EXPECT_NE(driver->detail.find("code 43"), std::string::npos);
  EXPECT_NE(driver->detail.find("bthhfenum.inf"), std::string::npos);
  // One fix: the USB microphone becomes the default for every role, which
  // also answers the communications default.
  std::vector<Finding> after;
  EXPECT_EQ(planned_fixes(s, &after), std::vector<std::string>{"default.set"});
  EXPECT_EQ(problem_ids(after), (std::vector<std::string>{"device.unplugged", "driver.problem"}));
}

TEST(WindowsChecks, MutedQuietHeadsetInWindowsWords) {
  const SystemSnapshot s = windows_fixture("muted_quiet_headset");
  const std::vector<Finding> findings = run_checks(s);
  EXPECT_EQ(problem_ids(findings), (std::vector<std::string>{"device.muted", "device.volume_low"}));
  const Finding* muted = find(findings, "device.muted");
  EXPECT_NE(muted->detail.find("muted in Windows"), std::string::npos);
  for (const Finding& f : findings) {
    for (const std::string& step : f.manual_steps) EXPECT_EQ(step.find("pactl"), std::string::npos) << step;
  }
  std::vector<Finding> after;
  EXPECT_EQ(planned_fixes(s, &after), (std::vector<std::string>{"source.unmute", "source.raise_volume"}));
  EXPECT_TRUE(problem_ids(after).empty());
}

TEST(WindowsChecks, NoDriverAndNoEndpoint) {
  const SystemSnapshot s = windows_fixture("no_driver_no_endpoint");
  const std::vector<Finding> findings = run_checks(s);
  EXPECT_EQ(problem_ids(findings), (std::vector<std::string>{"device.none", "driver.missing"}));
  EXPECT_NE(find(findings, "driver.missing")->detail.find("HDAUDIO\\FUNC_01&VEN_14F1"), std::string::npos);
  EXPECT_TRUE(planned_fixes(s).empty());
}

TEST(WindowsChecks, PolicyAndDeviceSwitchesNeedAnAdministrator) {
  SystemSnapshot s = windows_fixture("muted_quiet_headset");
  s.sources[0].muted = false;
  s.sources[0].volume_percent = 100;
  s.privacy.policy = 2;
  s.privacy.device_allowed = false;
  s.privacy.user_allowed = false;
  const std::vector<Finding> findings = run_checks(s);
  EXPECT_EQ(problem_ids(findings), (std::vector<std::string>{"permission.policy_denied", "permission.os_denied",
                                                             "permission.user_denied"}));
  EXPECT_FALSE(find(findings, "permission.policy_denied")->fix.has_value());
  EXPECT_FALSE(find(findings, "permission.os_denied")->fix.has_value());
  EXPECT_EQ(find(findings, "permission.user_denied")->fix, "privacy.allow_user");
}

TEST(WindowsChecks, WindowsSectionsRoundTripAndArePlatformOnly) {
  const SystemSnapshot s = windows_fixture("privacy_and_disabled");
  const std::string text = snapshot_to_json(s).dump();
  EXPECT_EQ(snapshot_to_json(snapshot_from_text(R"({"schema":"micdoctor.snapshot/1",)" + text.substr(1))).dump(), text);
  SystemSnapshot linux_snapshot;
  EXPECT_FALSE(snapshot_to_json(linux_snapshot).contains("privacy"));
  try {
    snapshot_from_text(R"({"schema":"micdoctor.snapshot/1","platform":"macos"})");
    FAIL() << "an unknown platform was accepted";
  } catch (const SnapshotError& e) {
    EXPECT_STREQ(e.what(), "platform: expected linux or windows");
  }
  try {
    snapshot_from_text(R"({"schema":"micdoctor.snapshot/1","platform":"windows","privacy":{"policy":7}})");
    FAIL() << "an out-of-range policy was accepted";
  } catch (const SnapshotError& e) {
    EXPECT_STREQ(e.what(), "privacy.policy: out of range");
  }
}

}  // namespace
}  // namespace micdoctor::test
