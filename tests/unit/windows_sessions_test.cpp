// The apps' recording sessions on Windows (issue 14), on snapshot fixtures
// shaped like real systems (tests/fixtures/windows/README.md): Wine 8 cannot
// list sessions (GetSessionEnumerator is a stub there), so the ids, the
// Windows wording and the fixes planned are proven here; the platform layer
// that reads them runs under Wine in tests/windows/test_wine.py.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "checks/run_checks.hpp"
#include "fixes/fix_plan.hpp"
#include "fixes/fix_session.hpp"
#include "model/snapshot_json.hpp"
#include "check_test_support.hpp"

namespace micdoctor::test {
namespace {

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

bool any_step_has(const Finding& f, const std::string& part) {
  return std::any_of(f.manual_steps.begin(), f.manual_steps.end(), [&](const std::string& s) { return has(s, part); });
}

class Yes : public Consent {
 public:
  Answer approve(const Change&) override { return Answer::yes; }
};

FixRunResult dry_run(const SystemSnapshot& snapshot) {
  SimulatedSystem system(snapshot);
  Yes yes;
  FixOptions options;
  options.dry_run = true;
  return run_fixes(system, nullptr, yes, options);
}

TEST(WindowsSessions, ZoomOnStereoMixIsTheWrongSourceWithTheAppsOwnSteps) {
  const SystemSnapshot s = windows_fixture("zoom_on_stereo_mix");
  const std::vector<Finding> findings = run_checks(s);
  const auto wrong = with_id(findings, "app.wrong_source");
  ASSERT_EQ(wrong.size(), 1u);
  const Finding& zoom = *wrong[0];
  EXPECT_EQ((std::make_tuple(zoom.severity, zoom.step, zoom.device)), std::make_tuple(Severity::error, 3, "stream:0"));
  EXPECT_EQ(zoom.title, "Zoom (Zoom.exe, process 11872) records the speakers instead of the microphone");
  EXPECT_TRUE(has(zoom.detail, "\"Stereo Mix (Realtek(R) Audio)\", a loopback input")) << zoom.detail;
  EXPECT_TRUE(has(zoom.detail, "It is recording now.")) << zoom.detail;
  // Windows cannot move an app to another microphone: no automatic fix, the
  // app's own setting and Windows' per-app input device instead.
  EXPECT_FALSE(zoom.fix.has_value());
  EXPECT_EQ(zoom.manual_steps.at(0), "In Zoom: Settings > Audio > Microphone: choose \"Microphone (Realtek(R) Audio)\".");
  EXPECT_TRUE(any_step_has(zoom, "Settings > System > Sound > Volume mixer > Zoom > Input device"));
  for (const Finding& f : findings) {
    for (const std::string& step : f.manual_steps) EXPECT_FALSE(has(step, "pactl")) << step;
  }
}

TEST(WindowsSessions, AMutedQuietSessionIsFoundAndFixedThroughItsSession) {
  const SystemSnapshot s = windows_fixture("zoom_on_stereo_mix");
  const std::vector<Finding> findings = run_checks(s);
  const auto muted = with_id(findings, "app.stream_muted");
  const auto low = with_id(findings, "app.stream_volume_low");
  ASSERT_EQ((std::make_pair(muted.size(), low.size())), std::make_pair(std::size_t{1}, std::size_t{1}));
  EXPECT_EQ((std::make_tuple(muted[0]->severity, muted[0]->step, muted[0]->device, muted[0]->fix)),
            std::make_tuple(Severity::error, 1, std::string("stream:1"), std::optional<std::string>("stream.unmute")));
  EXPECT_EQ(muted[0]->title, "Discord (Discord.exe, process 9324) is recording, but Windows mutes it");
  EXPECT_TRUE(has(muted[0]->detail, "on \"Microphone (Realtek(R) Audio)\"")) << muted[0]->detail;
  EXPECT_TRUE(any_step_has(*muted[0], "micdoctor fix --only stream.unmute"));
  // 8 % is at or below the silent threshold: an error.
  EXPECT_EQ((std::make_tuple(low[0]->severity, low[0]->fix)),
            std::make_tuple(Severity::error, std::optional<std::string>("stream.raise_volume")));
  EXPECT_TRUE(has(low[0]->detail, "down to 8 %")) << low[0]->detail;
  EXPECT_TRUE(any_step_has(*low[0], "In Discord: User Settings > Voice & Video: raise Input Volume"));

  // The plan: both through Discord's session, found by its process and endpoint.
  const std::vector<Change> plan = plan_changes(findings, s, "");
  ASSERT_EQ(plan.size(), 2u);
  for (const Change& c : plan) {
    EXPECT_EQ(c.target.name, s.server.default_source);  // the endpoint Discord records from
    EXPECT_EQ(c.target.process_id, 9324);
  }
  EXPECT_EQ((std::make_pair(plan[0].fix, plan[0].summary)),
            std::make_pair(std::string("stream.unmute"),
                           std::string("Unmute the recording of Discord (Discord.exe, process 9324)")));
  EXPECT_EQ(plan[1].fix, "stream.raise_volume");
  EXPECT_EQ(plan[1].from.volume_percent, std::vector<double>{8.0});

  const FixRunResult result = dry_run(s);
  std::vector<std::string> fixes;
  for (const ChangeOutcome& o : result.changes) fixes.push_back(o.change.fix);
  EXPECT_EQ(fixes, (std::vector<std::string>{"stream.unmute", "stream.raise_volume"}));
  EXPECT_TRUE(with_id(result.findings_after, "app.stream_muted").empty());
  EXPECT_TRUE(with_id(result.findings_after, "app.stream_volume_low").empty());
  EXPECT_EQ(with_id(result.findings_after, "app.wrong_source").size(), 1u);  // only Zoom itself can change that
}

TEST(WindowsSessions, ASessionIsFoundAgainByProcessAndEndpointNotByItsNumber) {
  SystemSnapshot s = windows_fixture("zoom_on_stereo_mix");
  const std::vector<Change> plan = plan_changes(run_checks(s), s, "");
  ASSERT_FALSE(plan.empty());
  // The next reading numbers the sessions differently (Zoom's went away).
  s.streams.erase(s.streams.begin());
  s.streams[0].index = 0;
  const auto now = value_in_snapshot(s, plan[0].setting, plan[0].target);
  ASSERT_TRUE(now.has_value());
  EXPECT_TRUE(now->flag);  // Discord's session, still muted
  // Another process on that endpoint is not it.
  s.streams[0].process_id = 4242;
  EXPECT_FALSE(value_in_snapshot(s, plan[0].setting, plan[0].target).has_value());
}

TEST(WindowsSessions, TeamsOnTheLaptopArrayWhileTheHeadsetIsTheCommunicationsDefault) {
  const SystemSnapshot s = windows_fixture("teams_on_laptop_array");
  const std::vector<Finding> findings = run_checks(s);
  const auto wrong = with_id(findings, "app.wrong_source");
  ASSERT_EQ(wrong.size(), 1u);  // Teams; not Chrome, which records the headset
  const Finding& teams = *wrong[0];
  EXPECT_EQ((std::make_tuple(teams.severity, teams.device)), std::make_tuple(Severity::warning, "stream:0"));
  EXPECT_EQ(teams.title, "Teams (Teams.exe, process 14208) records from the built-in microphone, not your headset");
  EXPECT_TRUE(has(teams.detail, "\"Microphone Array (Intel® Smart Sound Technology for Digital Microphones)\""));
  EXPECT_TRUE(has(teams.detail, "\"Headset Microphone (Jabra Link 380)\" is connected and set as the default "
                                "communications device"))
      << teams.detail;
  EXPECT_EQ(teams.manual_steps.at(0),
            "In Teams: Settings > Devices > Microphone: choose \"Headset Microphone (Jabra Link 380)\".");
  EXPECT_FALSE(teams.fix.has_value());
  EXPECT_TRUE(plan_changes(findings, s, "").empty());
}

TEST(WindowsSessions, TheArrayIsRightWhenNoHeadsetIsReady) {
  SystemSnapshot s = windows_fixture("teams_on_laptop_array");
  s.sources[1].state = "unplugged";
  s.server.default_source = s.server.default_communications = s.sources[0].name;
  EXPECT_TRUE(with_id(run_checks(s), "app.wrong_source").empty());
  // Teams on the headset: nothing to say either.
  s = windows_fixture("teams_on_laptop_array");
  s.streams[0].source = s.sources[1].name;
  EXPECT_TRUE(with_id(run_checks(s), "app.wrong_source").empty());
}

TEST(WindowsSessions, LinuxKeepsItsOwnWordsAndChecks) {
  SystemSnapshot s = windows_fixture("zoom_on_stereo_mix");
  s.platform = "linux";
  for (Stream& stream : s.streams) stream.session_state.clear();
  const std::vector<Finding> findings = run_checks(s);
  const auto wrong = with_id(findings, "app.wrong_source");
  ASSERT_EQ(wrong.size(), 1u);
  EXPECT_EQ(wrong[0]->title, "Zoom (stream #0) records the speakers instead of the microphone");
  EXPECT_EQ(wrong[0]->fix, "stream.move");
  EXPECT_TRUE(any_step_has(*wrong[0], "pactl move-source-output 0"));
  EXPECT_TRUE(any_step_has(*with_id(findings, "app.stream_muted").at(0), "pactl set-source-output-mute 1 0"));
  // A stream on a built-in microphone is somebody's choice on Linux.
  SystemSnapshot laptop = windows_fixture("teams_on_laptop_array");
  laptop.platform = "linux";
  EXPECT_TRUE(with_id(run_checks(laptop), "app.wrong_source").empty());
}

TEST(WindowsSessions, SessionFieldsRoundTripAndOldSnapshotsLoad) {
  const SystemSnapshot s = windows_fixture("teams_on_laptop_array");
  EXPECT_EQ(s.streams[0].executable, "C:\\Users\\anna\\AppData\\Local\\Microsoft\\Teams\\current\\Teams.exe");
  EXPECT_EQ(s.streams[0].session_state, "active");
  const std::string text = snapshot_to_json(s).dump();
  const SystemSnapshot again = snapshot_from_text(R"({"schema":"micdoctor.snapshot/1",)" + text.substr(1));
  EXPECT_EQ(snapshot_to_json(again).dump(), text);
  EXPECT_EQ(again.streams[1].executable, "C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe");
  // A snapshot written before sessions had these fields.
  const SystemSnapshot old = snapshot_from_text(
      R"({"schema":"micdoctor.snapshot/1","platform":"windows","streams":[{"index":3,"application":"Zoom","muted":true}]})");
  EXPECT_EQ((std::make_tuple(old.streams[0].executable, old.streams[0].session_state, old.server.sessions_error)),
            std::make_tuple("", "", ""));
  // A Linux document stays as it was.
  SystemSnapshot linux_snapshot;
  linux_snapshot.streams.push_back(Stream{});
  const auto json = snapshot_to_json(linux_snapshot);
  EXPECT_FALSE(json["streams"][0].contains("executable"));
  EXPECT_FALSE(json["server"].contains("sessions_error"));
}

}  // namespace
}  // namespace micdoctor::test
