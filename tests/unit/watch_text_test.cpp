// The text face of micdoctor watch (report/watch_text): the time column, the
// header and the summary, with names from outside escaped.
#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>
#include <regex>

#include "report/watch_text.hpp"

namespace micdoctor {
namespace {

constexpr const char* kHostile = "Mic \x1b[2J\x07 <script>";

// 2026-12-03T21:55:01.234Z
constexpr std::int64_t kSomeMoment = 1796334901234;

class WatchTextClock : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* tz = std::getenv("TZ");
    if (tz != nullptr) saved_ = tz;
    had_ = tz != nullptr;
    ::setenv("TZ", "UTC", 1);
    ::tzset();
  }
  void TearDown() override {
    if (had_) ::setenv("TZ", saved_.c_str(), 1);
    else ::unsetenv("TZ");
    ::tzset();
  }

 private:
  std::string saved_;
  bool had_ = false;
};

bool has_control_characters(const std::string& text) {
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if ((byte < 0x20 && c != '\n') || byte == 0x7f) return true;
  }
  return false;
}

TEST_F(WatchTextClock, TheTimeColumnIsTheLocalWallClock) {
  EXPECT_EQ(local_clock_text(kSomeMoment), "21:55:01");
  ::setenv("TZ", "CET-1", 1);
  ::tzset();
  EXPECT_EQ(local_clock_text(kSomeMoment), "22:55:01");
}

TEST_F(WatchTextClock, AnEventIsOneLineTimeFirstAndEscaped) {
  WatchEvent event;
  event.kind = EventKind::app_started;
  event.unix_ms = kSomeMoment;
  event.subject = std::string(kHostile) + "\nsecond line";
  event.to = "headset";
  const std::string line = watch_event_line(event);
  EXPECT_EQ(line.rfind("21:55:01  ", 0), 0u) << line;
  EXPECT_EQ(line.find('\n'), line.size() - 1) << line;  // one line, whatever the name holds
  EXPECT_FALSE(has_control_characters(line)) << line;
  EXPECT_NE(line.find("<script>"), std::string::npos);
}

TEST(WatchText, TheLocalZoneIsAnOffsetFromUtc) {
  const std::string zone = local_zone_text();
  ASSERT_EQ(zone.size(), 9U) << zone;
  EXPECT_EQ(zone.substr(0, 3), "UTC");
  EXPECT_TRUE(zone[3] == '+' || zone[3] == '-') << zone;
  EXPECT_EQ(zone[6], ':') << zone;
}

TEST(WatchText, TheHeaderSaysWhatIsMeteredAndHowToEnd) {
  const std::string following = watch_header_text("pulseaudio", "", 0);
  EXPECT_NE(following.find("the default input"), std::string::npos) << following;
  EXPECT_NE(following.find("Ctrl-C ends the watch"), std::string::npos) << following;
  EXPECT_EQ(following.find(" for "), std::string::npos) << following;
  const std::string named = watch_header_text(kHostile, kHostile, 90);
  EXPECT_FALSE(has_control_characters(named)) << named;
  EXPECT_NE(named.find("for 1 min 30 s"), std::string::npos) << named;
  EXPECT_EQ(std::count(named.begin(), named.end(), '\n'), 3);
  // The timeline's clock is local, the summary's UTC: the header says which zone.
  EXPECT_NE(named.find("Times are this computer's (" + local_zone_text() + ")"), std::string::npos) << named;
}

Finding finding(Severity severity, const std::string& title) {
  Finding f;
  f.id = "app.agc_fighting";
  f.severity = severity;
  f.title = title;
  f.detail = std::string("The volume of ") + kHostile + " changed 10 times in 20 s.";
  f.manual_steps = {"Turn off the app's automatic gain control."};
  return f;
}

TEST(WatchText, TheSummaryPutsProblemsFirstWithEvidenceAndSteps) {
  WatchTimeline timeline;
  timeline.duration_s = 3725;
  timeline.metered_source = "headset";
  timeline.events.resize(12);
  const std::vector<Finding> findings = {finding(Severity::info, "Only worth knowing"),
                                         finding(Severity::warning, std::string("Zoom ") + kHostile + " fights")};
  const std::string text = watch_summary_text(timeline, findings, TextStyle{});
  EXPECT_FALSE(has_control_characters(text)) << text;
  EXPECT_NE(text.find("1 h 02 min"), std::string::npos) << text;
  EXPECT_NE(text.find("12 events"), std::string::npos) << text;
  EXPECT_NE(text.find("1 thing went wrong"), std::string::npos) << text;
  EXPECT_LT(text.find("fights"), text.find("Only worth knowing")) << text;
  EXPECT_NE(text.find("changed 10 times in 20 s"), std::string::npos) << text;
  EXPECT_NE(text.find("- Turn off the app's automatic gain control."), std::string::npos) << text;
}

TEST(WatchText, ASummaryWithoutProblemsSaysSo) {
  WatchTimeline timeline;
  timeline.duration_s = 42;
  timeline.events.resize(3);
  timeline.events_dropped = 5;
  const std::string text = watch_summary_text(timeline, {}, TextStyle{});
  EXPECT_NE(text.find("Nothing went wrong"), std::string::npos) << text;
  EXPECT_NE(text.find("42 s"), std::string::npos) << text;
  EXPECT_NE(text.find("8 events (the report keeps the newest 3)"), std::string::npos) << text;
}

}  // namespace
}  // namespace micdoctor
