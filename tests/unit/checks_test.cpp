// The walk-through rules, each from a snapshot in to the finding out: flagged
// inside the rule's range, quiet outside it. Plus the recorded fixtures of
// what cannot be built on a test server (ports, Bluetooth, sandboxes, drivers).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <ostream>
#include <fstream>
#include <sstream>

#include "checks/check_catalog.hpp"
#include "checks/run_checks.hpp"
#include "model/snapshot_json.hpp"

namespace micdoctor::test {
namespace {

KernelCard kernel_card(int number, std::string id, std::string bus, std::string driver, std::string module,
                       std::string vendor, std::string product, std::string address) {
  KernelCard card;
  card.number = number;
  card.id = std::move(id);
  card.bus = std::move(bus);
  card.driver = std::move(driver);
  card.module = std::move(module);
  card.vendor_id = std::move(vendor);
  card.product_id = std::move(product);
  card.address = std::move(address);
  return card;
}


Source microphone(const std::string& name, const std::string& bus, const std::string& form_factor) {
  Source s;
  s.name = name;
  s.description = name + " description";
  s.kind = SourceKind::microphone;
  s.bus = bus;
  s.form_factor = form_factor;
  s.state = "idle";
  s.channels = 1;
  s.sample_rate = 48000;
  return s;
}

Source monitor(const std::string& sink) {
  Source s;
  s.name = sink + ".monitor";
  s.description = "Monitor of " + sink;
  s.kind = SourceKind::monitor;
  s.monitor_of = sink;
  s.card = "alsa_card.pci-0000_00_1f.3";  // a sound card's output (the server gives its monitor the card)
  return s;
}

// A working system: a USB headset as the default input, speakers' monitor beside it.
SystemSnapshot healthy() {
  SystemSnapshot s;
  s.server.reachable = true;
  s.server.name = "pulseaudio";
  s.server.default_source = "headset";
  s.sources = {monitor("speakers"), microphone("headset", "usb", "headset")};
  s.sources[0].index = 0;
  s.sources[1].index = 1;
  return s;
}

Source& source(SystemSnapshot& s, const std::string& name) {
  for (Source& src : s.sources) {
    if (src.name == name) return src;
  }
  throw std::runtime_error("no source " + name);
}

std::vector<std::string> ids(const std::vector<Finding>& findings) {
  std::vector<std::string> out;
  for (const Finding& f : findings) out.push_back(f.id);
  return out;
}

// A copy: callers often pass a temporary list.
Finding only(const std::vector<Finding>& findings, const std::string& id) {
  const auto count = std::count_if(findings.begin(), findings.end(), [&](const Finding& f) { return f.id == id; });
  if (count != 1) throw std::runtime_error(id + " found " + std::to_string(count) + " times");
  return *std::find_if(findings.begin(), findings.end(), [&](const Finding& f) { return f.id == id; });
}

bool has(const std::vector<Finding>& findings, const std::string& id) {
  return std::any_of(findings.begin(), findings.end(), [&](const Finding& f) { return f.id == id; });
}

bool mentions(const Finding& f, const std::string& text) {
  return std::any_of(f.manual_steps.begin(), f.manual_steps.end(),
                     [&](const std::string& step) { return step.find(text) != std::string::npos; });
}

Stream app_stream(std::uint32_t index, const std::string& app, const std::string& source_name) {
  Stream st;
  st.index = index;
  st.application = app;
  st.binary = app;
  st.source = source_name;
  return st;
}

TEST(Checks, HealthySystemHasNoFinding) { EXPECT_EQ(ids(run_checks(healthy())), std::vector<std::string>{}); }

TEST(Checks, EveryIdIsInTheCatalogueWithItsStep) {
  for (const CheckDefinition& d : check_definitions()) {
    EXPECT_GE(d.step, 0);
    EXPECT_LE(d.step, kLastStep);
    EXPECT_EQ(definition(d.check).id, d.id);
  }
  EXPECT_EQ(definition(CheckId::device_muted).step, 2);
  EXPECT_EQ(definition(CheckId::default_is_monitor).step, 3);
  EXPECT_EQ(definition(CheckId::driver_info).step, 4);
  EXPECT_EQ(definition(CheckId::device_port_unavailable).step, 5);
}

TEST(Checks, MutedSourceInUse) {
  SystemSnapshot s = healthy();
  source(s, "headset").muted = true;
  const Finding f = only(run_checks(s), "device.muted");
  EXPECT_EQ(f.severity, Severity::error);
  EXPECT_EQ(f.step, 2);
  EXPECT_EQ(f.device, "headset");
  EXPECT_EQ(f.fix, "source.unmute");
  EXPECT_TRUE(mentions(f, "pactl set-source-mute 'headset' 0"));
  // A muted source nobody uses is not this finding.
  SystemSnapshot other = healthy();
  other.sources.push_back(microphone("webcam", "usb", "webcam"));
  other.sources.back().muted = true;
  EXPECT_FALSE(has(run_checks(other), "device.muted"));
  EXPECT_TRUE(has(run_checks(other, "webcam"), "device.muted"));
}

TEST(Checks, VolumeLowAtAndBelowTwentyFivePercent) {
  const auto volume_finding = [](double percent) {
    SystemSnapshot s = healthy();
    source(s, "headset").volume_percent = percent;
    source(s, "headset").volume_db = 60.0 * std::log10(percent / 100.0);  // PulseAudio's cubic scale
    const auto findings = run_checks(s);
    const auto it = std::find_if(findings.begin(), findings.end(), [](const Finding& f) { return f.id == "device.volume_low"; });
    return it == findings.end() ? std::optional<Finding>() : std::optional<Finding>(*it);
  };
  EXPECT_FALSE(volume_finding(26.0));
  EXPECT_FALSE(volume_finding(100.0));
  ASSERT_TRUE(volume_finding(25.0));
  EXPECT_EQ(volume_finding(25.0)->severity, Severity::warning);
  EXPECT_NE(volume_finding(25.0)->detail.find("(-36.1 dB)"), std::string::npos) << volume_finding(25.0)->detail;
  EXPECT_EQ(volume_finding(10.0)->severity, Severity::error);
  EXPECT_EQ(volume_finding(0.0)->severity, Severity::error);
  EXPECT_EQ(volume_finding(25.0)->fix, "source.raise_volume");
}

TEST(Checks, NoMicrophoneOrOnlyMonitors) {
  SystemSnapshot s = healthy();
  s.sources = {monitor("speakers"), monitor("hdmi")};
  s.server.default_source = "speakers.monitor";
  const auto findings = run_checks(s);
  EXPECT_EQ(only(findings, "device.none").severity, Severity::error);
  // With no microphone at all, "the default records the speakers" would only
  // repeat it: device.none says what to do.
  EXPECT_EQ(ids(findings), std::vector<std::string>{"device.none"});
  s.sources.clear();
  s.server.default_source.clear();
  EXPECT_EQ(ids(run_checks(s)), std::vector<std::string>{"device.none"});
  // A virtual input (noise suppression) is an input.
  SystemSnapshot with_virtual = healthy();
  with_virtual.sources[1].kind = SourceKind::virtual_source;
  EXPECT_FALSE(has(run_checks(with_virtual), "device.none"));
}

TEST(Checks, DefaultIsAMonitor) {
  SystemSnapshot s = healthy();
  s.server.default_source = "speakers.monitor";
  const Finding f = only(run_checks(s), "default.is_monitor");
  EXPECT_EQ(f.severity, Severity::error);
  EXPECT_EQ(f.fix, "default.set");
  EXPECT_TRUE(mentions(f, "pactl set-default-source 'headset'"));
  EXPECT_EQ(source_in_use(s, "")->name, "headset");  // what a fix would make the default
}

TEST(Checks, AMonitorChosenWithDeviceIsNamedAsSuch) {
  SystemSnapshot s = healthy();
  const std::vector<Finding> findings = run_checks(s, "speakers.monitor");
  const Finding f = only(findings, "device.is_monitor");
  EXPECT_EQ((std::make_pair(f.severity, f.step)), std::make_pair(Severity::error, 2));
  EXPECT_EQ(f.device, "speakers.monitor");
  EXPECT_FALSE(f.fix);  // the default is the headset: nothing to change, only what to check
  EXPECT_TRUE(mentions(f, "micdoctor check --device 'headset'"));
  // The hardware step cannot be judged on a monitor.
  const Finding hidden = only(findings, "check.not_judged");
  EXPECT_EQ((std::make_pair(hidden.severity, hidden.step)), std::make_pair(Severity::info, 5));
  EXPECT_EQ(not_judged_reason(hidden), "the chosen device is a monitor of an output, not a microphone");
  // Judged by its index or description too; a microphone chosen is no monitor.
  EXPECT_TRUE(has(run_checks(s, "#0"), "device.is_monitor"));
  EXPECT_TRUE(has(run_checks(s, "Monitor of speakers"), "device.is_monitor"));
  EXPECT_FALSE(has(run_checks(s, "headset"), "device.is_monitor"));
  // Without --device the default monitor is default.is_monitor's (and the headset is checked).
  s.server.default_source = "speakers.monitor";
  EXPECT_FALSE(has(run_checks(s), "device.is_monitor"));
}

TEST(Checks, AVirtualMicrophoneMadeFromAMonitorIsAWarning) {
  // A null sink's monitor (OBS, PulseEffects_mic.monitor): no card, no bus behind it.
  SystemSnapshot s = healthy();
  Source virtual_mic = monitor("obs_mix");
  virtual_mic.card.clear();
  s.sources.push_back(virtual_mic);
  const std::vector<Finding> findings = run_checks(s, "obs_mix.monitor");
  const Finding f = only(findings, "device.is_monitor");
  EXPECT_EQ((std::make_pair(f.severity, f.step)), std::make_pair(Severity::warning, 2));
  EXPECT_NE(f.detail.find("If this is a virtual microphone on purpose, this is expected."), std::string::npos);
  EXPECT_FALSE(has(findings, "check.not_judged"));  // the test judges what it heard
  // The monitor of a real output keeps its error.
  EXPECT_EQ(only(run_checks(s, "speakers.monitor"), "device.is_monitor").severity, Severity::error);
}

TEST(Checks, AMonitorChosenThatIsAlsoTheDefaultIsOneFinding) {
  SystemSnapshot s = healthy();
  s.server.default_source = "speakers.monitor";
  const std::vector<Finding> findings = run_checks(s, "speakers.monitor");
  EXPECT_FALSE(has(findings, "default.is_monitor"));
  const Finding f = only(findings, "device.is_monitor");
  EXPECT_NE(f.detail.find("also the default input"), std::string::npos);
  EXPECT_EQ(f.fix, "default.set");
  EXPECT_TRUE(mentions(f, "pactl set-default-source 'headset'"));
  // Another monitor chosen while the default is a monitor: two things, two findings.
  s.sources.push_back(monitor("hdmi"));
  const std::vector<Finding> both = run_checks(s, "hdmi.monitor");
  EXPECT_TRUE(has(both, "device.is_monitor"));
  EXPECT_TRUE(has(both, "default.is_monitor"));
  // No microphone anywhere: say so instead of pointing at one.
  SystemSnapshot monitors_only = healthy();
  monitors_only.sources.pop_back();
  const Finding alone = only(run_checks(monitors_only, "speakers.monitor"), "device.is_monitor");
  EXPECT_TRUE(mentions(alone, "Connect a microphone"));
}

TEST(Checks, DefaultMissingOrGone) {
  SystemSnapshot s = healthy();
  s.server.default_source = "alsa_input.usb-gone";
  const Finding f = only(run_checks(s), "default.missing");
  EXPECT_EQ(f.severity, Severity::error);
  EXPECT_NE(f.detail.find("alsa_input.usb-gone"), std::string::npos);
  EXPECT_EQ(f.fix, "default.set");
  s.server.default_source.clear();
  EXPECT_TRUE(has(run_checks(s), "default.missing"));
}

TEST(Checks, DefaultNotPreferredOnlyForABuiltInDefault) {
  SystemSnapshot s = healthy();
  s.sources.push_back(microphone("builtin", "pci", "internal"));
  s.server.default_source = "builtin";
  const Finding f = only(run_checks(s), "default.not_preferred");
  EXPECT_EQ(f.severity, Severity::warning);
  EXPECT_EQ(f.device, "builtin");
  EXPECT_TRUE(mentions(f, "'headset'"));
  // The headset's jack reports it unplugged: not ready, nothing to prefer.
  Source& headset = source(s, "headset");
  headset.ports = {Port{"analog-input-headset-mic", "Headset Microphone", Availability::no, 1}};
  headset.active_port = "analog-input-headset-mic";
  EXPECT_FALSE(has(run_checks(s), "default.not_preferred"));
  // A virtual default (noise suppression) is a choice, not a mistake.
  SystemSnapshot chosen = healthy();
  Source denoised = microphone("denoised", "", "");
  denoised.kind = SourceKind::virtual_source;
  chosen.sources.push_back(denoised);
  chosen.server.default_source = "denoised";
  EXPECT_FALSE(has(run_checks(chosen), "default.not_preferred"));
  // A Bluetooth headset counts as preferred too.
  SystemSnapshot bluetooth = healthy();
  bluetooth.sources = {microphone("builtin", "pci", "internal"), microphone("bt", "bluetooth", "")};
  bluetooth.server.default_source = "builtin";
  EXPECT_TRUE(has(run_checks(bluetooth), "default.not_preferred"));
}

TEST(Checks, ApplicationStreams) {
  SystemSnapshot s = healthy();
  s.streams = {app_stream(7, "Zoom", "headset"), app_stream(8, "Discord", "speakers.monitor"),
               app_stream(9, "OBS", "speakers.monitor")};
  s.streams[0].muted = true;
  s.streams[0].volume_percent = 20.0;
  Stream module_stream = app_stream(3, "", "speakers.monitor");
  module_stream.from_module = true;  // a remap module's own stream: not an application
  s.streams.push_back(module_stream);
  const auto findings = run_checks(s);
  const Finding muted = only(findings, "app.stream_muted");
  EXPECT_EQ(muted.device, "stream:7");
  EXPECT_EQ(muted.fix, "stream.unmute");
  EXPECT_EQ(muted.step, 1);
  EXPECT_EQ(only(findings, "app.stream_volume_low").severity, Severity::warning);
  std::vector<const Finding*> wrong;
  for (const Finding& f : findings) {
    if (f.id == "app.wrong_source") wrong.push_back(&f);
  }
  ASSERT_EQ(wrong.size(), 2u);
  EXPECT_EQ(wrong[0]->device, "stream:8");
  EXPECT_EQ(wrong[0]->severity, Severity::error);
  EXPECT_EQ(wrong[0]->fix, "stream.move");
  EXPECT_TRUE(mentions(*wrong[0], "pactl move-source-output 8 'headset'"));
  EXPECT_EQ(wrong[1]->severity, Severity::warning);  // OBS may capture desktop sound on purpose
}

TEST(Checks, StreamVolumeBoundary) {
  SystemSnapshot s = healthy();
  s.streams = {app_stream(1, "A", "headset"), app_stream(2, "B", "headset"), app_stream(3, "C", "headset")};
  s.streams[0].volume_percent = 25.5;
  s.streams[1].volume_percent = 25.0;
  s.streams[2].volume_percent = 5.0;
  const auto findings = run_checks(s);
  std::vector<std::pair<std::string, Severity>> low;
  for (const Finding& f : findings) {
    if (f.id == "app.stream_volume_low") low.emplace_back(f.device, f.severity);
  }
  EXPECT_EQ(low, (std::vector<std::pair<std::string, Severity>>{{"stream:2", Severity::warning},
                                                                 {"stream:3", Severity::error}}));
}

TEST(Checks, PortUnavailableSuggestsThePluggedPort) {
  SystemSnapshot s = healthy();
  Source& headset = source(s, "headset");
  headset.ports = {Port{"analog-input-front-mic", "Front Microphone", Availability::no, 85},
                   Port{"analog-input-rear-mic", "Rear Microphone", Availability::yes, 82}};
  headset.active_port = "analog-input-front-mic";
  const Finding f = only(run_checks(s), "device.port_unavailable");
  EXPECT_EQ(f.severity, Severity::error);
  EXPECT_EQ(f.step, 5);
  EXPECT_EQ(f.fix, "source.set_port");
  EXPECT_TRUE(mentions(f, "pactl set-source-port 'headset' 'analog-input-rear-mic'"));
  headset.ports[1].available = Availability::unknown;
  const Finding nothing_plugged = only(run_checks(s), "device.port_unavailable");
  EXPECT_FALSE(nothing_plugged.fix);
  headset.active_port = "analog-input-rear-mic";
  EXPECT_FALSE(has(run_checks(s), "device.port_unavailable"));
}

Card bluetooth_headset(const std::string& active) {
  Card c;
  c.name = "bluez_card.00_1B_66_A1_B2_C3";
  c.description = "WH-1000XM4";
  c.bus = "bluetooth";
  c.api = "bluez5";
  c.profiles = {Profile{"off", "Off", 0, 0, true, 0}, Profile{"a2dp-sink", "High Fidelity Playback (A2DP Sink)", 1, 0, true, 20},
                Profile{"headset-head-unit-cvsd", "Headset Head Unit (CVSD)", 1, 1, true, 1},
                Profile{"headset-head-unit", "Headset Head Unit (mSBC)", 1, 1, true, 2}};
  c.active_profile = active;
  return c;
}

TEST(Checks, ProfileWithoutInput) {
  SystemSnapshot s = healthy();
  s.cards = {bluetooth_headset("a2dp-sink")};
  const Finding f = only(run_checks(s), "device.profile_without_input");
  EXPECT_EQ(f.severity, Severity::warning);  // the USB headset still works
  EXPECT_EQ(f.fix, "card.set_profile");
  EXPECT_TRUE(mentions(f, "pactl set-card-profile 'bluez_card.00_1B_66_A1_B2_C3' 'headset-head-unit'"));
  EXPECT_NE(f.detail.find("phone call"), std::string::npos);  // says what it costs
  s.sources = {monitor("bluez_output")};
  s.server.default_source = "bluez_output.monitor";
  EXPECT_EQ(only(run_checks(s), "device.profile_without_input").severity, Severity::error);  // the only hope
  s.cards = {bluetooth_headset("headset-head-unit")};
  EXPECT_FALSE(has(run_checks(s), "device.profile_without_input"));
  // A card that cannot capture in any profile (HDMI) is not flagged.
  Card hdmi;
  hdmi.name = "alsa_card.pci-0000_01_00.1";
  hdmi.profiles = {Profile{"output:hdmi-stereo", "Digital Stereo (HDMI)", 1, 0, true, 5900}, Profile{"off", "Off", 0, 0, true, 0}};
  hdmi.active_profile = "off";
  SystemSnapshot with_hdmi = healthy();
  with_hdmi.cards = {hdmi};
  EXPECT_FALSE(has(run_checks(with_hdmi), "device.profile_without_input"));
  // An unavailable input profile cannot be offered.
  SystemSnapshot unavailable = healthy();
  unavailable.cards = {bluetooth_headset("a2dp-sink")};
  for (Profile& p : unavailable.cards[0].profiles) p.available = p.sources == 0;
  EXPECT_FALSE(has(run_checks(unavailable), "device.profile_without_input"));
}

TEST(Checks, SandboxedAppsDenied) {
  SystemSnapshot s = healthy();
  s.sandboxes = {SandboxedApp{"Zoom", "flatpak", "us.zoom.Zoom", false, "No socket."},
                 SandboxedApp{"Discord", "snap", "discord", false, "Disconnected."},
                 SandboxedApp{"Firefox", "snap", "firefox", true, ""}};
  const auto findings = run_checks(s);
  ASSERT_EQ(ids(findings), (std::vector<std::string>{"permission.sandbox_denied", "permission.sandbox_denied"}));
  EXPECT_EQ(findings[0].device, "us.zoom.Zoom");
  EXPECT_TRUE(mentions(findings[0], "flatpak override --user --socket=pulseaudio 'us.zoom.Zoom'"));
  EXPECT_TRUE(mentions(findings[1], "sudo snap connect 'discord:audio-record'"));
  EXPECT_EQ(findings[1].step, 1);
}

TEST(Checks, NoServer) {
  SystemSnapshot s;
  s.server.reachable = false;
  s.server.tried = "PULSE_SERVER=unix:/tmp/none";
  s.server.error = "Connection refused";
  s.server.installed = {"pulseaudio"};
  s.device_nodes.checked = true;
  s.device_nodes.exists = false;
  const auto findings = run_checks(s);
  EXPECT_EQ(ids(findings), (std::vector<std::string>{"server.unreachable", "permission.device_node"}));
  EXPECT_EQ(findings[0].step, 0);
  EXPECT_TRUE(mentions(findings[0], "unset PULSE_SERVER"));
  EXPECT_TRUE(mentions(findings[0], "systemctl --user restart pulseaudio"));
  EXPECT_NE(findings[1].title.find("/dev/snd"), std::string::npos);
  // With a server, /dev/snd is the server's business, not the user's.
  SystemSnapshot reachable = healthy();
  reachable.device_nodes = s.device_nodes;
  EXPECT_FALSE(has(run_checks(reachable), "permission.device_node"));
}

TEST(Checks, DriversFromTheKernel) {
  SystemSnapshot s = healthy();
  s.kernel.read = true;
  s.kernel.cards = {kernel_card(0, "PCH", "pci", "snd_hda_intel", "snd_hda_intel", "8086", "a0c8", "0000:00:1f.3"),
                    kernel_card(1, "H390", "usb", "snd-usb-audio", "snd_usb_audio", "046d", "0a44", "3-2:1.0")};
  Card usb_card;
  usb_card.name = "alsa_card.usb-Logitech_USB_Headset_H390-00";
  usb_card.alsa_card = 1;
  usb_card.profiles = {Profile{"output:analog-stereo+input:mono-fallback", "Duplex", 1, 1, true, 1}};
  usb_card.active_profile = usb_card.profiles[0].name;
  s.cards = {usb_card};
  source(s, "headset").card = usb_card.name;
  auto findings = run_checks(s);
  ASSERT_EQ(ids(findings), (std::vector<std::string>{"driver.info", "driver.info"}));
  EXPECT_EQ(findings[0].device, "card1");  // the card in use first
  EXPECT_EQ(findings[0].severity, Severity::info);
  EXPECT_NE(findings[0].detail.find("snd_usb_audio"), std::string::npos);
  EXPECT_NE(findings[0].detail.find("046d:0a44"), std::string::npos);

  s.kernel.unbound = {UnboundAudioDevice{"usb", "3-4:1.0", "0d8c", "0014", "USB audio interface"}};
  findings = run_checks(s);
  EXPECT_EQ(only(findings, "driver.unbound").severity, Severity::warning);  // other cards work
  EXPECT_TRUE(mentions(only(findings, "driver.unbound"), "modprobe snd_usb_audio"));
  s.kernel.cards.clear();
  EXPECT_EQ(only(run_checks(s), "driver.unbound").severity, Severity::error);
  s.kernel.read = false;
  EXPECT_FALSE(has(run_checks(s), "driver.unbound"));
}

TEST(Checks, FindingsComeInWalkThroughOrder) {
  SystemSnapshot s = healthy();
  source(s, "headset").muted = true;
  s.sandboxes = {SandboxedApp{"Zoom", "flatpak", "us.zoom.Zoom", false, "No socket."}};
  s.kernel.read = true;
  s.kernel.cards = {kernel_card(0, "PCH", "pci", "snd_hda_intel", "snd_hda_intel", "8086", "a0c8", "0000:00:1f.3")};
  s.server.default_source = "speakers.monitor";
  const auto findings = run_checks(s);
  EXPECT_TRUE(std::is_sorted(findings.begin(), findings.end(), [](const Finding& a, const Finding& b) { return a.step < b.step; }));
  EXPECT_EQ(ids(findings), (std::vector<std::string>{"permission.sandbox_denied", "device.muted", "default.is_monitor", "driver.info"}));
}

TEST(Checks, SourceById) {
  const SystemSnapshot s = healthy();
  EXPECT_EQ(find_source_by_id(s, "headset")->name, "headset");
  EXPECT_EQ(find_source_by_id(s, "1")->name, "headset");
  EXPECT_EQ(find_source_by_id(s, "#1")->name, "headset");
  EXPECT_EQ(find_source_by_id(s, "headset description")->name, "headset");
  EXPECT_EQ(find_source_by_id(s, "7"), nullptr);
  EXPECT_EQ(find_source_by_id(s, "1x"), nullptr);
  EXPECT_EQ(find_source_by_id(s, "99999999999999999999"), nullptr);
}

// Recorded snapshots of what a test server cannot build, in the shape real
// systems produce (pactl and sysfs values of real hardware).
struct FixtureCase {
  const char* file;
  std::vector<std::pair<std::string, Severity>> expected;
};

void PrintTo(const FixtureCase& c, std::ostream* out) { *out << c.file; }

class Fixtures : public testing::TestWithParam<FixtureCase> {};

TEST_P(Fixtures, GiveTheirFindings) {
  const FixtureCase& c = GetParam();
  std::ifstream in(std::string(MICDOCTOR_FIXTURES_DIR) + "/snapshots/" + c.file);
  ASSERT_TRUE(in) << c.file;
  std::stringstream text;
  text << in.rdbuf();
  const SystemSnapshot snapshot = snapshot_from_text(text.str());
  std::vector<std::pair<std::string, Severity>> got;
  for (const Finding& f : run_checks(snapshot)) got.emplace_back(f.id, f.severity);
  EXPECT_EQ(got, c.expected);
}

constexpr auto E = Severity::error;
constexpr auto W = Severity::warning;
constexpr auto I = Severity::info;

INSTANTIATE_TEST_SUITE_P(
    Recorded, Fixtures,
    testing::Values(
        FixtureCase{"laptop_usb_headset_healthy.json", {{"driver.info", I}, {"driver.info", I}}},
        FixtureCase{"laptop_bluetooth_a2dp.json", {{"device.profile_without_input", W}, {"driver.info", I}}},
        FixtureCase{"desktop_front_jack_unplugged.json", {{"driver.info", I}, {"device.port_unavailable", E}}},
        FixtureCase{"sandboxed_apps_denied.json",
                    {{"permission.sandbox_denied", E}, {"permission.sandbox_denied", E}, {"driver.info", I}}},
        FixtureCase{"no_server_no_access.json",
                    {{"server.unreachable", E}, {"permission.device_node", E}, {"driver.info", I}}},
        FixtureCase{"pci_audio_without_driver.json",
                    {{"device.none", E}, {"driver.unbound", E}}},
        FixtureCase{"sof_firmware_missing.json", {{"device.none", E}, {"driver.no_card", E}}},
        FixtureCase{"default_names_unplugged_headset.json", {{"default.missing", E}, {"driver.info", I}}}),
    [](const testing::TestParamInfo<FixtureCase>& param) {
      std::string name = param.param.file;
      name = name.substr(0, name.find('.'));
      return name;
    });

}  // namespace
}  // namespace micdoctor::test
