// The check's text and JSON: contract fields present, the verdict first,
// outside text escaped, and invalid UTF-8 kept out of the JSON.
#include <gtest/gtest.h>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "checks/check_catalog.hpp"
#include "checks/run_checks.hpp"
#include "checks/signal_joins.hpp"
#include "report/check_report.hpp"

namespace micdoctor::test {
namespace {

SystemSnapshot muted_hostile() {
  SystemSnapshot s;
  s.server.reachable = true;
  s.server.name = "pulseaudio";
  s.server.version = "16.1";
  s.server.default_source = "evil";
  Source src;
  src.name = "evil";
  src.description = "Mic \x1b]0;owned\x07 \x1b[2J\nline \xff\xfe";
  src.bus = "usb";
  src.muted = true;
  s.sources = {src};
  return s;
}

TEST(CheckReport, JsonHasTheContractFields) {
  const SystemSnapshot s = muted_hostile();
  const auto findings = run_checks(s);
  const std::string text = check_to_json(CheckReportInput{s, source_in_use(s, ""), findings});
  const auto j = nlohmann::json::parse(text);  // throws on invalid UTF-8
  EXPECT_EQ(j["schema"], "micdoctor.check/1");
  EXPECT_EQ(j["platform"], "linux");
  for (const char* key : {"server", "devices", "streams", "findings"}) EXPECT_TRUE(j.contains(key)) << key;
  for (const char* key : {"id", "description", "kind", "bus", "is_default", "muted", "volume_percent", "volume_db",
                          "ports", "active_port", "state"}) {
    EXPECT_TRUE(j["devices"][0].contains(key)) << key;
  }
  const auto& f = j["findings"][0];
  EXPECT_EQ(f["id"], "device.muted");
  for (const char* key : {"severity", "step", "title", "detail", "device", "fix", "manual_steps"}) {
    EXPECT_TRUE(f.contains(key)) << key;
  }
  EXPECT_EQ(f["step"], 2);
  EXPECT_EQ(f["fix"], "source.unmute");
  EXPECT_EQ(j["verdict"], f["title"]);
  EXPECT_NE(j["devices"][0]["description"].get<std::string>().find("\xef\xbf\xbd"), std::string::npos);
}

TEST(CheckReport, TextEscapesWhatComesFromOutside) {
  const SystemSnapshot s = muted_hostile();
  const auto findings = run_checks(s);
  const CheckReportInput report{s, source_in_use(s, ""), findings};
  for (const bool verbose : {false, true}) {
    const std::string text = check_to_text(report, TextStyle{}, verbose);
    EXPECT_EQ(text.find('\x1b'), std::string::npos);
    EXPECT_EQ(text.find('\x07'), std::string::npos);
    EXPECT_NE(text.find("\\x1B]0;owned\\x07"), std::string::npos);
    EXPECT_NE(text.find("\\x0Aline \\xFF\\xFE"), std::string::npos);
  }
  const std::string devices = devices_to_text(s, TextStyle{});
  EXPECT_EQ(devices.find('\x1b'), std::string::npos);
}

TEST(CheckReport, TextPutsTheVerdictFirstThenEveryStep) {
  const SystemSnapshot s = muted_hostile();
  const auto findings = run_checks(s);
  const std::string text = check_to_text(CheckReportInput{s, source_in_use(s, ""), findings}, TextStyle{}, false);
  const auto verdict = text.find("[x] The microphone is muted");
  ASSERT_NE(verdict, std::string::npos);
  std::size_t last = verdict;
  for (const char* step : {"[ok] 0. Sound server", "[ok] 1. ", "[x] 2. ", "[ok] 3. ", "[?] 4. ", "[ok] 5. "}) {
    const auto at = text.find(step, last);
    ASSERT_NE(at, std::string::npos) << step << "\n" << text;
    last = at;
  }
  EXPECT_NE(text.find("pactl set-source-mute 'evil' 0"), std::string::npos);
}

TEST(CheckReport, VerdictWhenNothingIsWrong) {
  SystemSnapshot s = muted_hostile();
  s.sources[0].muted = false;
  s.sources[0].description = "USB Mic";
  const auto findings = run_checks(s);
  EXPECT_EQ(check_verdict(CheckReportInput{s, source_in_use(s, ""), findings}),
            "Nothing is wrong in the settings of \"USB Mic\" (evil)");
}

TEST(CheckReport, VerdictNamesAMissingDriverAsTheCause) {
  SystemSnapshot s;
  s.server.reachable = true;
  s.kernel.read = true;
  s.kernel.unbound = {UnboundAudioDevice{"pci", "0000:00:1f.3", "8086", "51c8", "HD Audio controller"}};
  const auto findings = run_checks(s);
  const std::string verdict = check_verdict(CheckReportInput{s, nullptr, findings});
  EXPECT_EQ(verdict.rfind("A sound device has no driver, so no microphone appears", 0), 0u) << verdict;
}

SignalAnalysis silence(double seconds) {
  SignalAnalysis a;
  a.metrics.duration_s = seconds;
  for (const char* id : {"signal.digital_silence", "signal.no_speech"}) {
    Finding f;
    f.id = id;
    f.severity = Severity::error;
    f.title = id;
    a.findings.push_back(f);
  }
  return a;
}

CaptureOutcome completed(double seconds) {
  CaptureOutcome outcome;
  outcome.ending = CaptureOutcome::Ending::completed;
  outcome.seconds_received = seconds;
  return outcome;
}

std::string line_of(const std::string& text, const std::string& start) {
  const auto at = text.find(start);
  if (at == std::string::npos) return "";
  return text.substr(at, text.find('\n', at) - at);
}

TEST(CheckReport, AStepTheMuteHidIsNotJudgedNeverFine) {
  SystemSnapshot s = muted_hostile();
  s.sources[0].description = "USB Mic";
  const std::vector<Finding> state = run_checks(s);
  const SignalAnalysis heard = silence(3.0);
  const std::vector<Finding> findings = join_signal_with_state(JoinInput{s, s.sources[0], state, heard});
  const CaptureOutcome outcome = completed(3.0);
  const MicTestReport test{outcome, &heard, "evil"};
  const CheckReportInput report{s, &s.sources[0], findings, &test};
  const StepStatus five = step_status(report, 5);
  EXPECT_TRUE(five.unchecked);
  EXPECT_TRUE(five.findings.empty());  // the reason is the note, not a finding under the step
  const std::string text = check_to_text(report, TextStyle{}, false);
  EXPECT_EQ(line_of(text, "[?] 5. "),
            "[?] 5. The hardware works (not judged: the microphone is muted, so the test heard only silence)")
      << text;
  EXPECT_EQ(text.find("[ok] 5."), std::string::npos);
  EXPECT_EQ(text.find("Not judged"), std::string::npos);
  // JSON keeps it as a finding tools can read.
  const auto j = nlohmann::json::parse(check_to_json(report));
  bool listed = false;
  for (const auto& f : j["findings"]) listed = listed || (f["id"] == "check.not_judged" && f["step"] == 5);
  EXPECT_TRUE(listed);
  // The exit status counts problems only: the mute.
  EXPECT_EQ(std::count_if(findings.begin(), findings.end(), is_problem), 1);
}

TEST(CheckReport, AMonitorChosenIsNeverNothingIsWrong) {
  SystemSnapshot s = muted_hostile();
  s.sources[0].muted = false;
  Source monitor;
  monitor.name = "speakers.monitor";
  monitor.description = "Monitor of Speakers";
  monitor.kind = SourceKind::monitor;
  monitor.card = "alsa_card.pci-0000_00_1f.3";  // a sound card's speakers
  s.sources.push_back(monitor);
  const std::vector<Finding> findings = run_checks(s, "speakers.monitor");
  const CheckReportInput report{s, source_in_use(s, "speakers.monitor"), findings};
  const std::string text = check_to_text(report, TextStyle{}, false);
  EXPECT_EQ(check_verdict(report), "The device you chose is not a microphone: it records the speakers");
  EXPECT_NE(line_of(text, "[x] 2. ").find("The microphone is on"), std::string::npos) << text;
  EXPECT_EQ(line_of(text, "[?] 5. "),
            "[?] 5. The hardware works (not judged: the chosen device is a monitor of an output, not a microphone)")
      << text;
}

TEST(CheckReport, WithoutAMicrophoneTheInputAndHardwareStepsAreNotChecked) {
  SystemSnapshot s = muted_hostile();
  s.sources[0].kind = SourceKind::monitor;
  const std::vector<Finding> findings = run_checks(s);
  const std::string text = check_to_text(CheckReportInput{s, nullptr, findings}, TextStyle{}, false);
  EXPECT_EQ(line_of(text, "[?] 3. "), "[?] 3. It is the input applications record from (not checked: no microphone)")
      << text;
  EXPECT_EQ(line_of(text, "[?] 5. "), "[?] 5. The hardware works (not checked: no microphone)") << text;
}

TEST(CheckReport, VerboseStreamsNameTheirOwnerWithoutEmptyParentheses) {
  SystemSnapshot s = muted_hostile();
  Stream module_stream;
  module_stream.index = 0;
  module_stream.source = "evil";
  module_stream.from_module = true;
  Stream anonymous = module_stream;
  anonymous.index = 1;
  anonymous.from_module = false;
  Stream named = anonymous;
  named.index = 2;
  named.application = "ZOOM VoiceEngine";
  named.binary = "zoom";
  Stream same = anonymous;
  same.index = 3;
  same.application = "parec";
  same.binary = "parec";
  s.streams = {module_stream, anonymous, named, same};
  const std::string text = check_to_text(CheckReportInput{s, &s.sources[0], run_checks(s)}, TextStyle{}, true);
  EXPECT_EQ(text.find("()"), std::string::npos) << text;
  EXPECT_NE(text.find("#0 a sound server module from evil [100 %, server module]"), std::string::npos) << text;
  EXPECT_NE(text.find("#1 an application that gives no name from evil"), std::string::npos);
  EXPECT_NE(text.find("#2 ZOOM VoiceEngine (zoom) from evil"), std::string::npos);
  EXPECT_NE(text.find("#3 parec from evil"), std::string::npos);
}

// Without a server, a step that needs one is "?"... unless the kernel's part
// of it found a fault (a capture switch off): then that fault is the step's
// mark, never hidden under a "?".
TEST(CheckReport, AMixerFaultWithoutAServerMarksItsStep) {
  SystemSnapshot s;
  s.server.reachable = false;
  Finding off = make_check_finding(CheckId::mixer_capture_off, Severity::error, "Capture is off", "detail");
  const std::vector<Finding> findings{off};
  const CheckReportInput report{s, nullptr, findings};
  EXPECT_FALSE(step_status(report, 2).unchecked);
  EXPECT_TRUE(step_status(report, 5).unchecked);
  const std::string text = check_to_text(report, TextStyle{}, false);
  EXPECT_EQ(line_of(text, "[x] 2. "),
            "[x] 2. The microphone is on and not muted (the sound server's part not checked: none answers)")
      << text;
  EXPECT_EQ(line_of(text, "[?] 5. "), "[?] 5. The hardware works (not checked: no sound server)") << text;
}

TEST(CheckReport, ADumpIsNamedAsADumpNotAsAMissingServer) {
  SystemSnapshot s;
  s.origin = "alsa-info";
  s.distribution.pretty_name = "Debian GNU/Linux 10 (buster)";
  s.kernel.release = "4.19.0-6-amd64";
  const CheckReportInput report{s, nullptr, {}};
  EXPECT_EQ(state_source_line(s), "an alsa-info dump (Debian GNU/Linux 10 (buster), kernel 4.19.0-6-amd64)");
  const std::string text = check_to_text(report, TextStyle{}, false);
  EXPECT_EQ(text.find("not checked: no sound server"), std::string::npos) << text;
  EXPECT_EQ(text.find("micdoctor check: no sound server"), std::string::npos) << text;
  EXPECT_NE(text.find("not in the dump"), std::string::npos) << text;
  EXPECT_NE(check_verdict(report).find("what the dump shows"), std::string::npos);
}

}  // namespace
}  // namespace micdoctor::test

namespace micdoctor::test {
namespace {

// Issue 16: a test that stopped because its verdict was certain says how
// long it listened and why no longer; JSON adds "stopped" only then, and
// keeps the ending "completed". Ctrl-C stays "interrupted", without it.
TEST(CheckReport, ATestThatStoppedWhenCertainSaysSo) {
  SystemSnapshot s = muted_hostile();
  s.sources[0].muted = false;
  const std::vector<Finding> state = run_checks(s);
  const SignalAnalysis heard = silence(1.0);
  const std::vector<Finding> findings = join_signal_with_state(JoinInput{s, s.sources[0], state, heard});
  for (const bool certain : {true, false}) {
    CaptureOutcome outcome = completed(1.0);
    outcome.stopped_when_certain = certain;
    const MicTestReport test{outcome, &heard, "evil"};
    const CheckReportInput report{s, &s.sources[0], findings, &test};
    const std::string text = check_to_text(report, TextStyle{}, false);
    EXPECT_EQ(text.find("(listened to for 1.0 s: enough to be sure)") != std::string::npos, certain) << text;
    EXPECT_NE(text.find("(listened to for 1.0 s"), std::string::npos) << text;
    const auto j = nlohmann::json::parse(check_to_json(report));
    EXPECT_EQ(j["signal"]["ending"], "completed");
    EXPECT_EQ(j["signal"].contains("stopped"), certain);
    if (certain) {
      EXPECT_EQ(j["signal"]["stopped"], "verdict_certain");
    }
  }
  CaptureOutcome interrupted = completed(1.0);
  interrupted.ending = CaptureOutcome::Ending::interrupted;
  const MicTestReport test{interrupted, &heard, "evil"};
  const CheckReportInput report{s, &s.sources[0], findings, &test};
  EXPECT_NE(check_to_text(report, TextStyle{}, false).find("(listened to for 1.0 s, stopped early)"), std::string::npos);
  EXPECT_FALSE(nlohmann::json::parse(check_to_json(report))["signal"].contains("stopped"));
}

}  // namespace
}  // namespace micdoctor::test
