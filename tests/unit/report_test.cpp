#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "report/analysis_report.hpp"
#include "report/terminal.hpp"
#include "test_signals.hpp"

namespace micdoctor::test {
namespace {

TEST(Terminal, ControlSequencesAreEscaped) {
  EXPECT_EQ(escape_for_terminal("mic\x1b[2Jname"), "mic\\x1B[2Jname");
  EXPECT_EQ(escape_for_terminal("a\nb\tc"), "a\\x0Ab\\x09c");
  EXPECT_EQ(escape_for_terminal("\xc2\x9b" "31m"), "\\xC2\\x9B31m");  // C1 CSI
  EXPECT_EQ(escape_for_terminal("Mikrofon \xc3\xa4\xe2\x9c\x93"), "Mikrofon \xc3\xa4\xe2\x9c\x93");
  EXPECT_EQ(escape_for_terminal("bad\xff\xfe"), "bad\\xFF\\xFE");
  EXPECT_EQ(escape_for_terminal("\xed\xa0\x80"), "\\xED\\xA0\\x80");  // a UTF-16 surrogate
}

TEST(Terminal, Utf8IsRepaired) {
  EXPECT_EQ(to_valid_utf8("ok \xc3\xa4"), "ok \xc3\xa4");
  EXPECT_EQ(to_valid_utf8("x\xffy"), "x\xef\xbf\xbdy");
  EXPECT_EQ(to_valid_utf8("\xe2\x82"), "\xef\xbf\xbd\xef\xbf\xbd");  // truncated sequence
}

TEST(JsonReport, HasTheContractFields) {
  auto x = voice(16000, 3.0, 0.2);
  const SignalAnalysis a = analyse(x, 16000, 1);
  const auto j = nlohmann::json::parse(analysis_to_json_line("dir/a \xff.wav", a));
  EXPECT_EQ(j["schema"], "micdoctor.analysis/1");
  EXPECT_EQ(j["file"], "dir/a \xef\xbf\xbd.wav");  // invalid UTF-8 replaced, never a broken line
  for (const char* key : {"peak_dbfs", "rms_dbfs", "speech_level_dbfs", "noise_floor_dbfs", "snr_db", "dc_offset",
                          "clipped_samples", "clipped_fraction", "hum_hz", "hum_dbfs", "bandwidth_hz", "dropouts",
                          "channel_correlation", "loudness_lufs", "speech_seconds", "duration_s", "sample_rate",
                          "channels"}) {
    EXPECT_TRUE(j["metrics"].contains(key)) << key;
  }
  EXPECT_TRUE(j["metrics"]["hum_hz"].is_null());
  EXPECT_TRUE(j["metrics"]["channel_correlation"].is_null());  // mono
  ASSERT_FALSE(j["findings"].empty());
  for (const auto& f : j["findings"]) {
    for (const char* key : {"id", "severity", "title", "detail", "advice"}) EXPECT_TRUE(f.contains(key)) << key;
  }
}

TEST(TextReport, VerdictFirstAndAsciiWithoutTerminal) {
  std::vector<float> silence(16000, 0.0f);
  const SignalAnalysis a = analyse(silence, 16000, 1);
  const std::string text = analysis_to_text("in\x1b]0;x\x07.wav", a, TextStyle{});
  EXPECT_EQ(text.find('\x1b'), std::string::npos);
  EXPECT_NE(text.find("[x] The recording is pure digital silence"), std::string::npos);
  EXPECT_LT(text.find("[x]"), text.find("dBFS"));
  const std::string fancy = analysis_to_text("a.wav", a, TextStyle{true, true});
  EXPECT_NE(fancy.find("\u2717"), std::string::npos);
  EXPECT_NE(fancy.find("\033[31m"), std::string::npos);
}

}  // namespace
}  // namespace micdoctor::test
