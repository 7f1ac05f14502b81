// `micdoctor drivers`: the inventory (drivers/driver_inventory.hpp) and its
// four forms (report/drivers_report.hpp) on hand-made snapshots shaped as the
// readers fill them: a Linux laptop (HDA card, a Jabra USB headset fwupd
// offers firmware for), a Windows machine (a Realtek endpoint with a Windows
// Update offer for a less specific hardware id, camsvc disabled), hostile names.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "checks/check_catalog.hpp"
#include "checks/firmware_command.hpp"
#include "checks/run_checks.hpp"
#include "drivers/driver_inventory.hpp"
#include "report/drivers_report.hpp"

namespace micdoctor::test {
namespace {

using drivers::AudioDevice;
using drivers::DriverInventory;
using drivers::take_inventory;

// A Dell laptop on Debian 12: the PCH's HD Audio (card 0) and a Jabra
// Evolve2 65 on USB (card 1), fwupd 1.8.12 with LVFS's metadata.
SystemSnapshot linux_laptop() {
  SystemSnapshot s;
  s.platform = "linux";
  s.distribution = Distribution{"debian", "", "12", "Debian GNU/Linux 12 (bookworm)"};
  s.kernel.read = true;
  s.kernel.release = "6.1.0-13-amd64";
  KernelCard hda;
  hda.number = 0;
  hda.id = "PCH";
  hda.bus = "pci";
  hda.driver = "snd_hda_intel";
  hda.module = "snd_hda_intel";
  hda.vendor_id = "8086";
  hda.product_id = "a0c8";
  hda.address = "0000:00:1f.3";
  hda.alsa_driver = "HDA-Intel";
  hda.long_name = "HDA Intel PCH at 0x6001130000 irq 147";
  KernelCard jabra;
  jabra.number = 1;
  jabra.id = "Evolve265";
  jabra.bus = "usb";
  jabra.driver = "snd-usb-audio";
  jabra.module = "snd_usb_audio";
  jabra.vendor_id = "0b0e";
  jabra.product_id = "24b0";
  jabra.address = "3-2:1.0";
  jabra.alsa_driver = "USB-Audio";
  jabra.long_name = "GN Audio A/S Jabra Evolve2 65 at usb-0000:00:14.0-2, full speed";
  s.kernel.cards = {hda, jabra};
  s.kernel.controllers = {AudioController{"pci", "0000:00:1f.3", "8086", "a0c8", "040380", "1028:0a20", "snd_hda_intel"}};
  s.firmware.read = true;
  s.firmware.installed = true;
  s.firmware.daemon_version = "1.8.12";
  s.firmware.metadata = "fresh";
  s.firmware.metadata_age_days = 2;
  FirmwareDevice headset;
  headset.id = "5ba3e6bc5d1f7f8a1c0e7b4f2a9d3c6e8b1a0f2d";
  headset.name = "Evolve2 65";
  headset.vendor = "Jabra";
  headset.version = "1.8.1";
  headset.plugin = "jabra";
  headset.vendor_ids = "USB:0x0B0E";
  headset.instance_ids = {"USB\\VID_0B0E&PID_24B0"};
  headset.flags = {"updatable", "registered"};
  headset.is_audio = true;
  headset.upgrades = {FirmwareRelease{"1.12.5", "Firmware for the Jabra Evolve2 65", "Fixes the microphone muting itself",
                                      "lvfs", "medium", 1253376, 120}};
  FirmwareDevice uefi;  // not audio: never listed
  uefi.id = "a45df35ac0e948ee180fe216a5f703f32dda163f";
  uefi.name = "UEFI dbx";
  uefi.version = "371";
  uefi.instance_ids = {"UEFI\\CRT_A1117F516A32CEFCBA3F2D1ACE10A87972FD6BBE8FE0D0B996E09E65D802A503"};
  s.firmware.devices = {headset, uefi};
  s.packages.read = true;
  s.packages.manager = "dpkg";
  s.packages.asked = {"alsa-ucm-conf", "firmware-sof-signed"};
  s.packages.packages = {InstalledPackage{"alsa-ucm-conf", "1.2.8-1"}};
  return s;
}

// A Dell Windows 11 laptop: one Realtek function behind two capture
// endpoints, Windows Update offering a newer Realtek driver for a less
// specific hardware id (in other case), and an Intel HDMI offer for another device.
SystemSnapshot windows_machine() {
  SystemSnapshot s;
  s.platform = "windows";
  EndpointDriver realtek;
  realtek.endpoint = "{0.0.1.00000000}.{5d2c8f0e-7a1b-4c3d-9e8f-0a1b2c3d4e5f}";
  realtek.device_name = "Realtek(R) Audio";
  realtek.instance_id = "HDAUDIO\\FUNC_01&VEN_10EC&DEV_0257&SUBSYS_10280A20&REV_1000\\4&2D3C1B2A&0&0001";
  realtek.provider = "Realtek Semiconductor Corp.";
  realtek.version = "6.0.9239.1";
  realtek.date = "2021-09-08";
  realtek.inf = "oem42.inf";
  realtek.hardware_ids = {"HDAUDIO\\FUNC_01&VEN_10EC&DEV_0257&SUBSYS_10280A20&REV_1000",
                          "HDAUDIO\\FUNC_01&VEN_10EC&DEV_0257&SUBSYS_10280A20"};
  realtek.installed = "2026-11-30";
  realtek.installed_days_ago = 4;
  realtek.store_packages = {StoredDriverPackage{"oem17.inf", "Realtek Semiconductor Corp.", "6.0.9088.1", "2020-12-01"}};
  EndpointDriver second = realtek;  // the headset jack of the same codec
  second.endpoint = "{0.0.1.00000000}.{9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d}";
  s.drivers = {realtek, second};
  s.driver_updates.searched = true;
  s.driver_updates.online = true;
  DriverUpdate offer;
  offer.title = "Realtek Semiconductor Corp. - MEDIA - 6.0.9600.1";
  offer.hardware_id = "hdaudio\\func_01&ven_10ec&dev_0257&subsys_10280a20";
  offer.provider = "Realtek Semiconductor Corp.";
  offer.model = "Realtek(R) Audio";
  offer.driver_class = "MEDIA";
  offer.version = "6.0.9600.1";
  offer.date = "2023-05-10";
  offer.update_id = "0f3c2b1a-9e8d-4c7b-a6f5-e4d3c2b1a098";
  DriverUpdate hdmi = offer;
  hdmi.title = "Intel Corporation - MEDIA - 10.27.0.12";
  hdmi.hardware_id = "INTELAUDIO\\FUNC_01&VEN_8086&DEV_2812";
  hdmi.version = "10.27.0.12";
  s.driver_updates.updates = {offer, hdmi};
  s.services = {ServiceState{"Audiosrv", "Windows Audio", true, "running", "automatic", ""},
                ServiceState{"AudioEndpointBuilder", "Windows Audio Endpoint Builder", true, "running", "automatic", ""},
                ServiceState{"camsvc", "Capability Access Manager Service", true, "stopped", "disabled", ""}};
  return s;
}

const AudioDevice* device_named(const DriverInventory& inv, const std::string& part) {
  const auto it = std::find_if(inv.devices.begin(), inv.devices.end(),
                               [&](const AudioDevice& d) { return d.name.find(part) != std::string::npos; });
  return it == inv.devices.end() ? nullptr : &*it;
}

TEST(DriverInventory, LinuxCardsWithTheirModuleKernelAndFwupdFirmware) {
  const DriverInventory inv = take_inventory(linux_laptop(), {});
  ASSERT_EQ(inv.devices.size(), 2u) << "the controller is card 0; the Jabra card and its fwupd device are one";
  const AudioDevice* hda = device_named(inv, "HDA Intel PCH");
  ASSERT_NE(hda, nullptr);
  EXPECT_EQ(hda->card, 0);
  EXPECT_EQ(hda->bus, "pci");
  EXPECT_EQ(hda->driver.name, "snd_hda_intel");
  EXPECT_EQ(hda->driver.version, "6.1.0-13-amd64");
  EXPECT_NE(std::find(hda->ids.begin(), hda->ids.end(), "PCI class 040380"), hda->ids.end());
  EXPECT_FALSE(hda->firmware.has_value());
  EXPECT_TRUE(hda->updates.empty());

  const AudioDevice* jabra = device_named(inv, "Jabra Evolve2 65");
  ASSERT_NE(jabra, nullptr);
  EXPECT_EQ(jabra->driver.name, "snd_usb_audio");
  ASSERT_TRUE(jabra->firmware.has_value());
  EXPECT_EQ(jabra->firmware->version, "1.8.1");
  EXPECT_EQ(jabra->firmware->fwupd_device_id, "5ba3e6bc5d1f7f8a1c0e7b4f2a9d3c6e8b1a0f2d");
  ASSERT_EQ(jabra->updates.size(), 1u);
  EXPECT_EQ(jabra->updates[0].kind, "firmware");
  EXPECT_EQ(jabra->updates[0].version, "1.12.5");
  EXPECT_EQ(jabra->updates[0].source, "LVFS");
  EXPECT_NE(jabra->updates[0].how.find("fix --only firmware.update"), std::string::npos);
  EXPECT_EQ(device_named(inv, "UEFI"), nullptr) << "fwupd's non-audio devices are not listed";
  EXPECT_TRUE(inv.no_sound_hardware.empty());
}

TEST(DriverInventory, FwupdAudioDeviceWithoutACardIsListedOnItsOwn) {
  SystemSnapshot s = linux_laptop();
  s.kernel.cards.pop_back();  // the headset's USB audio interface is gone; fwupd still sees its dongle
  const DriverInventory inv = take_inventory(s, {});
  const AudioDevice* jabra = device_named(inv, "Jabra Evolve2 65");
  ASSERT_NE(jabra, nullptr);
  EXPECT_EQ(jabra->kind, "device fwupd knows");
  EXPECT_EQ(jabra->bus, "usb");
  EXPECT_EQ(jabra->vendor_id, "0b0e");
  EXPECT_EQ(jabra->product_id, "24b0");
  EXPECT_FALSE(jabra->card.has_value());
  EXPECT_EQ(jabra->updates.size(), 1u);
}

TEST(DriverInventory, UnboundCardlessAndBluetoothDevices) {
  SystemSnapshot s = linux_laptop();
  s.kernel.cards.clear();
  s.kernel.controllers.clear();
  s.firmware.devices.clear();
  s.kernel.unbound = {UnboundAudioDevice{"pci", "0000:00:1f.3", "8086", "51c8", "HD Audio controller"}};
  s.kernel.cardless = {CardlessAudioDevice{"pci", "0000:00:1f.3", "sof-audio-pci-intel-tgl", "8086", "51c8"}};
  s.bluetooth.devices = {
      BluetoothDevice{"00:1B:66:AA:BB:CC", "WH-1000XM4", true, true, {"0000111e-0000-1000-8000-00805f9b34fb"}},
      BluetoothDevice{"00:1B:66:AA:BB:DD", "Mouse", true, true, {"00001124-0000-1000-8000-00805f9b34fb"}},
      BluetoothDevice{"00:1B:66:AA:BB:EE", "Old headset", false, true, {"0000111e-0000-1000-8000-00805f9b34fb"}}};
  const DriverInventory inv = take_inventory(s, {});
  ASSERT_EQ(inv.devices.size(), 2u) << "one PCI function (cardless after unbound), one connected headset";
  EXPECT_EQ(inv.devices[0].kind, "audio controller with no sound card");
  EXPECT_EQ(inv.devices[0].driver.name, "sof-audio-pci-intel-tgl");
  EXPECT_EQ(inv.devices[1].bus, "bluetooth");
  EXPECT_EQ(inv.devices[1].name, "WH-1000XM4");

  s.kernel.cardless.clear();
  const DriverInventory unbound = take_inventory(s, {});
  EXPECT_EQ(unbound.devices[0].kind, "audio device with no driver");
  EXPECT_FALSE(unbound.devices[0].driver.bound);
}

const drivers::UpdateSource* source_named(const DriverInventory& inv, const std::string& name) {
  const auto it = std::find_if(inv.sources.begin(), inv.sources.end(),
                               [&](const drivers::UpdateSource& u) { return u.name == name; });
  return it == inv.sources.end() ? nullptr : &*it;
}

TEST(DriverInventory, SourcesSayWhatIsMissingAndHowToGetIt) {
  SystemSnapshot s = linux_laptop();
  EXPECT_TRUE(source_named(take_inventory(s, {}), "fwupd")->ok);
  EXPECT_TRUE(source_named(take_inventory(s, {}), "package database")->ok);

  s.firmware = FirmwareService{};
  s.firmware.error = "fwupd is not installed";
  const DriverInventory missing = take_inventory(s, {});
  const drivers::UpdateSource* fwupd = source_named(missing, "fwupd");
  EXPECT_FALSE(fwupd->ok);
  EXPECT_EQ(fwupd->state, "not installed");
  EXPECT_EQ(fwupd->action, "Install fwupd: sudo apt install fwupd");
  EXPECT_EQ(source_named(missing, "fwupd metadata"), nullptr);
  s.distribution = Distribution{"fedora", "", "39", "Fedora Linux 39"};
  EXPECT_EQ(source_named(take_inventory(s, {}), "fwupd")->action, "Install fwupd: sudo dnf install fwupd");

  s.firmware.installed = true;
  s.firmware.error = "no reply from org.freedesktop.fwupd within 10 s";
  EXPECT_EQ(source_named(take_inventory(s, {}), "fwupd")->state, "not running");

  s = linux_laptop();
  s.firmware.metadata = "stale";
  s.firmware.metadata_age_days = 94;
  const DriverInventory stale = take_inventory(s, {});
  const drivers::UpdateSource* metadata = source_named(stale, "fwupd metadata");
  EXPECT_FALSE(metadata->ok);
  EXPECT_NE(metadata->detail.find("94 days"), std::string::npos);
  EXPECT_NE(metadata->action.find("micdoctor drivers --refresh"), std::string::npos);

  s.packages = PackageDatabase{};
  s.packages.error = "/var/lib/dpkg/status: permission denied";
  const DriverInventory unread = take_inventory(s, {});
  const drivers::UpdateSource* packages = source_named(unread, "package database");
  EXPECT_FALSE(packages->ok);
  EXPECT_NE(packages->detail.find("permission denied"), std::string::npos);
}

// fwupd is reached (and started when needed) through the system D-Bus: with
// the bus itself down, "start fwupd" would not help, and is not said.
TEST(DriverInventory, NoSystemDBusIsSaidInsteadOfStartingFwupd) {
  SystemSnapshot s = linux_laptop();
  s.firmware = FirmwareService{};
  s.firmware.installed = true;
  s.firmware.error = "the system D-Bus could not be reached (No such file or directory)";
  const DriverInventory inv = take_inventory(s, {});
  const drivers::UpdateSource* fwupd = source_named(inv, "fwupd");
  EXPECT_EQ(fwupd->state, "no system D-Bus");
  EXPECT_NE(fwupd->detail.find("because the system D-Bus could not be reached (No such file or directory): programs "
                               "reach fwupd only through the system D-Bus"),
            std::string::npos)
      << fwupd->detail;
  EXPECT_EQ(fwupd->action.find("systemctl start fwupd"), std::string::npos) << fwupd->action;
  s.firmware.error = "fwupd (the firmware update service) is installed but not running";
  EXPECT_EQ(source_named(take_inventory(s, {}), "fwupd")->action, "Start it: sudo systemctl start fwupd");
}

// A device id from fwupd goes into a pasted command shell-quoted, the same
// command firmware.update_available gives.
TEST(DriverInventory, TheFwupdmgrCommandIsShellQuoted) {
  SystemSnapshot s = linux_laptop();
  ASSERT_FALSE(s.firmware.devices.empty());
  for (FirmwareDevice& d : s.firmware.devices) {
    if (!d.upgrades.empty()) d.id = "x; rm -rf ~";
  }
  const DriverInventory inv = take_inventory(s, {});
  const AudioDevice* jabra = device_named(inv, "Jabra Evolve2 65");
  ASSERT_NE(jabra, nullptr);
  ASSERT_EQ(jabra->updates.size(), 1u);
  EXPECT_NE(jabra->updates[0].how.find("(or: " + checks::fwupdmgr_update_command("x; rm -rf ~") + ")"),
            std::string::npos)
      << jabra->updates[0].how;
  EXPECT_NE(jabra->updates[0].how.find("fwupdmgr update 'x; rm -rf ~'"), std::string::npos) << jabra->updates[0].how;
}

// Devices that could not be listed are not "no sound hardware": Windows with
// its audio services stopped (the MMDevice API failed), Linux without /sys.
TEST(DriverInventory, DevicesThatCouldNotBeListedAreNotNoHardware) {
  SystemSnapshot windows;
  windows.platform = "windows";
  windows.server.reachable = false;
  windows.server.error = "the capture devices could not be listed: 0x88890010";
  DriverInventory w = take_inventory(windows, {});
  EXPECT_TRUE(w.no_sound_hardware.empty());
  EXPECT_EQ(drivers::inventory_verdict(w),
            "The sound devices could not be listed: the capture devices could not be listed: 0x88890010.");
  SystemSnapshot linux_machine;
  linux_machine.kernel.read = false;
  const DriverInventory l = take_inventory(linux_machine, {});
  EXPECT_TRUE(l.no_sound_hardware.empty());
  EXPECT_EQ(drivers::inventory_verdict(l).rfind("The sound devices could not be listed: the kernel's view", 0), 0u)
      << drivers::inventory_verdict(l);
  // Every form says why the list is empty, and none says "no sound hardware".
  w.findings.push_back(Finding{});  // a verdict of its own (the service finding), so the list's line is printed
  const std::string text = drivers_to_text(w, TextStyle{});
  EXPECT_NE(text.find("The sound devices could not be listed: the capture devices"), std::string::npos) << text;
  EXPECT_EQ(text.find("No sound hardware"), std::string::npos) << text;
  const auto json = nlohmann::json::parse(drivers_to_json(w));
  EXPECT_EQ(json["devices_unread"], windows.server.error);
  EXPECT_TRUE(json["no_sound_hardware"].is_null());
  EXPECT_NE(drivers_to_markdown(w).find("could not be listed"), std::string::npos);
  EXPECT_NE(drivers_to_html(w).find("could not be listed"), std::string::npos);
}

TEST(DriverInventory, ASnapshotWithoutTheSourcesSaysTheyWereNotAskedNotMissing) {
  SystemSnapshot s = linux_laptop();
  s.firmware = FirmwareService{};  // a snapshot or dump from before fwupd was read: no reason, nothing installed
  s.packages = PackageDatabase{};
  const DriverInventory inv = take_inventory(s, {});
  EXPECT_EQ(source_named(inv, "fwupd")->state, "not asked");
  EXPECT_EQ(source_named(inv, "fwupd")->action, "") << "not told to install what may well be installed";
  EXPECT_EQ(source_named(inv, "package database")->state, "not asked");
  SystemSnapshot w = windows_machine();
  w.driver_updates = WindowsDriverUpdates{};
  EXPECT_EQ(source_named(take_inventory(w, {}), "Windows Update")->state, "not asked");
}

TEST(DriverInventory, NoSoundHardwareIsSaidNotAnError) {
  SystemSnapshot s;
  s.kernel.read = true;
  const DriverInventory inv = take_inventory(s, {});
  EXPECT_TRUE(inv.devices.empty());
  EXPECT_FALSE(inv.no_sound_hardware.empty());
  EXPECT_EQ(drivers::inventory_verdict(inv).rfind("No sound hardware was found: ", 0), 0u);
  SystemSnapshot windows;
  windows.platform = "windows";
  EXPECT_FALSE(take_inventory(windows, {}).no_sound_hardware.empty());
}

TEST(DriverInventory, WindowsDeviceBehindTwoEndpointsWithItsMatchingOffer) {
  const DriverInventory inv = take_inventory(windows_machine(), {});
  ASSERT_EQ(inv.devices.size(), 1u);
  const AudioDevice& d = inv.devices[0];
  EXPECT_EQ(d.bus, "hdaudio");
  EXPECT_EQ(d.endpoints.size(), 2u);
  EXPECT_EQ(d.driver.provider, "Realtek Semiconductor Corp.");
  EXPECT_EQ(d.driver.version, "6.0.9239.1");
  EXPECT_EQ(d.driver.inf, "oem42.inf");
  EXPECT_EQ(d.driver.installed_days_ago, 4);
  ASSERT_EQ(d.updates.size(), 1u) << "the Intel HDMI offer is for another device";
  EXPECT_EQ(d.updates[0].version, "6.0.9600.1");
  EXPECT_EQ(d.updates[0].date, "2023-05-10");
  EXPECT_EQ(d.updates[0].source, "Windows Update");
  EXPECT_NE(d.updates[0].how.find("Optional updates"), std::string::npos);
  ASSERT_EQ(d.rollback.size(), 1u);
  EXPECT_EQ(d.rollback[0].version, "6.0.9088.1");
  ASSERT_EQ(inv.services.size(), 3u);
  EXPECT_EQ(inv.services[2].start_type, "disabled");
  EXPECT_TRUE(source_named(inv, "Windows Update")->ok);
}

TEST(DriverInventory, WindowsEndpointWithoutDriverDetailsIsStillADevice) {
  SystemSnapshot s = windows_machine();
  Source wine;  // Wine shows a PulseAudio source as an endpoint and gives no driver details for it
  wine.name = "{0.0.1.00000000}.{7c1f9e3a-2b4d-4c6e-8f0a-1b2c3d4e5f60}";
  wine.description = "Wine Test Microphone";
  s.sources = {wine};
  s.drivers.clear();
  const DriverInventory inv = take_inventory(s, {});
  ASSERT_EQ(inv.devices.size(), 1u);
  EXPECT_TRUE(inv.no_sound_hardware.empty());
  EXPECT_EQ(inv.devices[0].name, "Wine Test Microphone");
  EXPECT_EQ(inv.devices[0].endpoints, std::vector<std::string>{wine.name});
  EXPECT_NE(drivers_to_text(inv, TextStyle{}).find("Driver: unknown: Windows gave no driver details"),
            std::string::npos);
  s.sources.clear();
  EXPECT_FALSE(take_inventory(s, {}).no_sound_hardware.empty());
}

TEST(DriverInventory, UpdateMatchesAnyOfTheDeviceHardwareIdsIgnoringCase) {
  EndpointDriver device;
  device.hardware_ids = {"USB\\VID_0B0E&PID_24B0&REV_0100&MI_00", "USB\\VID_0B0E&PID_24B0&MI_00"};
  device.compatible_ids = {"USB\\Class_01&SubClass_01&Prot_00", "USB\\Class_01&SubClass_01", "USB\\Class_01"};
  DriverUpdate update;
  update.hardware_id = "usb\\vid_0b0e&pid_24b0&mi_00";
  EXPECT_TRUE(drivers::update_matches(device, update));
  update.hardware_id = "USB\\Class_01&SubClass_01";
  EXPECT_TRUE(drivers::update_matches(device, update));
  update.hardware_id = "USB\\VID_0B0E&PID_24B1&MI_00";
  EXPECT_FALSE(drivers::update_matches(device, update));
  // Exactly, as Windows matches an INF's ids: an offer for the composite
  // parent device is not for its audio interface (MI_00), nor a cut id.
  update.hardware_id = "USB\\VID_0B0E&PID_24B0";
  EXPECT_FALSE(drivers::update_matches(device, update));
  update.hardware_id = "USB\\VID_0B0E&PID_24B0&MI_0";
  EXPECT_FALSE(drivers::update_matches(device, update));
  update.hardware_id = "";
  EXPECT_FALSE(drivers::update_matches(device, update));
}

TEST(DriverInventory, WindowsUpdateNotSearchedOrBlockedIsExplained) {
  SystemSnapshot s = windows_machine();
  s.driver_updates = WindowsDriverUpdates{};
  s.driver_updates.error = "Windows Update is not available (0x80240024)";
  const DriverInventory not_searched = take_inventory(s, {});
  const drivers::UpdateSource* wu = source_named(not_searched, "Windows Update");
  EXPECT_FALSE(wu->ok);
  EXPECT_EQ(wu->state, "not searched");
  EXPECT_NE(wu->detail.find("0x80240024"), std::string::npos);
  s.driver_updates.blocked_by = "ExcludeWUDriversInQualityUpdate";
  s.driver_updates.blocked_detail =
      "HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\WindowsUpdate\\ExcludeWUDriversInQualityUpdate = 1";
  const DriverInventory blocked = take_inventory(s, {});
  wu = source_named(blocked, "Windows Update");
  EXPECT_EQ(wu->state, "blocked");
  EXPECT_NE(wu->detail.find("ExcludeWUDriversInQualityUpdate"), std::string::npos);
}

TEST(DriverInventory, KeepsStepFourAndTheServiceFindings) {
  std::vector<Finding> findings = {
      make_check_finding(CheckId::service_audio_stopped, Severity::error, "Windows Audio is stopped", "d"),
      make_check_finding(CheckId::service_camsvc_disabled, Severity::error, "camsvc is disabled", "d"),
      make_check_finding(CheckId::driver_update_available, Severity::warning, "A newer driver is offered", "d"),
      make_check_finding(CheckId::device_muted, Severity::error, "The microphone is muted", "d")};
  const DriverInventory inv = take_inventory(windows_machine(), findings);
  ASSERT_EQ(inv.findings.size(), 3u);
  for (const Finding& f : inv.findings) EXPECT_NE(f.id, "device.muted");
  // The verdict is the worst problem the checks found.
  EXPECT_EQ(drivers::inventory_verdict(inv), "Windows Audio is stopped");
}

TEST(DriverInventory, ParsesFwupdInstanceIds) {
  const auto usb = drivers::parse_instance_id("USB\\VID_0B0E&PID_24B0");
  ASSERT_TRUE(usb);
  EXPECT_EQ(usb->bus, "usb");
  EXPECT_EQ(usb->vendor_id, "0b0e");
  EXPECT_EQ(usb->product_id, "24b0");
  const auto pci = drivers::parse_instance_id("PCI\\VEN_8086&DEV_A0C8&SUBSYS_0A201028");
  ASSERT_TRUE(pci);
  EXPECT_EQ(pci->product_id, "a0c8");
  EXPECT_FALSE(drivers::parse_instance_id("UEFI\\CRT_A1117F516A32"));
  EXPECT_FALSE(drivers::parse_instance_id("USB\\VID_&PID_"));
  EXPECT_FALSE(drivers::parse_instance_id(""));
}

// ---- the four forms ----

TEST(DriversReport, JsonHasTheSchemaAndEveryDocumentedField) {
  const DriverInventory inv = take_inventory(linux_laptop(), {});
  const nlohmann::json j = nlohmann::json::parse(drivers_to_json(inv));
  EXPECT_EQ(j["schema"], "micdoctor.drivers/1");
  for (const char* key : {"platform", "origin", "kernel_release", "verdict", "severity", "no_sound_hardware", "devices",
                          "services", "sources", "findings"}) {
    EXPECT_TRUE(j.contains(key)) << key;
  }
  EXPECT_EQ(j["kernel_release"], "6.1.0-13-amd64");
  EXPECT_TRUE(j["no_sound_hardware"].is_null());
  ASSERT_EQ(j["devices"].size(), 2u);
  const auto& jabra = j["devices"][1];
  for (const char* key : {"bus", "kind", "name", "address", "vendor_id", "product_id", "card", "ids", "endpoints",
                          "driver", "firmware", "updates", "rollback"}) {
    EXPECT_TRUE(jabra.contains(key)) << key;
  }
  for (const char* key : {"bound", "name", "version", "provider", "date", "inf", "installed", "installed_days_ago",
                          "problem_code"}) {
    EXPECT_TRUE(jabra["driver"].contains(key)) << key;
  }
  EXPECT_EQ(jabra["firmware"]["version"], "1.8.1");
  EXPECT_EQ(jabra["updates"][0]["version"], "1.12.5");
  for (const char* key : {"kind", "version", "date", "summary", "source", "how", "hardware_id", "urgency",
                          "install_duration_s"}) {
    EXPECT_TRUE(jabra["updates"][0].contains(key)) << key;
  }
  EXPECT_TRUE(j["devices"][0]["firmware"].is_null());
  for (const char* key : {"name", "ok", "state", "detail", "action"}) EXPECT_TRUE(j["sources"][0].contains(key)) << key;

  const nlohmann::json w = nlohmann::json::parse(drivers_to_json(take_inventory(windows_machine(), {})));
  EXPECT_EQ(w["services"][2]["name"], "camsvc");
  EXPECT_EQ(w["services"][2]["start_type"], "disabled");
  for (const char* key : {"name", "display_name", "exists", "state", "start_type", "error"}) {
    EXPECT_TRUE(w["services"][0].contains(key)) << key;
  }
  EXPECT_EQ(w["devices"][0]["updates"][0]["hardware_id"], "hdaudio\\func_01&ven_10ec&dev_0257&subsys_10280a20");
  EXPECT_EQ(w["devices"][0]["rollback"][0]["inf"], "oem17.inf");
}

TEST(DriversReport, TextNamesDriverFirmwareUpdateAndServices) {
  const std::string linux_text = drivers_to_text(take_inventory(linux_laptop(), {}), TextStyle{});
  EXPECT_NE(linux_text.find("kernel module snd_hda_intel, part of kernel 6.1.0-13-amd64"), std::string::npos);
  EXPECT_NE(linux_text.find("Firmware: 1.8.1"), std::string::npos);
  EXPECT_NE(linux_text.find("Update: firmware 1.12.5 from LVFS"), std::string::npos);
  const std::string windows_text = drivers_to_text(take_inventory(windows_machine(), {}), TextStyle{});
  EXPECT_NE(windows_text.find("Realtek Semiconductor Corp. 6.0.9239.1 (2021-09-08), oem42.inf"), std::string::npos);
  EXPECT_NE(windows_text.find("[x] Capability Access Manager Service (camsvc): stopped, start type Disabled"),
            std::string::npos);
  EXPECT_NE(windows_text.find("Settings > Windows Update > Advanced options > Optional updates"), std::string::npos);
}

// The report marks a service as the check judges it: camsvc stopped with
// start type Manual is its normal rest (no finding, no [!]); Windows Audio
// disabled but still running is a warning in both.
TEST(DriversReport, ServiceMarksFollowTheChecksRule) {
  SystemSnapshot s = windows_machine();
  s.services[2].start_type = "manual";
  s.services[0].start_type = "disabled";
  const std::vector<Finding> findings = run_checks(s, "");
  const std::string text = drivers_to_text(take_inventory(s, {}), TextStyle{});
  EXPECT_NE(text.find("[ok] Capability Access Manager Service (camsvc): stopped, start type Manual"), std::string::npos)
      << text;
  EXPECT_TRUE(std::none_of(findings.begin(), findings.end(),
                           [](const Finding& f) { return f.id == "service.camsvc_disabled"; }));
  EXPECT_NE(text.find("[!] Windows Audio (Audiosrv): running, start type Disabled"), std::string::npos) << text;
  const auto audio = std::find_if(findings.begin(), findings.end(),
                                  [](const Finding& f) { return f.id == "service.audio_stopped"; });
  ASSERT_NE(audio, findings.end());
  EXPECT_EQ(audio->severity, Severity::warning);
  EXPECT_NE(audio->title.find("will not start after the next restart"), std::string::npos) << audio->title;
  EXPECT_TRUE(audio->explains.empty());
}

TEST(DriversReport, NoSoundHardwareInEveryForm) {
  SystemSnapshot s;
  s.kernel.read = true;
  const DriverInventory inv = take_inventory(s, {});
  for (const std::string& out : {drivers_to_text(inv, TextStyle{}), drivers_to_html(inv), drivers_to_markdown(inv),
                                 drivers_to_json(inv)}) {
    EXPECT_NE(out.find("No sound hardware was found"), std::string::npos) << out;
  }
}

// A name from a hostile device: markup, a terminal escape, Markdown pipes and emphasis.
SystemSnapshot hostile() {
  SystemSnapshot s = linux_laptop();
  s.kernel.cards[1].long_name = "<script>alert(1)</script> \x1b[2J\x1b]0;pwned\x07 | *bold* |";
  s.firmware.devices[0].upgrades[0].summary = "<img src=x onerror=alert(2)> | `code` \x1b[31mred";
  return s;
}

TEST(DriversReport, HostileNamesAreEscapedInEveryForm) {
  const DriverInventory inv = take_inventory(hostile(), {});
  const std::string text = drivers_to_text(inv, TextStyle{});
  EXPECT_EQ(text.find('\x1b'), std::string::npos);
  EXPECT_EQ(text.find('\x07'), std::string::npos);
  EXPECT_NE(text.find("\\x1B[2J"), std::string::npos);

  const std::string html = drivers_to_html(inv);
  EXPECT_EQ(html.find("<script>"), std::string::npos);
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_EQ(html.find('\x1b'), std::string::npos);
  EXPECT_NE(html.find("Content-Security-Policy"), std::string::npos);

  const std::string md = drivers_to_markdown(inv);
  EXPECT_EQ(md.find('\x1b'), std::string::npos);
  EXPECT_NE(md.find("\\<script>"), std::string::npos);
  EXPECT_NE(md.find("\\| \\*bold\\* \\|"), std::string::npos);
  // Every row of the device table keeps its six cell borders: no pipe from a name splits a cell.
  std::size_t at = md.find("| device |");
  ASSERT_NE(at, std::string::npos);
  std::istringstream rows(md.substr(at));
  std::string row;
  while (std::getline(rows, row) && !row.empty()) {
    int borders = 0;
    for (std::size_t i = 0; i < row.size(); ++i) {
      if (row[i] == '|' && (i == 0 || row[i - 1] != '\\')) ++borders;
    }
    EXPECT_EQ(borders, 6) << row;
  }

  const nlohmann::json j = nlohmann::json::parse(drivers_to_json(inv));
  EXPECT_EQ(j["devices"][1]["name"], "<script>alert(1)</script> \x1b[2J\x1b]0;pwned\x07 | *bold* |")
      << "JSON keeps the name as it is (escaped by JSON itself)";
}

}  // namespace
}  // namespace micdoctor::test
