// The check's text and JSON: contract fields present, the verdict first,
// outside text escaped, and invalid UTF-8 kept out of the JSON.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "checks/run_checks.hpp"
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

}  // namespace
}  // namespace micdoctor::test
