// The known-bad table (data/known-bad-versions.json, compiled in), dpkg's
// version order, and the two checks that use the package database:
// driver.known_bad_version and firmware.package_missing.
//
// Version vectors: dpkg's own tests (src/at/deb-version.at and
// lib/dpkg/t/t-version.c in dpkg's repository) and deb-version(7)'s
// examples ("1.0~rc1" before "1.0", "~~" before "~~a" before "~" before "").
// Snapshot shapes: Intel Tiger Lake-LP 8086:a0c8 bound to
// sof-audio-pci-intel-tgl with its sof-hda-dsp card (thesofproject/linux
// issues), BlueZ's Handsfree UUID 0x111e (Bluetooth SIG assigned numbers),
// Debian's /proc/version ("... Debian 6.1.55-1 (2023-09-29)").
#include <gtest/gtest.h>

#include <algorithm>

#include "checks/check_context.hpp"
#include "checks/checks.hpp"
#include "checks/known_bad_versions.hpp"
#include "checks/run_checks.hpp"
#include "checks/version_compare.hpp"

namespace micdoctor::test {
namespace {

using checks::compare_versions;

int sign(int value) { return (value > 0) - (value < 0); }

TEST(VersionCompare, FollowsDpkgTestVectors) {
  struct Case {
    const char* a;
    const char* b;
    int expected;
  };
  const Case cases[] = {
      {"1.0", "1.0", 0},           {"1.0", "1.0-0", 0},  // an empty revision is "0"
      {"0:1.0", "1.0", 0},         {"1:0.1", "2.0", 1},    {"1.0", "1.1", -1},
      {"1.0~rc1", "1.0", -1},      {"1.0~rc1", "1.0~rc2", -1},  {"1.0~~", "1.0~~a", -1},
      {"1.0~~a", "1.0~", -1},      {"1.0~", "1.0", -1},    {"1.0", "1.0a", -1},
      {"1.0a", "1.0+", -1},        {"1.2.6", "1.2.6.1", -1},  {"1.2.6.2", "1.2.6.10", -1},
      {"0.3.53-1", "0.3.53", 1},   {"0.3.53-1", "0.3.54", -1},  {"1.0-1", "1.0-1.1", -1},
      {"2.30-1ubuntu1", "2.30-1", 1},  {"6.1.55-1", "6.1.9-1", 1},  {"1.001", "1.1", 0},
      {"16.1+dfsg1-2+b1", "16.1", 1},  {"1:1.2.6-1", "1.2.7", 1},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(sign(compare_versions(c.a, c.b)), c.expected) << c.a << " vs " << c.b;
    EXPECT_EQ(sign(compare_versions(c.b, c.a)), -c.expected) << c.b << " vs " << c.a;
  }
}

TEST(VersionCompare, ValidVersionsAndEpochs) {
  EXPECT_TRUE(checks::is_valid_version("1.2.6.2"));
  EXPECT_TRUE(checks::is_valid_version("1:0.3.53-1"));
  EXPECT_TRUE(checks::is_valid_version("0.3.53-1pop1~1656688733~22.04~08a96e8"));
  EXPECT_FALSE(checks::is_valid_version(""));
  EXPECT_FALSE(checks::is_valid_version("v1.2"));
  EXPECT_FALSE(checks::is_valid_version("1.2 3"));
  EXPECT_FALSE(checks::is_valid_version("x:1.2"));
  EXPECT_EQ(checks::without_epoch("1:0.3.53-1"), "0.3.53-1");
  EXPECT_EQ(checks::without_epoch("0.3.53-1"), "0.3.53-1");
}

// ---- the table --------------------------------------------------------------

TEST(KnownBadTable, ShippedTableParsesWithNoRejectedEntry) {
  const checks::KnownBadTable& table = checks::shipped_known_bad_table();
  EXPECT_EQ(table.error, "");
  for (const checks::RejectedEntry& r : table.rejected) ADD_FAILURE() << r.index << " " << r.id << ": " << r.reason;
  EXPECT_GE(table.entries.size(), 5u);
  for (const checks::KnownBadEntry& e : table.entries) {
    EXPECT_TRUE(e.source.starts_with("https://")) << e.id;
    EXPECT_LT(compare_versions(e.first_bad, e.first_fixed), 0) << e.id;
  }
}

TEST(KnownBadTable, PackagesOfInterestHoldTheTablesAndTheNeededPackages) {
  const std::vector<std::string> names = packages_of_interest();
  for (const char* name : {"alsa-ucm-conf", "alsa-ucm", "wireplumber", "pipewire", "libspa-0.2-bluetooth",
                           "firmware-sof-signed", "alsa-sof-firmware", "sof-firmware", "pulseaudio-module-bluetooth",
                           "pulseaudio-bluetooth"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), name), names.end()) << name;
  }
  EXPECT_EQ(std::count(names.begin(), names.end(), "alsa-ucm-conf"), 1);
}

std::string table_with(const std::string& entry) {
  return R"({"schema": "micdoctor.known-bad/1", "entries": [)" + entry + "]}";
}

const char* kGoodEntry = R"({"id": "good", "component": "wireplumber", "packages": {"debian": ["wireplumber"]},
  "first_bad": "0.4.6", "first_fixed": "0.4.7", "breaks": "words", "source": "https://example.org/1"})";

TEST(KnownBadTable, MalformedEntriesAreSkippedWithTheirReason) {
  struct Case {
    std::string entry;
    std::string reason;  // a part of it
  };
  const std::vector<Case> cases = {
      {R"("just text")", "not an object"},
      {R"({"component": "wireplumber"})", "\"id\" is missing"},
      {R"({"id": "x", "component": "alsa-lib", "first_bad": "1", "first_fixed": "2", "breaks": "b", "source": "https://a.b/c"})",
       "component \"alsa-lib\""},
      {R"({"id": "x", "component": "pipewire", "first_bad": "1", "first_fixed": "2", "breaks": "b", "source": "https://a.b/c"})",
       "\"packages\" is missing"},
      {R"({"id": "x", "component": "pipewire", "packages": {"gentoo": ["pipewire"]}, "first_bad": "1", "first_fixed": "2", "breaks": "b", "source": "https://a.b/c"})",
       "unknown family \"gentoo\""},
      {R"({"id": "x", "component": "pipewire", "packages": {"debian": ["Pipe Wire"]}, "first_bad": "1", "first_fixed": "2", "breaks": "b", "source": "https://a.b/c"})",
       "not a package name"},
      {R"({"id": "x", "component": "kernel", "first_bad": "6.9", "first_fixed": "6.8", "breaks": "b", "source": "https://a.b/c"})",
       "first_fixed \"6.8\" is not after first_bad \"6.9\""},
      {R"({"id": "x", "component": "kernel", "first_bad": "six", "first_fixed": "6.8", "breaks": "b", "source": "https://a.b/c"})",
       "\"first_bad\" \"six\" is not a version"},
      {R"({"id": "x", "component": "kernel", "first_bad": 6.9, "first_fixed": "6.10", "breaks": "b", "source": "https://a.b/c"})",
       "\"first_bad\" is not a string"},
      {R"({"id": "x", "component": "kernel", "first_bad": "6.9", "first_fixed": "6.10", "last_good": "6.9.1", "breaks": "b", "source": "https://a.b/c"})",
       "last_good \"6.9.1\" is not before"},
      {R"({"id": "x", "component": "kernel", "first_bad": "6.9", "first_fixed": "6.10", "breaks": "b", "source": "http://a.b/c"})",
       "not an https address"},
      {R"({"id": "x", "component": "kernel", "first_bad": "6.9", "first_fixed": "6.10", "breaks": "", "source": "https://a.b/c"})",
       "\"breaks\" is empty"},
      {R"({"id": "x", "component": "kernel", "first_bad": "6.9", "first_fixed": "6.10", "breaks": "b", "source": "https://a.b/c", "hardware": {"kind": "gpu"}})",
       "kind \"gpu\""},
      {R"({"id": "x", "component": "kernel", "first_bad": "6.9", "first_fixed": "6.10", "breaks": "b", "source": "https://a.b/c", "hardware": {"kind": "module"}})",
       "module names no values"},
      {std::string(kGoodEntry), "used twice"},  // beside the good one below: the second copy goes
  };
  for (const Case& c : cases) {
    const checks::KnownBadTable table = checks::parse_known_bad_table(table_with(std::string(kGoodEntry) + ", " + c.entry));
    EXPECT_EQ(table.error, "") << c.entry;
    ASSERT_EQ(table.entries.size(), 1u) << c.entry;
    EXPECT_EQ(table.entries[0].id, "good");
    ASSERT_EQ(table.rejected.size(), 1u) << c.entry;
    EXPECT_EQ(table.rejected[0].index, 1u);
    EXPECT_NE(table.rejected[0].reason.find(c.reason), std::string::npos) << table.rejected[0].reason;
  }
}

TEST(KnownBadTable, AMalformedFileGivesAnEmptyTableWithItsReason) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "not valid JSON"},
      {"{\"schema\": \"micdoctor.known-bad/1\", \"entries\": [", "not valid JSON"},
      {"[1, 2]", "not a JSON object"},
      {R"({"schema": "micdoctor.known-bad/2", "entries": []})", "schema is not micdoctor.known-bad/1"},
      {R"({"entries": []})", "schema is not"},
      {R"({"schema": "micdoctor.known-bad/1", "entries": {}})", "no \"entries\" list"},
      {std::string("\xff\xfe{\"schema\"", 10), "not valid JSON"},
  };
  for (const auto& [text, reason] : cases) {
    const checks::KnownBadTable table = checks::parse_known_bad_table(text);
    EXPECT_TRUE(table.entries.empty()) << text;
    EXPECT_NE(table.error.find(reason), std::string::npos) << table.error;
  }
  // Nesting deep enough to trouble a recursive parser stays an error, not a crash.
  const std::string deep = std::string(20000, '[') + std::string(20000, ']');
  EXPECT_FALSE(checks::parse_known_bad_table(deep).error.empty());
}

// ---- snapshots ----------------------------------------------------------------

Distribution debian() { return Distribution{"debian", "", "12", "Debian GNU/Linux 12 (bookworm)"}; }
Distribution fedora() { return Distribution{"fedora", "", "39", "Fedora Linux 39 (Workstation Edition)"}; }
Distribution arch() { return Distribution{"arch", "", "", "Arch Linux"}; }

// A Tiger Lake laptop with SOF and its sof-hda-dsp card.
SystemSnapshot sof_laptop(const Distribution& distribution) {
  SystemSnapshot s;
  s.distribution = distribution;
  s.kernel.read = true;
  s.kernel.release = "6.6.9-amd64";
  s.kernel.controllers.push_back(
      AudioController{"pci", "0000:00:1f.3", "8086", "a0c8", "040100", "17aa:22c9", "sof-audio-pci-intel-tgl"});
  KernelCard card;
  card.number = 0;
  card.id = "sofhdadsp";
  card.bus = "platform";
  card.driver = "skl_hda_dsp_generic";
  card.module = "snd_soc_skl_hda_dsp";
  card.alsa_driver = "sof-hda-dsp";
  card.ucm_config_found = true;
  card.ucm_config = "/usr/share/alsa/ucm2/conf.d/sof-hda-dsp/sof-hda-dsp.conf";
  s.kernel.cards.push_back(card);
  s.kernel.ucm_installed = true;
  s.packages.read = true;
  s.packages.manager = distribution.id == "fedora" ? "rpm" : distribution.id == "arch" ? "pacman" : "dpkg";
  s.packages.asked = packages_of_interest();
  return s;
}

// A plain HD-Audio desktop: no SOF anywhere.
SystemSnapshot hda_desktop(const Distribution& distribution) {
  SystemSnapshot s = sof_laptop(distribution);
  s.kernel.controllers[0] = AudioController{"pci", "0000:00:1f.3", "8086", "a170", "040300", "1043:8694", "snd_hda_intel"};
  s.kernel.cards[0].driver = "snd_hda_intel";
  s.kernel.cards[0].module = "snd_hda_intel";
  s.kernel.cards[0].alsa_driver = "HDA-Intel";
  s.kernel.cards[0].id = "PCH";
  return s;
}

std::vector<Finding> with_id(const std::vector<Finding>& findings, const std::string& id) {
  std::vector<Finding> out;
  std::copy_if(findings.begin(), findings.end(), std::back_inserter(out), [&](const Finding& f) { return f.id == id; });
  return out;
}

bool any_step_has(const Finding& f, const std::string& text) {
  return std::any_of(f.manual_steps.begin(), f.manual_steps.end(),
                     [&](const std::string& s) { return s.find(text) != std::string::npos; });
}

TEST(KnownBadVersion, AnAffectedUcmOnASofCardIsFoundWithSourceAndCommand) {
  SystemSnapshot s = sof_laptop(debian());
  s.packages.packages = {{"alsa-ucm-conf", "1.2.6.1-1"}, {"firmware-sof-signed", "2.2.4-1"}};
  const auto found = with_id(run_checks(s), "driver.known_bad_version");
  ASSERT_EQ(found.size(), 1u);
  const Finding& f = found[0];
  EXPECT_EQ(f.severity, Severity::warning);
  EXPECT_EQ(f.step, 4);
  EXPECT_NE(f.detail.find("alsa-ucm-conf 1.2.6.1-1 (dpkg)"), std::string::npos) << f.detail;
  EXPECT_NE(f.detail.find("https://github.com/alsa-project/alsa-ucm-conf/issues/126"), std::string::npos);
  EXPECT_NE(f.detail.find("fixed in 1.2.6.2"), std::string::npos);
  EXPECT_TRUE(any_step_has(f, "sudo apt update && sudo apt install --only-upgrade alsa-ucm-conf"));
  EXPECT_TRUE(any_step_has(f, "go back to 1.2.5.1"));
}

TEST(KnownBadVersion, NotFoundWhenFixedBeforeTheRangeOrWithoutTheHardware) {
  for (const char* version : {"1.2.6.2-1", "1.2.6.3-1ubuntu1", "1.2.5.1-1", "1.2.12-1", "1.2.14-1"}) {
    SystemSnapshot s = sof_laptop(debian());
    s.packages.packages = {{"alsa-ucm-conf", version}, {"firmware-sof-signed", "2.2.4-1"}};
    EXPECT_TRUE(with_id(run_checks(s), "driver.known_bad_version").empty()) << version;
  }
  SystemSnapshot desktop = hda_desktop(debian());  // the same version without a SOF card
  desktop.packages.packages = {{"alsa-ucm-conf", "1.2.6.1-1"}};
  EXPECT_TRUE(with_id(run_checks(desktop), "driver.known_bad_version").empty());
  SystemSnapshot unread = sof_laptop(debian());  // a database not read says nothing
  unread.packages.read = false;
  unread.packages.packages = {{"alsa-ucm-conf", "1.2.6.1-1"}};
  EXPECT_TRUE(with_id(run_checks(unread), "driver.known_bad_version").empty());
}

TEST(KnownBadVersion, EachDistributionsOwnNameAndEpochsSetAside) {
  SystemSnapshot fedora_laptop = sof_laptop(fedora());
  fedora_laptop.packages.packages = {{"alsa-ucm", "1.2.13-1.fc41"}, {"alsa-sof-firmware", "2024.09-1.fc41"}};
  const auto on_fedora = with_id(run_checks(fedora_laptop), "driver.known_bad_version");
  ASSERT_EQ(on_fedora.size(), 1u);
  EXPECT_TRUE(any_step_has(on_fedora[0], "sudo dnf upgrade --refresh alsa-ucm"));

  SystemSnapshot arch_laptop = sof_laptop(arch());
  arch_laptop.packages.packages = {{"pipewire", "1:0.3.53-1"}, {"sof-firmware", "2.1.1-1"}};
  arch_laptop.bluetooth.read = true;
  arch_laptop.bluetooth.devices.push_back(BluetoothDevice{"00:1B:66:AA:BB:CC", "WH-1000XM4", true, true,
                                                          {"0000111e-0000-1000-8000-00805f9b34fb"}});
  const auto on_arch = with_id(run_checks(arch_laptop), "driver.known_bad_version");
  ASSERT_EQ(on_arch.size(), 1u);
  EXPECT_NE(on_arch[0].detail.find("pipewire 1:0.3.53-1 (pacman)"), std::string::npos) << on_arch[0].detail;
  EXPECT_TRUE(any_step_has(on_arch[0], "sudo pacman -Syu"));
  arch_laptop.bluetooth.devices.clear();  // no headset: the Bluetooth regression does not concern it
  EXPECT_TRUE(with_id(run_checks(arch_laptop), "driver.known_bad_version").empty());
}

TEST(KnownBadVersion, TheKernelFromDebiansProcVersionAndTheModule) {
  SystemSnapshot s = sof_laptop(debian());
  s.packages.packages = {{"firmware-sof-signed", "2.2.4-1"}};
  s.kernel.release = "6.9.0-1-amd64";  // an ABI name: 6.9.0 would look affected
  s.kernel.version_text = "Linux version 6.9.0-1-amd64 (debian-kernel@lists.debian.org) (x86_64-linux-gnu-gcc-13 "
                          "(Debian 13.2.0-25) 13.2.0, GNU ld (GNU Binutils for Debian) 2.42) #1 SMP PREEMPT_DYNAMIC "
                          "Debian 6.9.7-1 (2024-06-27)";
  s.kernel.module_parameters.push_back(ModuleParameter{"snd_soc_sof_sdw", "quirk", "-1"});
  EXPECT_EQ(checks::running_kernel_version(s.kernel), "6.9.7-1");
  EXPECT_TRUE(with_id(run_checks(s), "driver.known_bad_version").empty());  // 6.9.7 has the fix

  s.kernel.version_text = "Linux version 6.9.0-1-amd64 (debian-kernel@lists.debian.org) #1 SMP PREEMPT_DYNAMIC "
                          "Debian 6.9.1-1 (2024-05-18)";
  const auto found = with_id(run_checks(s), "driver.known_bad_version");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_NE(found[0].detail.find("The running kernel is 6.9.1-1 (from /proc/version; the release is 6.9.0-1-amd64)"),
            std::string::npos)
      << found[0].detail;
  EXPECT_NE(found[0].detail.find("https://github.com/thesofproject/linux/issues/4999"), std::string::npos);
  EXPECT_TRUE(any_step_has(found[0], "sudo apt update && sudo apt full-upgrade"));

  s.kernel.module_parameters.clear();  // not a SoundWire machine
  EXPECT_TRUE(with_id(run_checks(s), "driver.known_bad_version").empty());

  SystemSnapshot f = sof_laptop(fedora());  // elsewhere the release starts with the version
  f.kernel.release = "6.9.1-200.fc40.x86_64";
  EXPECT_EQ(checks::running_kernel_version(f.kernel), "6.9.1");
}

// Ubuntu's release is an ABI name counting from x.y.0 ("6.9.0-12-generic" may
// be 6.9.5): its real version comes from /proc/version_signature, and without
// it a range fixed by a point release (6.9.2 here) is not claimed.
TEST(KnownBadVersion, UbuntusKernelFromItsVersionSignatureAndNoGuessFromAnAbiName) {
  Distribution ubuntu{"ubuntu", "debian", "24.10", "Ubuntu 24.10"};
  SystemSnapshot s = sof_laptop(ubuntu);
  s.packages.packages = {{"firmware-sof-signed", "2024.09-1"}};
  s.kernel.module_parameters.push_back(ModuleParameter{"snd_soc_sof_sdw", "quirk", "-1"});
  s.kernel.release = "6.9.0-12-generic";
  s.kernel.version_text = "Linux version 6.9.0-12-generic (buildd@lcy02-amd64-075) (x86_64-linux-gnu-gcc-14 (Ubuntu "
                          "14.2.0-4ubuntu2) 14.2.0, GNU ld (GNU Binutils for Ubuntu) 2.43.1) #12-Ubuntu SMP "
                          "PREEMPT_DYNAMIC Mon Jul  1 12:00:00 UTC 2024";
  EXPECT_TRUE(checks::kernel_version_is_guessed(s.kernel));
  EXPECT_TRUE(with_id(run_checks(s), "driver.known_bad_version").empty()) << "6.9.0-12 may be 6.9.2 or later";

  const std::string proc_version = s.kernel.version_text;
  s.kernel.version_text = proc_version + "\nUbuntu 6.9.0-12.12-generic 6.9.7";
  EXPECT_EQ(checks::running_kernel_version(s.kernel), "6.9.7");
  EXPECT_FALSE(checks::kernel_version_is_guessed(s.kernel));
  EXPECT_TRUE(with_id(run_checks(s), "driver.known_bad_version").empty());  // 6.9.7 has the fix

  s.kernel.version_text = proc_version + "\nUbuntu 6.9.0-12.12-generic 6.9.1";
  const auto found = with_id(run_checks(s), "driver.known_bad_version");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_NE(found[0].detail.find("The running kernel is 6.9.1 (from /proc/version_signature; the release is "
                                 "6.9.0-12-generic)"),
            std::string::npos)
      << found[0].detail;

  SystemSnapshot f = sof_laptop(fedora());  // Fedora's release names the real version
  f.kernel.release = "6.9.1-200.fc40.x86_64";
  EXPECT_FALSE(checks::kernel_version_is_guessed(f.kernel));
}

// ---- firmware.package_missing -------------------------------------------------

TEST(PackageMissing, SofWithoutTheFirmwarePackage) {
  SystemSnapshot s = sof_laptop(debian());
  s.packages.packages = {{"alsa-ucm-conf", "1.2.8-1"}};
  const auto found = with_id(run_checks(s), "firmware.package_missing");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].severity, Severity::error);
  EXPECT_NE(found[0].detail.find("firmware-sof-signed is not installed (dpkg)"), std::string::npos) << found[0].detail;
  EXPECT_TRUE(any_step_has(found[0], "sudo apt install firmware-sof-signed"));

  s.packages.packages.push_back({"firmware-sof-signed", "2.2.4-1"});
  EXPECT_TRUE(with_id(run_checks(s), "firmware.package_missing").empty());
  SystemSnapshot desktop = hda_desktop(debian());  // no SOF: nothing is needed
  EXPECT_TRUE(with_id(run_checks(desktop), "firmware.package_missing").empty());
}

// A Fedora or Arch system with dpkg installed (for building .debs): its
// database never holds the distribution's names, so nothing is "missing".
TEST(PackageMissing, OnlyJudgedInTheDistributionsOwnDatabase) {
  for (const Distribution& distribution : {fedora(), arch()}) {
    SystemSnapshot s = sof_laptop(distribution);
    s.packages.manager = "dpkg";
    s.packages.packages = {{"alsa-ucm-conf", "1.2.8-1"}};
    EXPECT_TRUE(with_id(run_checks(s), "firmware.package_missing").empty()) << distribution.id;
    s.packages.manager = checks::package_manager_of(checks::package_family(distribution));
    EXPECT_FALSE(with_id(run_checks(s), "firmware.package_missing").empty()) << distribution.id;
  }
}

TEST(PackageMissing, UcmMissingOnceNotTwice) {
  SystemSnapshot s = sof_laptop(fedora());
  s.packages.packages = {{"alsa-sof-firmware", "2023.09.2-1.fc39"}};
  // The UCM files are there (copied by hand): only the database says the package is missing.
  const auto found = with_id(run_checks(s), "firmware.package_missing");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_TRUE(any_step_has(found[0], "sudo dnf install alsa-ucm"));
  // No configuration for the card: driver.ucm_missing says it, with the same command; not repeated here.
  s.kernel.cards[0].ucm_config_found = false;
  const std::vector<Finding> findings = run_checks(s);
  EXPECT_EQ(with_id(findings, "driver.ucm_missing").size(), 1u);
  EXPECT_TRUE(with_id(findings, "firmware.package_missing").empty());
}

TEST(PackageMissing, OnlyWhatWasAskedIsJudged) {
  SystemSnapshot s = sof_laptop(debian());
  s.packages.asked = {"alsa-ucm-conf"};  // firmware-sof-signed never looked up: not "missing"
  s.packages.packages = {{"alsa-ucm-conf", "1.2.8-1"}};
  EXPECT_TRUE(with_id(run_checks(s), "firmware.package_missing").empty());
}

TEST(PackageMissing, TheRunningServersBluetoothPackage) {
  SystemSnapshot s = hda_desktop(debian());
  s.server.reachable = true;
  s.server.name = "PulseAudio (on PipeWire 0.3.65)";
  s.bluetooth.read = true;
  s.bluetooth.devices.push_back(BluetoothDevice{"00:1B:66:AA:BB:CC", "Jabra Evolve2 65", false, true,
                                                {"0000111e-0000-1000-8000-00805f9b34fb",
                                                 "0000110b-0000-1000-8000-00805f9b34fb"}});
  s.packages.packages = {{"pipewire", "0.3.65-3+deb12u1"}};
  const auto found = with_id(run_checks(s), "firmware.package_missing");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_NE(found[0].detail.find("Jabra Evolve2 65"), std::string::npos);
  EXPECT_TRUE(any_step_has(found[0], "sudo apt install libspa-0.2-bluetooth"));

  s.server.name = "pulseaudio";
  const auto pulse = with_id(run_checks(s), "firmware.package_missing");
  ASSERT_EQ(pulse.size(), 1u);
  EXPECT_TRUE(any_step_has(pulse[0], "sudo apt install pulseaudio-module-bluetooth"));

  s.packages.packages.push_back({"pulseaudio-module-bluetooth", "16.1+dfsg1-2+b1"});
  EXPECT_TRUE(with_id(run_checks(s), "firmware.package_missing").empty());
  // Headphones for music only (A2DP, no hands-free profile): no microphone to need it.
  s.packages.packages.pop_back();
  s.bluetooth.devices[0].uuids = {"0000110b-0000-1000-8000-00805f9b34fb"};
  EXPECT_TRUE(with_id(run_checks(s), "firmware.package_missing").empty());
}

}  // namespace
}  // namespace micdoctor::test
