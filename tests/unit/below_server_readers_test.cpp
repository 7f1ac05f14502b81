// The readers below the sound server on fixture machines shaped like real
// ones (tests/fixtures/kernel-log, config, bluez; sources in their READMEs):
// the kernel log's sound lines and the firmware it failed to load, BlueZ's
// recorded reply, and the sound servers' configuration, remembered default
// and WirePlumber layout. Malformed and missing input gives what is clear.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>

#include "platform/linux/audio_config.hpp"
#include "platform/linux/bluez_reader.hpp"
#include "platform/linux/kernel_log.hpp"

namespace micdoctor::test {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
namespace ls = linux_system;

const fs::path kFixtures = MICDOCTOR_FIXTURES_DIR;

class TempTree {
 public:
  TempTree() : root_(fs::temp_directory_path() / ("micdoctor-below-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++))) {
    fs::create_directories(root_);
  }
  ~TempTree() { fs::remove_all(root_); }
  TempTree(const TempTree&) = delete;
  TempTree& operator=(const TempTree&) = delete;
  const fs::path& root() const { return root_; }
  void write(const std::string& path, const std::string& text) const {
    fs::create_directories((root_ / path).parent_path());
    std::ofstream(root_ / path, std::ios::binary) << text;
  }

 private:
  static inline int counter_ = 0;
  fs::path root_;
};

std::vector<std::string> paths_of(const std::vector<FirmwareFile>& files) {
  std::vector<std::string> out;
  out.reserve(files.size());
  for (const auto& f : files) out.push_back(f.path);
  return out;
}

// -- the kernel log ----------------------------------------------------------------

TEST(KernelLogReader, KeepsTheSoundLinesOfAFixtureMachine) {
  const KernelLog log = ls::read_kernel_log(kFixtures / "kernel-log/glk-sof-and-wifi-firmware", 1000ms);
  ASSERT_TRUE(log.read) << log.unreadable;
  EXPECT_EQ(log.source, "file");
  // 26 lines: 21 about Wi-Fi firmware are dropped; Bluetooth and SOF stay, in order.
  ASSERT_EQ(log.lines.size(), 5u);
  EXPECT_EQ(log.lines.front(), "[    6.609434] Bluetooth: hci0: Minimum firmware build 1 week 10 2014");
  EXPECT_EQ(log.lines.back(), "[    8.907839] sof-audio-pci-intel-apl 0000:00:0e.0: error: failed to load DSP firmware -2");
  for (const std::string& line : log.lines) EXPECT_EQ(line.find("iwlwifi"), std::string::npos) << line;
}

TEST(KernelLogReader, JournalctlLinesAndOtherSubsystems) {
  const KernelLog log = ls::read_kernel_log(kFixtures / "kernel-log/apl-topology-journal", 1000ms);
  ASSERT_TRUE(log.read);
  ASSERT_EQ(log.lines.size(), 6u);  // the SGX and CIFS lines are not about sound
  EXPECT_NE(log.lines[5].find("snd_soc_register_card failed: -2"), std::string::npos);
}

TEST(KernelLogReader, KeepsTheNewestLinesUpToTheBound) {
  TempTree tree;
  std::string text;
  for (int i = 0; i < 1000; ++i) text += "[ " + std::to_string(i) + ".0] snd_hda_intel 0000:00:1f.3: line " + std::to_string(i) + "\n";
  tree.write("kernel.log", text);
  const KernelLog log = ls::read_kernel_log(tree.root(), 1000ms);
  ASSERT_EQ(log.lines.size(), ls::kMaxKernelLogLines);
  EXPECT_EQ(log.lines.back(), "[ 999.0] snd_hda_intel 0000:00:1f.3: line 999");
  // The boot's first lines stay, then the newest.
  EXPECT_EQ(log.lines.front(), "[ 0.0] snd_hda_intel 0000:00:1f.3: line 0");
  EXPECT_EQ(log.lines[ls::kKernelLogBootLines - 1], "[ 149.0] snd_hda_intel 0000:00:1f.3: line 149");
  EXPECT_EQ(log.lines[ls::kKernelLogBootLines], "[ 750.0] snd_hda_intel 0000:00:1f.3: line 750");
}

TEST(KernelLogReader, BluetoothSpamPushesOutNeitherTheProbeNorItselfTwice) {
  // The boot's probe lines the checks need, then Bluetooth's spam: thousands of
  // identical messages, and thousands that differ by the handle.
  TempTree tree;
  std::string text =
      "[    4.861937] sof-audio-pci-intel-tgl 0000:00:1f.3: DSP detected with PCI class/subclass/prog-if info 0x040100\n"
      "[    4.862011] sof-audio-pci-intel-tgl 0000:00:1f.3: DMICs detected in NHLT tables: 2\n";
  for (int i = 0; i < 3000; ++i) {
    text += "[ " + std::to_string(100 + i) + ".5] Bluetooth: hci0: ACL packet for unknown connection handle 3837\n";
  }
  for (int i = 0; i < 3000; ++i) {
    text += "[ " + std::to_string(5000 + i) + ".5] Bluetooth: hci0: ACL packet for unknown connection handle " +
            std::to_string(i) + "\n";
  }
  text += "[ 9000.1] snd_hda_intel 0000:00:1f.3: the newest\n";
  tree.write("kernel.log", text);
  const KernelLog log = ls::read_kernel_log(tree.root(), 1000ms);
  ASSERT_EQ(log.lines.size(), ls::kMaxKernelLogLines);
  EXPECT_NE(log.lines[0].find("DSP detected"), std::string::npos);
  EXPECT_NE(log.lines[1].find("DMICs detected in NHLT tables: 2"), std::string::npos);
  EXPECT_EQ(std::count_if(log.lines.begin(), log.lines.end(),
                          [](const std::string& l) { return l.find("handle 3837") != std::string::npos; }),
            1);
  EXPECT_EQ(log.lines.back(), "[ 9000.1] snd_hda_intel 0000:00:1f.3: the newest");
}

TEST(KernelLogReader, MissingOrNotAFileSaysWhy) {
  TempTree tree;
  KernelLog log = ls::read_kernel_log(tree.root(), 1000ms);
  EXPECT_FALSE(log.read);
  EXPECT_NE(log.unreadable.find("kernel.log"), std::string::npos) << log.unreadable;
  fs::create_directories(tree.root() / "kernel.log");
  log = ls::read_kernel_log(tree.root(), 1000ms);
  EXPECT_FALSE(log.read);
  EXPECT_NE(log.unreadable.find("not a regular file"), std::string::npos) << log.unreadable;
}

TEST(KernelLogReader, LiveReadEndsWithLinesOrAReason) {
  const auto started = std::chrono::steady_clock::now();
  const KernelLog log = ls::read_kernel_log("/", 2000ms);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
  if (log.read) {
    EXPECT_TRUE(log.source == "journald" || log.source == "dmesg") << log.source;
    EXPECT_LE(log.lines.size(), ls::kMaxKernelLogLines);
    for (const std::string& line : log.lines) EXPECT_TRUE(ls::is_sound_kernel_line(line)) << line;
  } else {
    EXPECT_FALSE(log.unreadable.empty());
  }
}

// -- firmware requests ---------------------------------------------------------------

TEST(FirmwareRequests, SofFirmwareMissingFromTheGentooWikiLog) {
  const fs::path machine = kFixtures / "kernel-log/cml-sof-firmware-missing";
  const KernelLog log = ls::read_kernel_log(machine, 1000ms);
  const std::vector<FirmwareFile> files = ls::firmware_requests(log, machine);
  ASSERT_EQ(paths_of(files), std::vector<std::string>{"intel/sof/community/sof-cml.ri"});
  EXPECT_FALSE(files[0].present);
}

TEST(FirmwareRequests, OneEntryPerFileAcrossTheLoaderAndSofMessages) {
  const fs::path machine = kFixtures / "kernel-log/debian-tplg-missing";
  const std::vector<FirmwareFile> files = ls::firmware_requests(ls::read_kernel_log(machine, 1000ms), machine);
  EXPECT_EQ(paths_of(files), std::vector<std::string>{"intel/sof-tplg/sof-hda-generic-2ch.tplg"});
}

TEST(FirmwareRequests, SoundFirmwareButNotWifiOrBluetooth) {
  // The Bluetooth firmware (intel/ibt-17-16-1.sfi) and Wi-Fi's are not sound firmware.
  const fs::path machine = kFixtures / "kernel-log/glk-sof-and-wifi-firmware";
  const std::vector<FirmwareFile> files = ls::firmware_requests(ls::read_kernel_log(machine, 1000ms), machine);
  EXPECT_EQ(paths_of(files), (std::vector<std::string>{"intel/sof/community/sof-glk.ri"}));
}

TEST(FirmwareRequests, OnlyFilesOfSoundDriversOrSoundFirmwarePaths) {
  KernelLog log;
  log.lines = {
      "[    5.1] bluetooth hci0: Direct firmware load for rtl_bt/rtl8822cu_config.bin failed with error -2",
      "[    5.2] amdgpu 0000:03:00.0: Direct firmware load for amdgpu/green_sardine_ta.bin failed with error -2",
      "[    5.3] i915 0000:00:02.0: Direct firmware load for i915/adlp_dmc.bin failed with error -2",
      "[    5.4] snd_soc_avs 0000:00:1f.3: Direct firmware load for intel/avs/skl/dsp_basefw.bin failed with error -2",
      "[    5.5] snd_soc_skl 0000:00:1f.3: Direct firmware load for dfw_sst.bin failed with error -2",
      "[    5.6] snd_sof_amd_rembrandt 0000:04:00.5: Direct firmware load for amd/sof/sof-rmb.ri failed with error -2",
      "[    5.7] cs35l41-hda i2c-CSC3551:00-cs35l41-hda.0: Direct firmware load for cirrus/cs35l41-dsp1-spk-prot-10431e12.wmfw failed with error -2",
  };
  EXPECT_EQ(paths_of(ls::firmware_requests(log, "/nonexistent")),
            (std::vector<std::string>{"intel/avs/skl/dsp_basefw.bin", "dfw_sst.bin", "amd/sof/sof-rmb.ri",
                                      "cirrus/cs35l41-dsp1-spk-prot-10431e12.wmfw"}));
}

TEST(FirmwareRequests, ALineCutShortNamesNoFile) {
  const fs::path machine = kFixtures / "kernel-log/apl-topology-journal";
  EXPECT_TRUE(ls::firmware_requests(ls::read_kernel_log(machine, 1000ms), machine).empty());
}

TEST(FirmwareRequests, PresentWhereTheLoaderLooks) {
  KernelLog log;
  log.read = true;
  log.lines = {
      "sof-audio-pci-intel-tgl 0000:00:1f.3: Direct firmware load for intel/sof/sof-tgl.ri failed with error -2",
      "sof-audio-pci-intel-tgl 0000:00:1f.3: error: tplg request firmware intel/sof-tplg/sof-tgl-rt711.tplg failed err: -2",
      "sof-audio-pci-intel-tgl 0000:00:1f.3: error: request firmware intel/sof/sof-adl.ri failed err: -22",
      "snd_hda_intel 0000:00:1f.3: firmware: failed to load hda-jack-retask.fw (-2)",
      "sof-audio-pci-intel-tgl 0000:00:1f.3: Direct firmware load for /lib/firmware/intel/avs/dsp.bin failed with error -2",
  };
  TempTree tree;
  tree.write("lib/firmware/intel/sof/sof-tgl.ri.zst", "x");          // compressed
  tree.write("lib/firmware/updates/intel/sof-tplg/sof-tgl-rt711.tplg.xz", "x");  // updates/, compressed
  tree.write("lib/firmware/hda-jack-retask.fw", "x");
  const std::vector<FirmwareFile> files = ls::firmware_requests(log, tree.root());
  ASSERT_EQ(paths_of(files), (std::vector<std::string>{"intel/sof/sof-tgl.ri", "intel/sof-tplg/sof-tgl-rt711.tplg",
                                                       "intel/sof/sof-adl.ri", "hda-jack-retask.fw", "intel/avs/dsp.bin"}));
  EXPECT_TRUE(files[0].present);
  EXPECT_TRUE(files[1].present);
  EXPECT_FALSE(files[2].present);
  EXPECT_TRUE(files[3].present);
  EXPECT_FALSE(files[4].present);
}

TEST(FirmwareRequests, ImplausibleNamesAreNotFiles) {
  KernelLog log;
  log.lines = {"snd_hda_intel: Direct firmware load for ../../etc/passwd failed with error -2",
               "snd_hda_intel: Direct firmware load for  failed with error -2",
               "snd_hda_intel: Direct firmware load for a b failed with error -2"};
  EXPECT_TRUE(ls::firmware_requests(log, "/nonexistent").empty());
}

// -- BlueZ's recorded reply -----------------------------------------------------------

TEST(BluetoothReader, RecordedGetManagedObjects) {
  const BluetoothState state = ls::read_bluetooth(kFixtures / "bluez/headset", 1000ms);
  ASSERT_TRUE(state.read) << state.error;
  EXPECT_TRUE(state.adapter_present);
  EXPECT_FALSE(state.ofono_running);
  ASSERT_EQ(state.devices.size(), 1u);
  const BluetoothDevice& headset = state.devices[0];
  EXPECT_EQ(headset.address, "00:1B:66:AA:BB:CC");
  EXPECT_EQ(headset.name, "WH-1000XM3");
  EXPECT_TRUE(headset.connected);
  EXPECT_TRUE(headset.paired);
  EXPECT_NE(std::find(headset.uuids.begin(), headset.uuids.end(), "0000111e-0000-1000-8000-00805f9b34fb"),
            headset.uuids.end());
  EXPECT_TRUE(ls::read_bluetooth(kFixtures / "bluez/ofono", 1000ms).ofono_running);
}

TEST(BluetoothReader, UuidsLowerCaseAliasBeforeNameBareMap) {
  const BluetoothState state = ls::bluetooth_from_json(
      R"({"/org/bluez/hci0/dev_AA":{"org.bluez.Device1":{"Name":"Jabra","Alias":{"type":"s","data":"My Jabra"},
          "UUIDs":["0000111E-0000-1000-8000-00805F9B34FB"],"Connected":{"type":"b","data":false}}}})",
      "");
  ASSERT_TRUE(state.read);
  EXPECT_FALSE(state.adapter_present);
  ASSERT_EQ(state.devices.size(), 1u);
  EXPECT_EQ(state.devices[0].name, "My Jabra");
  EXPECT_EQ(state.devices[0].uuids, std::vector<std::string>{"0000111e-0000-1000-8000-00805f9b34fb"});
  EXPECT_FALSE(state.devices[0].connected);
}

TEST(BluetoothReader, MalformedOrMissingRepliesSayWhy) {
  for (const char* text : {"", "{", "[1,2]", R"({"type":"a{oa{sa{sv}}}","data":[3]})"}) {
    const BluetoothState state = ls::bluetooth_from_json(text, "not json");
    EXPECT_FALSE(state.read) << text;
    EXPECT_FALSE(state.error.empty()) << text;
  }
  // Wrong types inside are skipped, not trusted.
  const BluetoothState odd = ls::bluetooth_from_json(
      R"({"/a":{"org.bluez.Device1":{"Address":5,"Connected":"yes","UUIDs":[1,"0000110B-0000-1000-8000-00805f9b34fb"]}},"/b":7})",
      R"({"type":"as","data":"org.ofono"})");
  ASSERT_TRUE(odd.read);
  ASSERT_EQ(odd.devices.size(), 1u);
  EXPECT_EQ(odd.devices[0].address, "");
  EXPECT_FALSE(odd.devices[0].connected);
  EXPECT_EQ(odd.devices[0].uuids, std::vector<std::string>{"0000110b-0000-1000-8000-00805f9b34fb"});
  EXPECT_FALSE(odd.ofono_running);
  TempTree tree;
  const BluetoothState none = ls::read_bluetooth(tree.root(), 1000ms);
  EXPECT_FALSE(none.read);
  EXPECT_NE(none.error.find("dbus/bluez.json"), std::string::npos) << none.error;
}

// -- the sound servers' configuration ---------------------------------------------------

ls::AudioConfigPaths fixture_paths(const fs::path& machine) {
  return ls::AudioConfigPaths{machine / "root", machine / "home/.config", machine / "home/.local/state"};
}

std::vector<std::string> described(const std::vector<AudioConfigSetting>& settings, const fs::path& base) {
  std::vector<std::string> out;
  out.reserve(settings.size());
  for (const auto& s : settings) {
    out.push_back(s.program + " " + s.key + "=" + s.value + " @" + fs::relative(s.file, base).string());
  }
  return out;
}

TEST(AudioConfigReader, WirePlumber04LuaInTheOrderItRunsThem) {
  const fs::path machine = kFixtures / "config/wp04-headset-disabled";
  const std::vector<AudioConfigSetting> settings = ls::read_audio_config(fixture_paths(machine));
  EXPECT_EQ(described(settings, machine),
            (std::vector<std::string>{
                // Debian's own 50-bluez-config.lua says so first.
                "wireplumber bluez_monitor.enabled=true @root/usr/share/wireplumber/bluetooth.lua.d/50-bluez-config.lua",
                "wireplumber bluez5.headset-roles=[ ] @home/.config/wireplumber/bluetooth.lua.d/51-bluez-config.lua",
                "wireplumber bluez5.hfphsp-backend=none @home/.config/wireplumber/bluetooth.lua.d/51-bluez-config.lua",
                "wireplumber media-role.use-headset-profile=true @root/usr/share/wireplumber/policy.lua.d/10-default-policy.lua",
            }));
  const UserAudioConfig user = ls::read_user_audio_config(fixture_paths(machine));
  EXPECT_EQ(user.wireplumber_version, "0.4");
  EXPECT_EQ(user.wireplumber_dir, (machine / "home/.config/wireplumber").string());
}

TEST(AudioConfigReader, WirePlumber04UserFileHidesTheSameNameAndSortsAmongTheOthers) {
  TempTree tree;
  tree.write("root/usr/share/wireplumber/main.lua.d/90-enable-all.lua", "");
  tree.write("root/usr/share/wireplumber/bluetooth.lua.d/60-x.lua", R"(bluez_monitor.properties["bluez5.roles"] = "[ a2dp_sink ]")");
  tree.write("root/etc/wireplumber/bluetooth.lua.d/60-x.lua", R"(bluez_monitor.properties["bluez5.roles"] = "[ hfp_hf ]")");
  tree.write("home/.config/wireplumber/bluetooth.lua.d/10-y.lua",
             "bluez_monitor.enabled = false\n--[[ [\"bluez5.roles\"] = \"[ commented ]\" ]]\n"
             "bluez_monitor.rules = { { apply_properties = { [\"bluez5.roles\"] = \"[ per-device ]\" } } }\n"
             "bluez_monitor.properties = { ['bluez5.headset-roles'] = '[ hsp_hs ]', -- [\"bluez5.roles\"] = \"[ x ]\"\n}\n");
  const std::vector<AudioConfigSetting> settings = ls::read_audio_config(fixture_paths(tree.root()));
  EXPECT_EQ(described(settings, tree.root()),
            (std::vector<std::string>{
                "wireplumber bluez_monitor.enabled=false @home/.config/wireplumber/bluetooth.lua.d/10-y.lua",
                "wireplumber bluez5.headset-roles=[ hsp_hs ] @home/.config/wireplumber/bluetooth.lua.d/10-y.lua",
                "wireplumber bluez5.roles=[ hfp_hf ] @root/etc/wireplumber/bluetooth.lua.d/60-x.lua",
            }));
}

TEST(AudioConfigReader, WirePlumber04TableAssignedLaterReplacesEarlierKeys) {
  TempTree tree;
  tree.write("root/usr/share/wireplumber/main.lua.d/90-enable-all.lua", "");
  tree.write("home/.config/wireplumber/bluetooth.lua.d/40-early.lua",
             R"(bluez_monitor.properties["bluez5.headset-roles"] = "[ ]")" "\n"
             R"(bluetooth_policy.policy["media-role.use-headset-profile"] = false)");
  tree.write("root/usr/share/wireplumber/bluetooth.lua.d/50-bluez-config.lua",
             "bluez_monitor.properties = {\n  [\"with-logind\"] = true,\n}\n");
  tree.write("home/.config/wireplumber/bluetooth.lua.d/60-late.lua",
             R"(bluez_monitor.properties["bluez5.hfphsp-backend"] = "ofono")");
  const std::vector<AudioConfigSetting> settings = ls::read_audio_config(fixture_paths(tree.root()));
  EXPECT_EQ(described(settings, tree.root()),
            (std::vector<std::string>{
                "wireplumber media-role.use-headset-profile=false @home/.config/wireplumber/bluetooth.lua.d/40-early.lua",
                "wireplumber bluez5.hfphsp-backend=ofono @home/.config/wireplumber/bluetooth.lua.d/60-late.lua",
            }));
}

TEST(AudioConfigReader, WirePlumber04HostileLuaStaysLinear) {
  // A file of "['" just under the size bound: each '[' searched to the end of
  // the file for its ']' was ~10^11 steps; now seconds at most, the real
  // setting before it still read.
  TempTree tree;
  tree.write("root/usr/share/wireplumber/main.lua.d/90-enable-all.lua", "");
  std::string lua = R"(bluez_monitor.properties["bluez5.headset-roles"] = "[ ]")" "\n";
  while (lua.size() + 2 < (1u << 20)) lua += "['";
  tree.write("home/.config/wireplumber/bluetooth.lua.d/40-hostile.lua", lua);
  const auto start = std::chrono::steady_clock::now();
  const std::vector<AudioConfigSetting> settings = ls::read_audio_config(fixture_paths(tree.root()));
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
  EXPECT_EQ(described(settings, tree.root()),
            (std::vector<std::string>{
                "wireplumber bluez5.headset-roles=[ ] @home/.config/wireplumber/bluetooth.lua.d/40-hostile.lua"}));
}

TEST(AudioConfigReader, WirePlumber05SpaJsonFragments) {
  const fs::path machine = kFixtures / "config/wp05-a2dp-only";
  const std::vector<AudioConfigSetting> settings = ls::read_audio_config(fixture_paths(machine));
  EXPECT_EQ(described(settings, machine),
            (std::vector<std::string>{
                std::string("wireplumber bluez5.roles=[ a2dp_sink a2dp_source bap_sink bap_source hsp_hs hsp_ag hfp_hf hfp_ag ]") +
                    " @root/etc/wireplumber/wireplumber.conf.d/50-bluez.conf",
                "wireplumber bluez5.hfphsp-backend=native @root/etc/wireplumber/wireplumber.conf.d/50-bluez.conf",
                "wireplumber disable-headset=true @home/.config/wireplumber/wireplumber.conf.d/51-disable-hsp-hfp.conf",
                std::string("wireplumber bluetooth.autoswitch-to-headset-profile=false") +
                    " @home/.config/wireplumber/wireplumber.conf.d/51-disable-hsp-hfp.conf",
                std::string("wireplumber bluez5.roles=[ a2dp_sink a2dp_source ]") +
                    " @home/.config/wireplumber/wireplumber.conf.d/51-disable-hsp-hfp.conf",
            }));
  EXPECT_EQ(ls::read_user_audio_config(fixture_paths(machine)).wireplumber_version, "0.5");
}

TEST(AudioConfigReader, SpaJsonOutsideTheSectionsAndMalformedTails) {
  TempTree tree;
  tree.write("root/usr/share/wireplumber/wireplumber.conf", "");
  // A key outside any section (WirePlumber ignores it), quoted keys and values,
  // a profile without the monitor, then a file cut short mid-section.
  tree.write("home/.config/wireplumber/wireplumber.conf.d/10-a.conf",
             "bluetooth.autoswitch-to-headset-profile = false\n"
             "monitor.bluez.properties = { \"bluez5.headset-roles\" : \"[ ]\", bluez5.codecs = [ sbc ] }\n"
             "wireplumber.profiles = { main = { monitor.bluez = disabled } }\n");
  tree.write("home/.config/wireplumber/wireplumber.conf.d/20-b.conf",
             "monitor.bluez.properties = {\n  bluez5.hfphsp-backend = none\n  bluez5.roles = [ a2dp_sink \"unterminated\n");
  tree.write("home/.config/wireplumber/wireplumber.conf.d/30-c.conf", std::string("\0\xff{{{{]]]=", 10));
  const std::vector<AudioConfigSetting> settings = ls::read_audio_config(fixture_paths(tree.root()));
  EXPECT_EQ(described(settings, tree.root()),
            (std::vector<std::string>{
                "wireplumber bluez5.headset-roles=[ ] @home/.config/wireplumber/wireplumber.conf.d/10-a.conf",
                "wireplumber monitor.bluez=disabled @home/.config/wireplumber/wireplumber.conf.d/10-a.conf",
                "wireplumber bluez5.hfphsp-backend=none @home/.config/wireplumber/wireplumber.conf.d/20-b.conf",
            }));
}

TEST(AudioConfigReader, PulseAudioDefaultPaThroughTheUsersInclude) {
  const fs::path machine = kFixtures / "config/pulseaudio-ofono";
  const std::vector<AudioConfigSetting> settings = ls::read_audio_config(fixture_paths(machine));
  EXPECT_EQ(described(settings, machine),
            (std::vector<std::string>{
                "pulseaudio module-bluetooth-discover headset=ofono @root/etc/pulse/default.pa",
                "pulseaudio module-bluetooth-policy auto_switch=2 @home/.config/pulse/default.pa",
            }));
  EXPECT_EQ(ls::read_user_audio_config(fixture_paths(machine)).wireplumber_version, "");
}

TEST(AudioConfigReader, IncludeLoopsAndDropInsNamedForTheHeadset) {
  TempTree tree;
  tree.write("root/etc/pulse/default.pa", ".include /etc/pulse/default.pa\nload-module module-bluez5-discover headset=native\n");
  tree.write("root/usr/share/pipewire/pipewire.conf.d/50-bluez-disable-headset.conf", "# named so\n");
  const std::vector<AudioConfigSetting> settings = ls::read_audio_config(fixture_paths(tree.root()));
  const std::vector<std::string> got = described(settings, tree.root());
  EXPECT_EQ(got.front(), "pipewire disable-headset=true @root/usr/share/pipewire/pipewire.conf.d/50-bluez-disable-headset.conf");
  EXPECT_EQ(got.back(), "pulseaudio module-bluez5-discover headset=native @root/etc/pulse/default.pa");
  EXPECT_LE(got.size(), 20u);  // the include loop is cut at its depth bound
}

TEST(AudioConfigReader, NothingInstalledNothingFound) {
  TempTree tree;
  EXPECT_TRUE(ls::read_audio_config(fixture_paths(tree.root())).empty());
  EXPECT_TRUE(ls::read_remembered_defaults(fixture_paths(tree.root())).empty());
}

// -- remembered defaults ----------------------------------------------------------------

TEST(RememberedDefaults, WirePlumberAndPulseAudio) {
  const fs::path machine = kFixtures / "config/wp04-headset-disabled";
  const std::vector<RememberedDefault> defaults = ls::read_remembered_defaults(fixture_paths(machine));
  ASSERT_EQ(defaults.size(), 2u);
  EXPECT_EQ(defaults[0].program, "wireplumber");
  EXPECT_EQ(defaults[0].source, "alsa_input.usb-046d_HD_Pro_Webcam_C920_8A3F2A1F-02.analog-stereo");
  EXPECT_EQ(defaults[0].file, (machine / "home/.local/state/wireplumber/default-nodes").string());
  EXPECT_EQ(defaults[1].program, "pulseaudio");
  EXPECT_EQ(defaults[1].source, "alsa_input.pci-0000_00_1f.3.analog-stereo");
}

TEST(RememberedDefaults, HistoryKeyWhenNoCurrentOneAndEscapes) {
  const fs::path machine = kFixtures / "config/wp05-a2dp-only";
  const std::vector<RememberedDefault> defaults = ls::read_remembered_defaults(fixture_paths(machine));
  ASSERT_EQ(defaults.size(), 1u);
  EXPECT_EQ(defaults[0].source, "alsa_input.pci-0000_00_1f.3.analog-stereo");
  TempTree tree;
  tree.write("home/.local/state/wireplumber/default-nodes",
             "[default-nodes]\ndefault.configured.audio.source.0=old\ndefault.configured.audio.source=\\sname\\\\x\nbroken line\n");
  const std::vector<RememberedDefault> escaped = ls::read_remembered_defaults(fixture_paths(tree.root()));
  ASSERT_EQ(escaped.size(), 1u);
  EXPECT_EQ(escaped[0].source, " name\\x");
}

// Sets environment variables for one test and puts back what was there.
class ScopedEnvironment {
 public:
  ScopedEnvironment() = default;
  ScopedEnvironment(const ScopedEnvironment&) = delete;
  ScopedEnvironment& operator=(const ScopedEnvironment&) = delete;
  ~ScopedEnvironment() {
    for (const auto& [name, value] : saved_) {
      if (value) ::setenv(name.c_str(), value->c_str(), 1);
      else ::unsetenv(name.c_str());
    }
  }
  void remember(const char* name) {
    const char* value = std::getenv(name);  // NOLINT(concurrency-mt-unsafe): tests run on one thread
    saved_.emplace_back(name, value != nullptr ? std::optional<std::string>(value) : std::nullopt);
  }

 private:
  std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};

TEST(AudioConfigPathsTest, FromTheEnvironment) {
  ScopedEnvironment environment;
  for (const char* name : {"HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME"}) environment.remember(name);
  ::setenv("HOME", "/home/me", 1);
  ::setenv("XDG_CONFIG_HOME", "relative/ignored", 1);
  ::setenv("XDG_STATE_HOME", "/state", 1);
  const ls::AudioConfigPaths paths = ls::default_audio_config_paths("/");
  EXPECT_EQ(paths.root, "/");
  EXPECT_EQ(paths.config_home, "/home/me/.config");
  EXPECT_EQ(paths.state_home, "/state");
  ::unsetenv("XDG_STATE_HOME");
  ::unsetenv("XDG_CONFIG_HOME");
  EXPECT_EQ(ls::default_audio_config_paths("/").state_home, "/home/me/.local/state");
}

}  // namespace
}  // namespace micdoctor::test
