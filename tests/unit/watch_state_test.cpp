// The watch's state changes: two server states compared, each change once,
// in a stable order; CallWatch driven through a sequence of states.
#include <gtest/gtest.h>

#include "watch/state_changes.hpp"
#include "watch_test_support.hpp"

namespace micdoctor {
namespace {

using test::kinds_of;
using test::watch_app;
using test::watch_card;
using test::watch_mic;
using test::watch_monitor;
using test::watch_state;

const std::string kH390 = "alsa_input.usb-Logitech_H390-00.mono-fallback";
const std::string kBuiltin = "alsa_input.pci-0000_00_1f.3.analog-stereo";
const std::string kBluez = "bluez_input.00_1B_66_AA_BB_CC.0";

SystemSnapshot before_state() {
  SystemSnapshot s = watch_state(
      {watch_mic(kBuiltin, "Built-in Audio Analog Stereo", "alsa_card.pci-0000_00_1f.3", "pci"),
       watch_mic(kH390, "H390 headset Mono", "alsa_card.usb-Logitech_H390-00"),
       watch_monitor("alsa_output.pci-0000_00_1f.3.analog-stereo")},
      {watch_app(12, "ZOOM VoiceEngine", "zoom", kH390), watch_app(14, "Firefox", "firefox", kBuiltin)}, kH390);
  s.cards = {watch_card("alsa_card.pci-0000_00_1f.3", "Built-in Audio", "output:analog-stereo+input:analog-stereo"),
             watch_card("alsa_card.usb-Logitech_H390-00", "H390 headset", "output:analog-stereo+input:mono-fallback")};
  s.sources[0].ports = {{"analog-input-internal-mic", "Internal Microphone", Availability::unknown, 0},
                        {"analog-input-mic", "Microphone", Availability::yes, 0}};
  s.sources[0].active_port = "analog-input-internal-mic";
  Stream module_stream = watch_app(3, "", "", kBuiltin);
  module_stream.from_module = true;
  s.streams.push_back(module_stream);
  return s;
}

TEST(WatchStateChanges, EachChangeOnceInTheDocumentedOrder) {
  const SystemSnapshot before = before_state();
  SystemSnapshot after = before;
  after.cards.push_back(watch_card("bluez_card.00_1B_66_AA_BB_CC", "WH-1000XM4", "headset-head-unit"));
  after.sources.push_back(watch_mic(kBluez, "WH-1000XM4", "bluez_card.00_1B_66_AA_BB_CC", "bluetooth"));
  after.sources.push_back(watch_monitor("bluez_output.00_1B_66_AA_BB_CC.1"));  // no device event for a monitor
  after.streams[0].source = kBuiltin;                                          // Zoom moved
  after.streams[0].muted = true;                                               // and muted
  after.streams[0].volume_percent = 40;                                        // and turned down
  after.streams.push_back(watch_app(20, "Discord", "Discord", kBluez));        // started
  after.streams.erase(after.streams.begin() + 1);                              // Firefox stopped
  after.sources[0].volume_percent = 35;
  after.sources[0].muted = true;
  after.sources[0].active_port = "analog-input-mic";
  after.cards[0].active_profile = "output:analog-stereo";
  after.server.default_source = kBluez;
  after.sources.erase(after.sources.begin() + 1);  // the H390 unplugged
  after.cards.erase(after.cards.begin() + 1);

  const auto events = watch::state_changes(before, after, 7.5);
  EXPECT_EQ(kinds_of(events),
            (std::vector<std::string>{"card.added", "device.added", "app.started", "app.moved", "app.mute",
                                      "app.volume", "source.volume", "source.mute", "source.port", "card.profile",
                                      "default.changed", "app.stopped", "device.removed", "card.removed"}));
  for (const WatchEvent& e : events) EXPECT_DOUBLE_EQ(e.elapsed_s, 7.5);
  // The people's names travel with the server's.
  EXPECT_EQ(describe_event(events[3]),
            "ZOOM VoiceEngine (zoom) was moved from H390 headset Mono to Built-in Audio Analog Stereo");
  EXPECT_EQ(events[3].from, kH390);
  EXPECT_EQ(events[8].from, "analog-input-internal-mic");
  EXPECT_EQ(describe_event(events[8]),
            "Built-in Audio Analog Stereo switched its input from Internal Microphone to Microphone");
  EXPECT_EQ(describe_event(events[10]), "The default input changed from H390 headset Mono to WH-1000XM4");
  EXPECT_EQ(events[11].subject, "Firefox");
  EXPECT_EQ(events[12].subject, kH390);

  // Nothing changed: nothing to say (a module's stream is never an app).
  EXPECT_TRUE(watch::state_changes(after, after, 8).empty());
  SystemSnapshot module_moved = after;
  for (Stream& s : module_moved.streams) {
    if (s.from_module) s.source = kBluez;
  }
  EXPECT_TRUE(watch::state_changes(after, module_moved, 9).empty());
}

TEST(WatchStateChanges, CallWatchReportsEachChangeOnceAcrossStates) {
  CallWatch watch({}, test::kWatchStartMs);
  SystemSnapshot s = before_state();
  watch.on_state(0.0, s);
  auto events = watch.take_events();
  // The start: the watch and the apps already recording.
  EXPECT_EQ(kinds_of(events), (std::vector<std::string>{"watch.started", "app.started", "app.started"}));
  EXPECT_EQ(describe_event(events[1]),
            "ZOOM VoiceEngine (zoom) was recording from H390 headset Mono when the watch started");
  EXPECT_EQ(events[0].subject, kH390);

  // The server moves Zoom: first it has no source, then the new one.
  s.streams[0].source.clear();
  s.streams[0].source_index.reset();
  watch.on_state(1.0, s);
  s.streams[0].source = kBuiltin;
  watch.on_state(1.1, s);
  watch.on_state(1.2, s);  // the same state again
  s.streams[0].muted = true;
  watch.on_state(2.0, s);
  s.server.default_source = kBuiltin;
  watch.on_state(3.0, s);
  watch.on_state(3.5, s);
  events = watch.take_events();
  EXPECT_EQ(kinds_of(events), (std::vector<std::string>{"app.moved", "app.mute", "default.changed"}));
  EXPECT_EQ(events[0].from, kH390);
  EXPECT_EQ(events[0].to, kBuiltin);
  EXPECT_DOUBLE_EQ(events[0].elapsed_s, 1.1);
  EXPECT_EQ(events[0].unix_ms, test::kWatchStartMs + 1100);
  EXPECT_TRUE(watch.take_events().empty());  // handed out once

  watch.on_server_lost(4.0, "Connection terminated");
  watch.finish(4.2, "the sound server went away");
  events = watch.take_events();
  EXPECT_EQ(kinds_of(events), (std::vector<std::string>{"server.lost", "watch.ended"}));
  EXPECT_NE(describe_event(events[0]).find("Connection terminated"), std::string::npos);
  // The timeline keeps them all, in order.
  EXPECT_EQ(kinds_of(watch.timeline().events),
            (std::vector<std::string>{"watch.started", "app.started", "app.started", "app.moved", "app.mute",
                                      "default.changed", "server.lost", "watch.ended"}));
  EXPECT_DOUBLE_EQ(watch.timeline().duration_s, 4.2);
}

TEST(WatchStateChanges, MonitorsComeAndGoWithoutDeviceEvents) {
  SystemSnapshot before = watch_state({watch_mic(kH390, "H390")}, {}, kH390);
  SystemSnapshot after = before;
  after.sources.push_back(watch_monitor("alsa_output.usb-Logitech_H390-00.analog-stereo"));
  EXPECT_TRUE(watch::state_changes(before, after, 1).empty());
  EXPECT_TRUE(watch::state_changes(after, before, 2).empty());
  // A real microphone coming and going does.
  after.sources.push_back(watch_mic(kBluez, "WH-1000XM4", {}, "bluetooth"));
  EXPECT_EQ(kinds_of(watch::state_changes(before, after, 3)), std::vector<std::string>{"device.added"});
  EXPECT_EQ(kinds_of(watch::state_changes(after, before, 4)), std::vector<std::string>{"device.removed"});
}

TEST(WatchStateChanges, SourceToMeterFollowsTheDeviceOrTheDefault) {
  SystemSnapshot s = watch_state({watch_mic(kH390, "H390"), watch_mic(kBuiltin, "Built-in")}, {}, kH390);
  CallWatch following({}, 0);
  EXPECT_EQ(following.source_to_meter(), "");  // no state yet
  following.on_state(0, s);
  EXPECT_EQ(following.source_to_meter(), kH390);
  s.server.default_source = kBuiltin;
  following.on_state(1, s);
  EXPECT_EQ(following.source_to_meter(), kBuiltin);
  s.server.default_source = "alsa_input.gone";  // names nothing that exists
  following.on_state(2, s);
  EXPECT_EQ(following.source_to_meter(), "");

  CallWatchOptions options;
  options.device = kH390;
  CallWatch fixed(options, 0);
  fixed.on_state(0, s);
  EXPECT_EQ(fixed.source_to_meter(), kH390);
}

}  // namespace
}  // namespace micdoctor
