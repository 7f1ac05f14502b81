// Windows driver updates, recent driver changes and exclusive mode (issue 15)
// on snapshot fixtures shaped like real Windows systems
// (tests/fixtures/windows/README.md): Wine's Windows Update Agent is a stub
// and its driver store is empty, so ids, matching and wording are proven
// here; tests/windows/test_wine_driver_updates.py proves the readers run
// under Wine without hanging and read the policies from the registry.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <stdexcept>

#include "checks/run_checks.hpp"
#include "checks/windows_driver_text.hpp"
#include "check_test_support.hpp"

namespace micdoctor::test {
namespace {

using checks::compare_driver_versions;
using checks::driver_version_from_title;
using checks::hardware_id_matches;

constexpr const char* kArray = "{0.0.1.00000000}.{3e8a1c6d-5f2b-4a97-b0d4-8c1e6f2a9b57}";

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(WindowsDriverText, VersionFromWindowsUpdateTitles) {
  EXPECT_EQ(driver_version_from_title("Realtek Semiconductor Corp. - MEDIA - 6.0.9626.1"), "6.0.9626.1");
  EXPECT_EQ(driver_version_from_title("Intel - net - 22.250.1.2  "), "22.250.1.2");
  EXPECT_EQ(driver_version_from_title("Realtek Semiconductor Corp. - Extension - 10.0.22000.20285"), "10.0.22000.20285");
  EXPECT_EQ(driver_version_from_title("Realtek Audio driver update"), "");
  EXPECT_EQ(driver_version_from_title("Update 5 of 10"), "");
  EXPECT_EQ(driver_version_from_title("Vendor - MEDIA - 6.0."), "");
  EXPECT_EQ(driver_version_from_title("Vendor - MEDIA - v6.0.1"), "");
  EXPECT_EQ(driver_version_from_title(""), "");
}

TEST(WindowsDriverText, HardwareIdsMatchExactlyIgnoringCase) {
  const std::string device = "HDAUDIO\\FUNC_01&VEN_10EC&DEV_0257&SUBSYS_17AA225D&REV_1000";
  EXPECT_TRUE(hardware_id_matches(device, device));
  EXPECT_TRUE(hardware_id_matches("hdaudio\\func_01&ven_10ec&dev_0257&subsys_17aa225d&rev_1000", device));
  // Windows never matches by prefix: a less specific id, a composite USB
  // device's parent id, a cut part, another codec, another bus.
  EXPECT_FALSE(hardware_id_matches("HDAUDIO\\FUNC_01&VEN_10EC&DEV_0257&SUBSYS_17AA225D", device));
  EXPECT_FALSE(hardware_id_matches("USB\\VID_0B0E&PID_0305", "USB\\VID_0B0E&PID_0305&MI_00"));
  EXPECT_FALSE(hardware_id_matches("HDAUDIO\\FUNC_01&VEN_10EC&DEV_02", device));
  EXPECT_FALSE(hardware_id_matches("HDAUDIO\\FUNC_01&VEN_10EC&DEV_0256&SUBSYS_17AA225D&REV_1000", device));
  EXPECT_FALSE(hardware_id_matches("PCI\\FUNC_01&VEN_10EC&DEV_0257&SUBSYS_17AA225D&REV_1000", device));
  EXPECT_FALSE(hardware_id_matches("", ""));
}

TEST(WindowsDriverText, OffersMatchHardwareIdsThenCompatibleIds) {
  const SystemSnapshot s = windows_fixture("realtek_driver_update");
  const EndpointDriver& realtek = s.drivers[0];
  const EndpointDriver& headset = s.drivers[2];
  DriverUpdate u;
  u.hardware_id = "hdaudio\\func_01&ven_10ec&dev_0257";  // a generic Realtek ALC257 package: a compatible id
  EXPECT_EQ(checks::matching_hardware_id(u, realtek), "HDAUDIO\\FUNC_01&VEN_10EC&DEV_0257");
  u.hardware_id = "HDAUDIO\\FUNC_01&VEN_10EC&DEV_0257&SUBSYS_17AA225D";
  EXPECT_EQ(checks::matching_hardware_id(u, realtek), "HDAUDIO\\FUNC_01&VEN_10EC&DEV_0257&SUBSYS_17AA225D");
  u.hardware_id = "HDAUDIO\\FUNC_01&VEN_10EC&DEV_0257&SUBSYS_17AA225D&REV_100";
  EXPECT_EQ(checks::matching_hardware_id(u, realtek), "");
  // The composite USB device the headset's audio interface belongs to.
  u.hardware_id = "USB\\VID_0B0E&PID_0305";
  EXPECT_EQ(checks::matching_hardware_id(u, headset), "");
  u.hardware_id = "USB\\Class_01&SubClass_01";
  EXPECT_EQ(checks::matching_hardware_id(u, headset), "USB\\Class_01&SubClass_01");
  // An older snapshot without either list: the instance id's device part, exactly.
  EndpointDriver old = headset;
  old.hardware_ids.clear();
  old.compatible_ids.clear();
  u.hardware_id = "USB\\VID_0B0E&PID_0305&MI_00";
  EXPECT_EQ(checks::matching_hardware_id(u, old), "USB\\VID_0B0E&PID_0305&MI_00");
  u.hardware_id = "USB\\VID_0B0E&PID_0305";
  EXPECT_EQ(checks::matching_hardware_id(u, old), "");
}

TEST(WindowsDriverChecks, AnOfferForTheCompositeUsbParentIsNotForTheHeadset) {
  SystemSnapshot s = windows_fixture("realtek_driver_update");
  s.driver_updates.updates[1].hardware_id = "USB\\VID_0B0E&PID_0305";
  EXPECT_TRUE(with_id(run_checks(s), "driver.update_available").empty());
}

TEST(WindowsDriverText, AnExceptionInTheSearchBecomesItsError) {
  const auto failed = checks::search_without_throwing([]() -> WindowsDriverUpdates { throw std::runtime_error("bad COM"); },
                                                      true);
  EXPECT_EQ(std::make_tuple(failed.searched, failed.online, failed.error),
            std::make_tuple(false, true, std::string("the Windows Update search failed: bad COM")));
  const auto unknown = checks::search_without_throwing([]() -> WindowsDriverUpdates { throw 42; }, false);
  EXPECT_EQ(unknown.error, "the Windows Update search failed with an unknown error");
  WindowsDriverUpdates fine;
  fine.searched = true;
  fine.updates.resize(2);
  const auto found = checks::search_without_throwing([&] { return fine; }, false);
  EXPECT_EQ(std::make_tuple(found.searched, found.updates.size(), found.error), std::make_tuple(true, 2u, std::string()));
}

TEST(WindowsDriverText, VersionsCompareNumberByNumber) {
  EXPECT_EQ(compare_driver_versions("6.0.9626.1", "6.0.9239.1"), 1);
  EXPECT_EQ(compare_driver_versions("6.0.9239.1", "6.0.10000.1"), -1);
  EXPECT_EQ(compare_driver_versions("6.0", "6.0.0.0"), 0);
  EXPECT_EQ(compare_driver_versions("6.0.x", "6.0.1"), std::nullopt);
}

TEST(WindowsDriverChecks, RealtekUpdateMatchedToTheAudioDeviceOnce) {
  const std::vector<Finding> findings = run_checks(windows_fixture("realtek_driver_update"));
  const auto updates = with_id(findings, "driver.update_available");
  // One Realtek adapter behind two endpoints (microphone array and Stereo Mix)
  // gives one finding; the Wi-Fi update and the USB headset match nothing.
  ASSERT_EQ(updates.size(), 1u);
  const Finding& f = *updates[0];
  EXPECT_EQ((std::make_tuple(f.severity, f.step, f.device)), std::make_tuple(Severity::warning, 4, std::string(kArray)));
  EXPECT_TRUE(has(f.title, "\"Realtek(R) Audio\"")) << f.title;
  EXPECT_TRUE(has(f.detail, "\"Realtek Semiconductor Corp. - MEDIA - 6.0.9626.1\" (version 6.0.9626.1 of 2023-12-06"))
      << f.detail;
  EXPECT_TRUE(has(f.detail, "version 6.0.9239.1 of 2021-09-08 (oem42.inf)")) << f.detail;
  EXPECT_TRUE(has(f.detail, "hardware id HDAUDIO\\FUNC_01&VEN_10EC&DEV_0257&SUBSYS_17AA225D (the device's "
                            "HDAUDIO\\FUNC_01&VEN_10EC&DEV_0257&SUBSYS_17AA225D)."))
      << f.detail;
  EXPECT_TRUE(has(f.detail, "newer than the driver installed")) << f.detail;
  EXPECT_FALSE(has(f.detail, "policy")) << f.detail;
  EXPECT_TRUE(steps_mention(f, "Settings > Windows Update > Advanced options > Optional updates > Driver updates"));
  EXPECT_TRUE(steps_mention(f, "Settings > Update & Security > Windows Update > View optional updates"));
  EXPECT_TRUE(steps_mention(f, "micdoctor never installs drivers"));
  EXPECT_FALSE(f.fix.has_value());
  EXPECT_TRUE(with_id(findings, "driver.recently_changed").empty());
}

TEST(WindowsDriverChecks, AnOlderOfferIsSaidToBeOlder) {
  SystemSnapshot s = windows_fixture("realtek_driver_update");
  s.driver_updates.updates[1].version = "6.0.9088.1";
  const std::vector<Finding> findings = run_checks(s);
  const auto updates = with_id(findings, "driver.update_available");
  ASSERT_EQ(updates.size(), 1u);
  EXPECT_TRUE(has(updates[0]->detail, "older version than the driver installed")) << updates[0]->detail;
}

TEST(WindowsDriverChecks, ABlockingPolicyIsSaidNotWorkedAround) {
  const std::vector<Finding> findings = run_checks(windows_fixture("driver_updates_blocked"));
  const auto updates = with_id(findings, "driver.update_available");
  ASSERT_EQ(updates.size(), 1u);
  const Finding& f = *updates[0];
  EXPECT_EQ(f.severity, Severity::info);
  EXPECT_EQ(f.title, "Windows Update is kept from offering driver updates on this computer");
  EXPECT_TRUE(has(f.detail, "HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\WindowsUpdate ExcludeWUDriversInQualityUpdate = 1"))
      << f.detail;
  EXPECT_TRUE(has(f.detail, "micdoctor does not change such policies")) << f.detail;
  EXPECT_TRUE(f.manual_steps.empty());
  EXPECT_FALSE(f.fix.has_value());
}

TEST(WindowsDriverChecks, AnOfferDespiteAPolicySaysBoth) {
  SystemSnapshot s = windows_fixture("realtek_driver_update");
  const SystemSnapshot blocked = windows_fixture("driver_updates_blocked");
  s.driver_updates.blocked_by = blocked.driver_updates.blocked_by;
  s.driver_updates.blocked_detail = blocked.driver_updates.blocked_detail;
  const std::vector<Finding> findings = run_checks(s);
  const auto updates = with_id(findings, "driver.update_available");
  ASSERT_EQ(updates.size(), 1u);
  EXPECT_EQ(updates[0]->severity, Severity::warning);
  EXPECT_TRUE(has(updates[0]->detail, "ExcludeWUDriversInQualityUpdate = 1")) << updates[0]->detail;
}

TEST(WindowsDriverChecks, NoUpdatesNoFinding) {
  const std::vector<Finding> findings = run_checks(windows_fixture("driver_updates_none"));
  EXPECT_TRUE(with_id(findings, "driver.update_available").empty());
  EXPECT_TRUE(with_id(findings, "driver.recently_changed").empty());
}

TEST(WindowsDriverChecks, ADriverChangedTwoDaysAgoCanBeRolledBack) {
  const std::vector<Finding> findings = run_checks(windows_fixture("driver_changed_two_days_ago"));
  const auto changed = with_id(findings, "driver.recently_changed");
  // The Realtek adapter once; the headset changed 14 days ago with nothing to go back to.
  ASSERT_EQ(changed.size(), 1u);
  const Finding& f = *changed[0];
  EXPECT_EQ((std::make_tuple(f.severity, f.step, f.device)), std::make_tuple(Severity::warning, 4, std::string(kArray)));
  EXPECT_EQ(f.title, "The driver of \"Realtek(R) Audio\" changed 2 days ago");
  EXPECT_TRUE(has(f.detail, "installed 2026-12-02: Realtek Semiconductor Corp. version 6.0.9626.1 of 2023-12-06, oem57.inf"))
      << f.detail;
  // The previous Realtek package, not Microsoft's generic driver (a higher version number).
  EXPECT_TRUE(has(f.detail, "Realtek Semiconductor Corp. version 6.0.9239.1 of 2021-09-08 (oem42.inf)")) << f.detail;
  EXPECT_TRUE(has(f.detail, "If the microphone stopped working since, roll it back.")) << f.detail;
  EXPECT_TRUE(steps_mention(f, "Device Manager > Sound, video and game controllers > \"Realtek(R) Audio\" > Properties > "
                               "Driver > Roll Back Driver"));
  EXPECT_TRUE(steps_mention(f, "`pnputil /enum-drivers`"));
  EXPECT_TRUE(steps_mention(f, "the previous package is oem42.inf"));
  EXPECT_FALSE(f.fix.has_value());
}

TEST(WindowsDriverChecks, RecentMeansAWeekWithAPackageToGoBackTo) {
  const auto changed_after = [](int days, bool with_store) {
    SystemSnapshot s = windows_fixture("driver_changed_two_days_ago");
    for (EndpointDriver& d : s.drivers) {
      d.installed_days_ago = days;
      if (!with_store) d.store_packages.clear();
    }
    return with_id(run_checks(s), "driver.recently_changed").size();
  };
  EXPECT_EQ(changed_after(0, true), 1u);
  EXPECT_EQ(changed_after(7, true), 1u);
  EXPECT_EQ(changed_after(8, true), 0u);
  EXPECT_EQ(changed_after(2, false), 0u);
  SystemSnapshot unknown = windows_fixture("driver_changed_two_days_ago");
  for (EndpointDriver& d : unknown.drivers) d.installed_days_ago.reset();
  EXPECT_TRUE(with_id(run_checks(unknown), "driver.recently_changed").empty());
}

TEST(WindowsDriverChecks, ANewDeviceWithOnlyTheInboxDriverInTheStoreHasNotChanged) {
  // A device installed two days ago whose store lists only Microsoft's generic
  // hdaudio.inf (fits every HD Audio codec, never in use): no previous driver.
  SystemSnapshot s = windows_fixture("driver_changed_two_days_ago");
  for (EndpointDriver& d : s.drivers) {
    std::erase_if(d.store_packages, [](const StoredDriverPackage& p) { return p.provider != "Microsoft"; });
  }
  EXPECT_TRUE(with_id(run_checks(s), "driver.recently_changed").empty());
}

TEST(WindowsDriverChecks, OnlyAnOlderPackageOfTheSameProviderIsAPreviousDriver) {
  SystemSnapshot s = windows_fixture("driver_changed_two_days_ago");
  for (EndpointDriver& d : s.drivers) {
    for (StoredDriverPackage& p : d.store_packages) {
      if (p.provider == "Realtek Semiconductor Corp.") p.version = "6.0.9700.1";  // newer than the one in use
    }
  }
  EXPECT_TRUE(with_id(run_checks(s), "driver.recently_changed").empty());
  for (EndpointDriver& d : s.drivers) {
    d.store_packages.push_back({"oem31.inf", "realtek semiconductor corp.", "6.0.9088.1", "2021-01-20"});
  }
  const std::vector<Finding> findings = run_checks(s);
  const auto changed = with_id(findings, "driver.recently_changed");
  ASSERT_EQ(changed.size(), 1u);
  EXPECT_TRUE(has(changed[0]->detail, "version 6.0.9088.1 of 2021-01-20 (oem31.inf)")) << changed[0]->detail;
}

TEST(WindowsDriverChecks, ADeviceInstalledThisWeekForTheFirstTimeHasNotChanged) {
  SystemSnapshot s = windows_fixture("driver_changed_two_days_ago");
  for (EndpointDriver& d : s.drivers) d.first_installed = d.installed;
  EXPECT_TRUE(with_id(run_checks(s), "driver.recently_changed").empty());
  for (EndpointDriver& d : s.drivers) d.first_installed.clear();  // unknown (an older snapshot): the store decides
  EXPECT_EQ(with_id(run_checks(s), "driver.recently_changed").size(), 1u);
}

TEST(WindowsDriverChecks, EachStorePackageHasItsOwnInf) {
  for (const char* name : {"realtek_driver_update", "driver_changed_two_days_ago", "driver_updates_blocked",
                           "driver_updates_none"}) {
    for (const EndpointDriver& d : windows_fixture(name).drivers) {
      std::set<std::string> infs = {d.inf};
      for (const StoredDriverPackage& p : d.store_packages) EXPECT_TRUE(infs.insert(p.inf).second) << name << " " << p.inf;
    }
  }
}

TEST(WindowsDriverChecks, TheDeviceInstallationSettingIsInformationNotABlock) {
  SystemSnapshot s = windows_fixture("realtek_driver_update");
  s.driver_updates.install_setting = "Windows is set not to download drivers for new devices by itself (Control Panel > "
                                     "System > Advanced system settings > Hardware > Device Installation Settings).";
  const std::vector<Finding> findings = run_checks(s);
  const auto updates = with_id(findings, "driver.update_available");
  ASSERT_EQ(updates.size(), 1u);
  EXPECT_EQ(updates[0]->severity, Severity::warning);
  EXPECT_TRUE(has(updates[0]->detail, "Hardware > Device Installation Settings")) << updates[0]->detail;
  EXPECT_FALSE(has(updates[0]->detail, "policy")) << updates[0]->detail;
  EXPECT_FALSE(has(updates[0]->detail, "IT department")) << updates[0]->detail;
  // Without an offer it explains nothing: the setting does not keep offers away.
  s.driver_updates.updates.clear();
  EXPECT_TRUE(with_id(run_checks(s), "driver.update_available").empty());
}

TEST(WindowsDriverChecks, TheOptionalUpdatesPathIsShared) {
  const std::vector<Finding> findings = run_checks(windows_fixture("realtek_driver_update"));
  const auto updates = with_id(findings, "driver.update_available");
  ASSERT_EQ(updates.size(), 1u);
  EXPECT_TRUE(steps_mention(*updates[0], checks::kOptionalUpdatesPathWindows11));
  EXPECT_TRUE(steps_mention(*updates[0], checks::kOptionalUpdatesPathWindows10));
}

TEST(WindowsDriverChecks, OnlyOnWindows) {
  SystemSnapshot s = windows_fixture("realtek_driver_update");
  s.platform = "linux";
  EXPECT_TRUE(with_id(run_checks(s), "driver.update_available").empty());
}

TEST(WindowsDriverChecks, FixturesRoundTripThroughJson) {
  const SystemSnapshot s = windows_fixture("driver_changed_two_days_ago");
  nlohmann::ordered_json json = snapshot_to_json(s);
  json["schema"] = "micdoctor.snapshot/1";
  const SystemSnapshot again = snapshot_from_text(json.dump());
  ASSERT_EQ(again.drivers.size(), 3u);
  EXPECT_EQ(again.drivers[0].store_packages.size(), 2u);
  EXPECT_EQ(again.drivers[0].installed_days_ago, 2);
  EXPECT_EQ(with_id(run_checks(again), "driver.recently_changed").size(), 1u);
}

TEST(ExclusiveMode, NamesTheHolderAndTheSetting) {
  checks::ExclusiveModeFacts facts;
  facts.microphone = "Microphone (USB Audio Device)";
  facts.holders = {{"Audacity", 4812}, {"Discord", 9120}};
  const std::string text = checks::exclusive_mode_message(facts);
  EXPECT_TRUE(has(text, "another program holds \"Microphone (USB Audio Device)\" exclusively")) << text;
  EXPECT_TRUE(has(text, "Using it now: Audacity (process 4812), Discord (process 9120)")) << text;
  EXPECT_TRUE(has(text, "is on (Windows' default)")) << text;
  EXPECT_TRUE(has(text, "Sound settings > More sound settings > Recording > \"Microphone (USB Audio Device)\" > "
                        "Properties > Advanced > untick \"Allow applications to take exclusive control of this device\""))
      << text;
}

TEST(ExclusiveMode, SaysWhenWindowsDoesNotTellWho) {
  checks::ExclusiveModeFacts facts;
  facts.microphone = "Microphone (USB Audio Device)";
  facts.sessions_error = "the sessions could not be listed: 0x80004001 (Not implemented)";
  facts.exclusive_allowed = true;
  const std::string text = checks::exclusive_mode_message(facts);
  EXPECT_TRUE(has(text, "Windows did not say which program (the sessions could not be listed: 0x80004001")) << text;
  EXPECT_TRUE(has(text, "exclusive control of this device\" is on for it")) << text;
  EXPECT_FALSE(has(text, "Using it now")) << text;
}

TEST(ExclusiveMode, SettingAlreadyOff) {
  checks::ExclusiveModeFacts facts;
  facts.exclusive_allowed = false;
  const std::string text = checks::exclusive_mode_message(facts);
  EXPECT_TRUE(has(text, "holds the microphone exclusively")) << text;
  EXPECT_TRUE(has(text, "is already off for it")) << text;
  EXPECT_FALSE(has(text, "untick")) << text;
}

}  // namespace
}  // namespace micdoctor::test
