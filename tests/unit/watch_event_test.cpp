// The watch's events: contract ids, the micdoctor.event/1 line and the
// plain-words timeline, with names as hostile as other programs make them.
#include "watch/watch_event.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>

#include "watch_test_support.hpp"

namespace micdoctor {
namespace {

TEST(WatchEvent, EveryKindHasItsContractIdBothWays) {
  const std::vector<std::pair<EventKind, std::string>> contract = {
      {EventKind::watch_started, "watch.started"},
      {EventKind::watch_ended, "watch.ended"},
      {EventKind::app_started, "app.started"},
      {EventKind::app_stopped, "app.stopped"},
      {EventKind::app_moved, "app.moved"},
      {EventKind::app_mute, "app.mute"},
      {EventKind::app_volume, "app.volume"},
      {EventKind::source_volume, "source.volume"},
      {EventKind::source_mute, "source.mute"},
      {EventKind::source_port, "source.port"},
      {EventKind::default_changed, "default.changed"},
      {EventKind::device_added, "device.added"},
      {EventKind::device_removed, "device.removed"},
      {EventKind::card_added, "card.added"},
      {EventKind::card_removed, "card.removed"},
      {EventKind::card_profile, "card.profile"},
      {EventKind::meter_started, "meter.started"},
      {EventKind::meter_stopped, "meter.stopped"},
      {EventKind::signal_level, "signal.level"},
      {EventKind::signal_silence_started, "signal.silence_started"},
      {EventKind::signal_silence_ended, "signal.silence_ended"},
      {EventKind::signal_clipping, "signal.clipping"},
      {EventKind::signal_swing, "signal.swing"},
      {EventKind::server_lost, "server.lost"},
  };
  std::set<std::string> seen;
  for (const auto& [kind, id] : contract) {
    EXPECT_EQ(event_kind_id(kind), id);
    ASSERT_TRUE(event_kind_from_id(id).has_value()) << id;
    EXPECT_EQ(*event_kind_from_id(id), kind);
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), contract.size());
  EXPECT_FALSE(event_kind_from_id("app.agc_fighting").has_value());
  EXPECT_FALSE(event_kind_from_id("").has_value());
}

// docs/watch.md's table of event kinds lists exactly the kinds the code has.
TEST(WatchEvent, TheDocumentedKindsAreTheCodesKinds) {
  std::ifstream in(std::string(MICDOCTOR_DOCS_DIR) + "/watch.md");
  ASSERT_TRUE(in) << "docs/watch.md";
  std::stringstream text;
  text << in.rdbuf();
  const std::string doc = text.str();
  std::set<std::string> documented;
  const std::regex row(R"(\n\| `([a-z]+\.[a-z_]+)` \| [^|]*\| [^|]*\| [^|]*\| [^|\n]+\|)");
  for (auto it = std::sregex_iterator(doc.begin(), doc.end(), row); it != std::sregex_iterator(); ++it) {
    const std::string id = (*it)[1];
    if (event_kind_from_id(id))
      documented.insert(id);
    else
      ADD_FAILURE() << id << " is in docs/watch.md's kinds table but is no event kind";
  }
  for (int k = 0; k <= static_cast<int>(EventKind::server_lost); ++k) {
    const std::string id(event_kind_id(static_cast<EventKind>(k)));
    EXPECT_TRUE(documented.count(id)) << id << " is missing from docs/watch.md";
  }
}

TEST(WatchEvent, JsonLineParsesBackWithTheSchemaFields) {
  WatchEvent e;
  e.kind = EventKind::source_volume;
  e.elapsed_s = 12.3456;
  e.unix_ms = test::kWatchStartMs + 12346;
  e.subject = "alsa_input.usb-Logitech_H390-00.mono-fallback";
  e.from = "100 %";
  e.to = "35 %";
  e.add("label", "H390 headset Mono");
  e.add("to_percent", 35.0);
  e.add("to_db", -27.36);

  const std::string line = event_to_json_line(e);
  EXPECT_EQ(line.find('\n'), std::string::npos);
  const auto json = nlohmann::json::parse(line);
  EXPECT_EQ(json.at("schema"), "micdoctor.event/1");
  EXPECT_EQ(json.at("time"), "2026-12-03T21:55:13.580Z");
  EXPECT_DOUBLE_EQ(json.at("elapsed_s").get<double>(), 12.346);
  EXPECT_EQ(json.at("kind"), "source.volume");
  EXPECT_EQ(json.at("subject"), e.subject);
  EXPECT_EQ(json.at("from"), "100 %");
  EXPECT_EQ(json.at("to"), "35 %");
  ASSERT_TRUE(json.at("details").is_object());
  EXPECT_EQ(json.at("details").at("label"), "H390 headset Mono");
  EXPECT_TRUE(json.at("details").at("to_percent").is_number());
  EXPECT_DOUBLE_EQ(json.at("details").at("to_percent").get<double>(), 35.0);
  // Whole numbers (pids, indices, rates) are written as integers, not 35.0.
  EXPECT_NE(line.find("\"to_percent\":35,"), std::string::npos) << line;
  EXPECT_TRUE(json.at("details").at("to_db").is_number_float());
  // The keys in the documented order.
  std::vector<std::string> keys;
  const auto ordered = nlohmann::ordered_json::parse(line);
  for (const auto& item : ordered.items()) keys.push_back(item.key());
  EXPECT_EQ(keys,
            (std::vector<std::string>{"schema", "time", "elapsed_s", "kind", "subject", "from", "to", "details"}));
}

TEST(WatchEvent, TimeIsUtcWithMillisecondsAcrossDatesAndLeapDays) {
  EXPECT_EQ(event_time_text(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(event_time_text(test::kWatchStartMs), "2026-12-03T21:55:01.234Z");
  EXPECT_EQ(event_time_text(951782400000 + 86399999), "2000-02-29T23:59:59.999Z");
  EXPECT_EQ(event_time_text(4107542400000), "2100-03-01T00:00:00.000Z");
}

TEST(WatchEvent, HostileNamesSurviveJsonAndWords) {
  const std::string hostile = std::string("Zo\"om\\ \x01\x1b[31m'$(rm -rf ~)'\n") + "\xff\xfe" + "\xc3\xa9";
  WatchEvent e;
  e.kind = EventKind::app_started;
  e.elapsed_s = 1;
  e.subject = hostile;
  e.to = hostile;
  e.add("binary", hostile);
  e.add("to_label", hostile);
  e.add(hostile, hostile);
  std::string line;
  ASSERT_NO_THROW(line = event_to_json_line(e));
  nlohmann::json json;
  ASSERT_NO_THROW(json = nlohmann::json::parse(line));
  const std::string subject = json.at("subject");
  // Valid parts are kept exactly, the invalid bytes become U+FFFD.
  EXPECT_EQ(subject.substr(0, 14), hostile.substr(0, 14));
  EXPECT_NE(subject.find("\xef\xbf\xbd"), std::string::npos);
  EXPECT_NE(subject.find("\xc3\xa9"), std::string::npos);
  EXPECT_EQ(line.find('\x01'), std::string::npos);  // control characters escaped
  EXPECT_EQ(line.find('\n'), std::string::npos);

  for (int k = 0; k <= static_cast<int>(EventKind::server_lost); ++k) {
    e.kind = static_cast<EventKind>(k);
    std::string words;
    ASSERT_NO_THROW(words = describe_event(e));
    EXPECT_FALSE(words.empty());
    ASSERT_TRUE(nlohmann::json::parse(event_to_json_line(e)).is_object());
  }
}

TEST(WatchEvent, NonFiniteNumbersBecomeNull) {
  WatchEvent e;
  e.kind = EventKind::signal_level;
  e.add("level_dbfs", -std::numeric_limits<double>::infinity());
  const auto json = nlohmann::json::parse(event_to_json_line(e));
  EXPECT_TRUE(json.at("details").at("level_dbfs").is_null());
}

TEST(WatchEvent, DescribesWithThePeoplesNames) {
  WatchEvent e;
  e.kind = EventKind::app_started;
  e.subject = "Zoom";
  e.to = "alsa_input.usb-Logitech_H390-00.mono-fallback";
  e.add("binary", "zoom");
  e.add("to_label", "H390 headset");
  EXPECT_EQ(describe_event(e), "Zoom (zoom) started recording from H390 headset");

  WatchEvent v;
  v.kind = EventKind::source_volume;
  v.subject = "alsa_input.usb-Logitech_H390-00.mono-fallback";
  v.from = "100 %";
  v.to = "35 %";
  v.add("label", "H390 headset");
  EXPECT_EQ(describe_event(v), "H390 headset's volume changed from 100 % to 35 %");

  WatchEvent d;
  d.kind = EventKind::default_changed;
  d.subject = "default input";
  d.from = "alsa_input.pci-0000_00_1f.3.analog-stereo";
  d.to = "alsa_input.usb-Logitech_H390-00.mono-fallback";
  d.add("to_label", "H390 headset");
  EXPECT_EQ(describe_event(d),
            "The default input changed from alsa_input.pci-0000_00_1f.3.analog-stereo to H390 headset");
}

// The level line says how the voice sounds in a word before the numbers,
// with the analyser's limits for a voice.
TEST(WatchEvent, LevelLinesSayHowTheVoiceSoundsFirst) {
  const auto line = [](std::optional<double> voice, double level) {
    WatchEvent e;
    e.kind = EventKind::signal_level;
    e.subject = "mic";
    e.add("level_dbfs", level);
    e.add("peak_dbfs", level + 12);
    if (voice) e.add("voice_dbfs", *voice);
    return describe_event(e);
  };
  EXPECT_EQ(line(-22.4, -31.2), "Sound from mic: normal (voice -22.4 dBFS, average -31.2 dBFS, peak -19.2 dBFS)");
  EXPECT_EQ(line(-48.0, -55.0).rfind("Sound from mic: quiet (", 0), 0U);
  EXPECT_EQ(line(-60.0, -66.0).rfind("Sound from mic: far too quiet (", 0), 0U);
  EXPECT_EQ(line(-8.0, -14.0).rfind("Sound from mic: very loud (", 0), 0U);
  EXPECT_EQ(line(std::nullopt, -62.0).rfind("Sound from mic: no voice heard (", 0), 0U);
  EXPECT_EQ(line(std::nullopt, -120.0).rfind("Sound from mic: silent (", 0), 0U);
}

}  // namespace
}  // namespace micdoctor
