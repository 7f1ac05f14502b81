// The checks below the sound server, each from a snapshot built with the
// shapes real systems have (PCI ids and classes, codec pin defaults, ALSA
// element names and dB ranges, BlueZ UUIDs) in, the finding out; and the
// near misses a healthy machine shows, which must stay quiet.
//
// Shapes and where they come from:
// - HD-Audio (Realtek ALC3246/ALC256, Dell XPS 13 9360, subsystem 0x1028082a):
//   codec page with "Internal Mic Boost" on 0x12 (0x90a60160), the
//   headset-mic pin 0x19 and 0x1a at 0x411111f0 [N/A], headphone 0x21
//   (0x02211030); ADC 0x08 Amp-In caps ofs=0x17 nsteps=0x3f stepsize=0x02, so
//   "Capture" is 0-63 at -17.25..+30.00 dB, boosts nsteps=0x03 stepsize=0x27:
//   0-3 at 0..+30 dB (a public codec dump "Dell XPS 13 96360 - Realtek
//   ALC-256"; the step sizes as sound/pci/hda/hda_codec.c turns them into dB).
// - Desktop Realtek ALC887 "Input Source" ('Front Mic' 'Rear Mic' 'Line'), as
//   amixer shows it in alsa-info dumps.
// - Intel Tiger Lake-LP audio 8086:a0c8, class 0x040380 (DSP present); Sunrise
//   Point-H 8086:a170, class 0x040300 (no DSP); AMD ACP 1022:15e2 class
//   0x048000; log lines as sound/hda/intel-dsp-config.c and
//   drivers/base/firmware_loader print them.
// - Bluetooth UUIDs: the Bluetooth SIG's assigned numbers (Handsfree 0x111e,
//   Headset 0x1108, Audio Sink 0x110b, A/V Remote Control 0x110e).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "analysis/signal_findings.hpp"
#include "checks/check_catalog.hpp"
#include "checks/install_command.hpp"
#include "checks/run_checks.hpp"
#include "checks/signal_joins.hpp"
#include "checks/check_context.hpp"
#include "fixes/below_server_plan.hpp"
#include "check_test_support.hpp"

namespace micdoctor::test {
namespace {

constexpr const char* kPciCard = "alsa_card.pci-0000_00_1f.3";
constexpr const char* kPciSource = "alsa_input.pci-0000_00_1f.3.analog-stereo";

// By value: the findings are often a temporary.
Finding only(const std::vector<Finding>& findings, const std::string& id) {
  const auto found = with_id(findings, id);
  if (found.size() != 1) throw std::runtime_error(id + " found " + std::to_string(found.size()) + " times");
  return *found.front();
}

Distribution debian() { return Distribution{"debian", "", "12", "Debian GNU/Linux 12 (bookworm)"}; }
Distribution fedora() { return Distribution{"fedora", "", "39", "Fedora Linux 39 (Workstation Edition)"}; }

// HD-Audio "Capture": ADC amp 0-63, -17.25..+30 dB, step 23 = 0 dB.
MixerElement capture(long step, bool on = true) {
  MixerElement e;
  e.name = "Capture";
  e.volume = volume(0, 63, step, -17.25, 30.0);
  e.volume_is_capture = true;
  e.capture_switch = {on, on};
  return e;
}

// A Realtek boost amp: 0-3, 0..+30 dB, a volume with no direction.
MixerElement boost(const std::string& name, long step) {
  MixerElement e;
  e.name = name;
  e.volume = volume(0, 3, step, 0.0, 30.0);
  return e;
}

KernelCard hda_card() {
  KernelCard c;
  c.number = 0;
  c.id = "PCH";
  c.bus = "pci";
  c.driver = "snd_hda_intel";
  c.module = "snd_hda_intel";
  c.vendor_id = "8086";
  c.product_id = "a0c8";
  c.address = "0000:00:1f.3";
  c.alsa_driver = "HDA-Intel";
  c.long_name = "HDA Intel PCH at 0x601f1a0000 irq 147";
  return c;
}

AlsaMixer xps_mixer(long capture_step, long internal_boost, bool with_headset_mic = true) {
  AlsaMixer m;
  m.card = 0;
  m.card_id = "PCH";
  m.read = true;
  m.elements = {capture(capture_step), boost("Internal Mic Boost", internal_boost)};
  if (with_headset_mic) {
    m.elements.push_back(boost("Headset Mic Boost", 0));
    m.elements.push_back(boost("Headphone Mic Boost", 0));
  }
  return m;
}

// A laptop on PipeWire recording its built-in microphone through card 0.
SystemSnapshot laptop() {
  SystemSnapshot s;
  s.server.reachable = true;
  s.server.name = "PulseAudio (on PipeWire 0.3.65)";
  s.server.default_source = kPciSource;
  Card card;
  card.name = kPciCard;
  card.description = "Built-in Audio";
  card.bus = "pci";
  card.api = "alsa";
  card.alsa_card = 0;
  card.profiles = {Profile{"HiFi", "Play HiFi quality Music", 1, 1, true, 1}};
  card.active_profile = "HiFi";
  s.cards = {card};
  Source mic;
  mic.name = kPciSource;
  mic.description = "Built-in Audio Analog Stereo";
  mic.bus = "pci";
  mic.card = kPciCard;
  mic.state = "suspended";
  mic.volume_percent = 100.0;
  mic.volume_db = 0.0;
  mic.channels = 2;
  mic.ports = {Port{"analog-input-internal-mic", "Internal Microphone", Availability::unknown, 89},
               Port{"analog-input-headset-mic", "Headset Microphone", Availability::no, 88},
               Port{"analog-input-headphone-mic", "Headphone Mic", Availability::no, 87}};
  mic.active_port = "analog-input-internal-mic";
  s.sources = {mic};
  s.kernel.read = true;
  s.kernel.cards = {hda_card()};
  s.kernel.mixers = {xps_mixer(23, 1)};
  s.distribution = debian();
  return s;
}

// No sound server (or a dump): every card that can capture is on the path.
SystemSnapshot without_server(AlsaMixer mixer) {
  SystemSnapshot s;
  s.server.reachable = false;
  s.kernel.read = true;
  s.kernel.cards = {hda_card()};
  s.kernel.mixers = {std::move(mixer)};
  s.alsa_capture = {AlsaCaptureDevice{"hw:0,0", "HDA Intel PCH", "ALC887-VD Analog"}};
  s.distribution = debian();
  return s;
}

// ---------------------------------------------------------------- install_command

TEST(InstallCommand, PicksThePackageManagerAndNamesOfTheFamily) {
  using checks::install_step;
  using checks::SystemPackage;
  EXPECT_NE(install_step(debian(), SystemPackage::sof_firmware).find("sudo apt install firmware-sof-signed"), std::string::npos);
  EXPECT_NE(install_step(fedora(), SystemPackage::sof_firmware).find("sudo dnf install alsa-sof-firmware"), std::string::npos);
  EXPECT_NE(install_step(Distribution{"arch", "", "", ""}, SystemPackage::sof_firmware).find("sudo pacman -S sof-firmware"),
            std::string::npos);
  EXPECT_NE(install_step(Distribution{"opensuse-tumbleweed", "opensuse suse", "", ""}, SystemPackage::ucm_conf)
                .find("sudo zypper install alsa-ucm-conf"),
            std::string::npos);
  // ID_LIKE when ID is not known: Linux Mint, Rocky, Manjaro.
  EXPECT_NE(install_step(Distribution{"linuxmint", "ubuntu debian", "", ""}, SystemPackage::ucm_conf).find("apt install alsa-ucm-conf"),
            std::string::npos);
  EXPECT_NE(install_step(Distribution{"rocky", "rhel centos fedora", "", ""}, SystemPackage::ucm_conf).find("dnf install alsa-ucm"),
            std::string::npos);
  EXPECT_NE(install_step(Distribution{"manjaro", "arch", "", ""}, SystemPackage::linux_firmware).find("pacman -S linux-firmware"),
            std::string::npos);
  // Ubuntu and its derivatives have no firmware-misc-nonfree: linux-firmware (Debian keeps its name).
  for (const Distribution& d : {Distribution{"ubuntu", "debian", "24.04", ""}, Distribution{"linuxmint", "ubuntu debian", "", ""},
                                Distribution{"pop", "ubuntu debian", "", ""}}) {
    const std::string step = install_step(d, SystemPackage::linux_firmware);
    EXPECT_NE(step.find("sudo apt install linux-firmware"), std::string::npos) << d.id;
    EXPECT_EQ(step.find("firmware-misc-nonfree"), std::string::npos) << d.id;
  }
  EXPECT_NE(install_step(debian(), SystemPackage::linux_firmware).find("sudo apt install firmware-misc-nonfree"),
            std::string::npos);
  // Unknown: no invented command, the package in words.
  const std::string unknown = install_step(Distribution{"gentoo", "", "", ""}, SystemPackage::sof_firmware);
  EXPECT_EQ(unknown.find("sudo"), std::string::npos);
  EXPECT_NE(unknown.find("sof-firmware"), std::string::npos);
}

// ---------------------------------------------------------------- driver.dmic_needs_sof

AudioController tiger_lake(const std::string& driver, const std::string& pci_class = "040380") {
  return AudioController{"pci", "0000:00:1f.3", "8086", "a0c8", pci_class, "1028:0a1f", driver};
}

Codec xps_codec();
KernelCard sof_card(std::optional<bool> ucm_found);

// The legacy driver forced on a laptop whose codec describes no built-in
// analogue microphone (pin 0x12 [N/A], as on the Lifebook U7511): its
// built-in microphone is a DMIC on the DSP.
SystemSnapshot forced_legacy_driver() {
  SystemSnapshot s = laptop();
  s.kernel.controllers = {tiger_lake("snd_hda_intel")};
  s.kernel.acpi_nhlt = true;
  s.kernel.module_parameters = {ModuleParameter{"snd_intel_dspcfg", "dsp_driver", "1"}};
  s.kernel.module_options = {ModuleOption{"snd_intel_dspcfg", "dsp_driver", "1", "/etc/modprobe.d/alsa-base.conf"}};
  Codec c = xps_codec();
  c.pins[0].pin_default = 0x411111f0;
  s.kernel.codecs = {c};
  return s;
}

TEST(DmicNeedsSof, LegacyDriverForcedOnADspControllerWithDigitalMics) {
  const auto findings = run_checks(forced_legacy_driver());
  const Finding f = only(findings, "driver.dmic_needs_sof");
  EXPECT_EQ(f.severity, Severity::error);
  EXPECT_EQ(f.step, 4);
  EXPECT_EQ(f.device, "pci:0000:00:1f.3");
  EXPECT_NE(f.detail.find("0x040380"), std::string::npos);
  EXPECT_NE(f.detail.find("/etc/modprobe.d/alsa-base.conf"), std::string::npos);
  EXPECT_TRUE(steps_mention(f, "options snd-intel-dspcfg dsp_driver=1\" in /etc/modprobe.d/alsa-base.conf"));
  EXPECT_TRUE(steps_mention(f, "sudo apt install firmware-sof-signed"));
  EXPECT_TRUE(steps_mention(f, "Reboot"));
  EXPECT_FALSE(f.fix.has_value());  // root: never micdoctor's to do
}

TEST(DmicNeedsSof, OnTheKernelCommandLineTheBootLoaderIsEdited) {
  SystemSnapshot s = forced_legacy_driver();
  s.distribution = fedora();
  s.kernel.module_options = {ModuleOption{"snd_intel_dspcfg", "dsp_driver", "1", "/proc/cmdline"}};
  const Finding f = only(run_checks(s), "driver.dmic_needs_sof");
  EXPECT_TRUE(steps_mention(f, "sudo grubby --update-kernel=ALL --remove-args=snd_intel_dspcfg.dsp_driver=1"));
  EXPECT_TRUE(steps_mention(f, "sudo dnf install alsa-sof-firmware"));
}

TEST(DmicNeedsSof, TheLogAloneIsEvidenceOfDigitalMics) {
  SystemSnapshot s = forced_legacy_driver();
  s.kernel.acpi_nhlt.reset();
  s.kernel.codecs = {xps_codec()};  // no codec evidence: the log line alone
  s.kernel.module_options.clear();  // the parameter alone: forced where micdoctor could not see
  s.kernel.log.read = true;
  s.kernel.log.lines = {"sof-audio-pci-intel-tgl 0000:00:1f.3: DMICs detected in NHLT tables: 2"};
  const Finding f = only(run_checks(s), "driver.dmic_needs_sof");
  EXPECT_EQ(f.severity, Severity::error);
  EXPECT_NE(f.detail.find("DMICs detected in NHLT tables: 2"), std::string::npos);
}

TEST(DmicNeedsSof, NothingForcingItIsAWarningThatAsksForSof) {
  SystemSnapshot s = forced_legacy_driver();
  s.kernel.module_parameters = {ModuleParameter{"snd_intel_dspcfg", "dsp_driver", "0"}};
  s.kernel.module_options.clear();
  // intel-nhlt's message (sound/hda/intel-nhlt.c, intel_nhlt_get_dmic_geo).
  s.kernel.log.read = true;
  s.kernel.log.lines = {"snd_hda_intel 0000:00:1f.3: DMICs detected in NHLT tables: 2"};
  const Finding f = only(run_checks(s), "driver.dmic_needs_sof");
  EXPECT_EQ(f.severity, Severity::warning);
  EXPECT_TRUE(steps_mention(f, "options snd-intel-dspcfg dsp_driver=3"));
}

// A healthy Intel laptop: DSP-class controller, an NHLT table without a DMIC
// endpoint, so snd_intel_dspcfg chose the legacy driver by itself; its codec
// describes the analogue microphones. Neither the table nor the codec rule
// (only for a forced driver) is evidence, and dsp_driver=3 would break it.
TEST(DmicNeedsSof, AnNhltTableAloneIsNoEvidence) {
  SystemSnapshot s = forced_legacy_driver();
  s.kernel.module_parameters = {ModuleParameter{"snd_intel_dspcfg", "dsp_driver", "0"}};
  s.kernel.module_options.clear();
  s.kernel.codecs = {xps_codec()};
  EXPECT_TRUE(with_id(run_checks(s), "driver.dmic_needs_sof").empty());
  s.kernel.codecs[0].pins[0].pin_default = 0x411111f0;  // not forced: the codec rule does not apply
  EXPECT_TRUE(with_id(run_checks(s), "driver.dmic_needs_sof").empty());
  // Forced, NHLT present, the codec describing its analogue built-in mic: nothing either.
  s = forced_legacy_driver();
  s.kernel.codecs = {xps_codec()};
  EXPECT_TRUE(with_id(run_checks(s), "driver.dmic_needs_sof").empty());
  // A log line with zero DMICs is no evidence.
  s.kernel.log.read = true;
  s.kernel.log.lines = {"snd_hda_intel 0000:00:1f.3: DMICs detected in NHLT tables: 0"};
  EXPECT_TRUE(with_id(run_checks(s), "driver.dmic_needs_sof").empty());
}

// A dump (or a system whose NHLT table cannot be seen) with the legacy driver
// forced: the kernel never looked for DMICs, so the log is silent. The codec
// describing no built-in analogue microphone is the evidence (Lifebook U7511).
TEST(DmicNeedsSof, ForcedWithoutNhltEvidenceTheCodecsMissingBuiltInMicTells) {
  SystemSnapshot s = forced_legacy_driver();
  s.kernel.acpi_nhlt.reset();
  Codec c = xps_codec();
  c.pins[0].pin_default = 0x411111f0;  // no fixed Mic In pin
  s.kernel.codecs = {c};
  const Finding f = only(run_checks(s), "driver.dmic_needs_sof");
  EXPECT_EQ(f.severity, Severity::error);
  EXPECT_NE(f.detail.find("no codec describes a built-in analogue microphone"), std::string::npos);
  s.kernel.codecs = {xps_codec()};  // 0x12 0x90a60160: a fixed analogue mic, so no DMIC needed
  EXPECT_TRUE(with_id(run_checks(s), "driver.dmic_needs_sof").empty());
  s.kernel.codecs.clear();  // no codec evidence at all: nothing said
  EXPECT_TRUE(with_id(run_checks(s), "driver.dmic_needs_sof").empty());
}

TEST(DmicNeedsSof, HealthyMachinesStayQuiet) {
  SystemSnapshot sof = forced_legacy_driver();  // SOF bound: what it should be
  sof.kernel.controllers = {tiger_lake("sof-audio-pci-intel-tgl")};
  EXPECT_TRUE(with_id(run_checks(sof), "driver.dmic_needs_sof").empty());
  SystemSnapshot no_dsp = forced_legacy_driver();  // Sunrise Point-H: HD Audio without DSP
  no_dsp.kernel.controllers = {AudioController{"pci", "0000:00:1f.3", "8086", "a170", "040300", "", "snd_hda_intel"}};
  EXPECT_TRUE(with_id(run_checks(no_dsp), "driver.dmic_needs_sof").empty());
  SystemSnapshot no_dmic = forced_legacy_driver();  // a DSP, but no digital microphones described
  no_dmic.kernel.acpi_nhlt = false;  // no NHLT table at all: the firmware describes no DMIC
  EXPECT_TRUE(with_id(run_checks(no_dmic), "driver.dmic_needs_sof").empty());
}

TEST(DmicNeedsSof, AmdAcpWithoutDriverAndNoAnalogueBuiltInMic) {
  SystemSnapshot s = laptop();
  s.kernel.chassis_type = 10;  // Notebook
  s.kernel.controllers = {AudioController{"pci", "0000:04:00.5", "1022", "15e2", "048000", "17aa:3803", ""}};
  s.kernel.codecs = {Codec{0, 0, "Realtek ALC257", "0x10ec0257", "0x17aa3803",
                           {CodecPin{0x19, 0x03a11020, true, true}, CodecPin{0x21, 0x03211010, false, true}}}};
  const Finding f = only(run_checks(s), "driver.dmic_needs_sof");
  EXPECT_EQ(f.severity, Severity::warning);
  EXPECT_NE(f.detail.find("1022:15e2"), std::string::npos);
  // An analogue built-in microphone on the codec (fixed Mic In pin): the ACP is not needed for it.
  s.kernel.codecs[0].pins.push_back(CodecPin{0x12, 0x90a60130, true, false});
  EXPECT_TRUE(with_id(run_checks(s), "driver.dmic_needs_sof").empty());
}

// A Ryzen 5600G/8600G desktop: the ACP 1022:15e2 is there on every APU, its
// driver declines it (no DMIC in ACPI _WOV), and the desktop codec (ALC897)
// has jack microphones only: rear 0x18 0x01a19030, front 0x19 0x02a19040.
TEST(DmicNeedsSof, AnAmdDesktopsUnboundAcpIsHealthy) {
  SystemSnapshot s = laptop();
  s.kernel.controllers = {AudioController{"pci", "0000:0e:00.5", "1022", "15e2", "048000", "1458:a194", ""},
                          AudioController{"pci", "0000:0e:00.6", "1022", "15e3", "040300", "1458:a194", "snd_hda_intel"}};
  s.kernel.codecs = {Codec{0, 0, "Realtek ALC897", "0x10ec0897", "0x1458a194",
                           {CodecPin{0x18, 0x01a19030, true, false}, CodecPin{0x19, 0x02a19040, true, false},
                            CodecPin{0x1a, 0x0181303f, true, false}, CodecPin{0x14, 0x01014010, false, true}}}};
  s.kernel.chassis_type = 3;  // Desktop
  EXPECT_TRUE(with_id(run_checks(s), "driver.dmic_needs_sof").empty());
  s.kernel.chassis_type.reset();  // unknown: nothing said
  EXPECT_TRUE(with_id(run_checks(s), "driver.dmic_needs_sof").empty());
  s.kernel.chassis_type = 9;  // Laptop: its built-in microphones are missing
  EXPECT_EQ(with_id(run_checks(s), "driver.dmic_needs_sof").size(), 1u);
}

// ---------------------------------------------------------------- firmware.missing

TEST(FirmwareMissing, ATopologyFileTheKernelAskedFor) {
  SystemSnapshot s = laptop();
  s.kernel.log.read = true;
  s.kernel.log.lines = {"sof-audio-pci-intel-tgl 0000:00:1f.3: Direct firmware load for "
                        "intel/sof-tplg/sof-hda-generic-2ch.tplg failed with error -2"};
  s.kernel.firmware = {FirmwareFile{"intel/sof-tplg/sof-hda-generic-2ch.tplg", false}};
  s.distribution = Distribution{"arch", "", "", "Arch Linux"};
  const Finding f = only(run_checks(s), "firmware.missing");
  EXPECT_EQ(f.severity, Severity::error);
  EXPECT_EQ(f.step, 4);
  EXPECT_NE(f.detail.find("failed with error -2"), std::string::npos);
  EXPECT_TRUE(steps_mention(f, "sudo pacman -S sof-firmware"));
  EXPECT_TRUE(steps_mention(f, "Reboot"));
  s.kernel.firmware[0].present = true;  // installed since: nothing missing
  EXPECT_TRUE(with_id(run_checks(s), "firmware.missing").empty());
}

// The Acer Swift SF515 dump: the machine's own topology is missing, the
// Skylake driver says which generic one it falls back to, and makes its card.
TEST(FirmwareMissing, AGenericFallbackIsAWarningNotAStoppedDriver) {
  SystemSnapshot s = laptop();
  s.kernel.log.read = true;
  s.kernel.log.lines = {
      "[   13.387431] snd_soc_skl 0000:00:1f.3: Direct firmware load for 9dc8-ACRSYS-ACRPRDCT-2-tplg.bin failed with error -2",
      "[   13.387515] snd_soc_skl 0000:00:1f.3: tplg fw 9dc8-ACRSYS-ACRPRDCT-2-tplg.bin load failed with -2, falling back "
      "to dfw_sst.bin"};
  s.kernel.firmware = {FirmwareFile{"9dc8-ACRSYS-ACRPRDCT-2-tplg.bin", false}};
  const Finding f = only(run_checks(s), "firmware.missing");
  EXPECT_EQ(f.severity, Severity::warning);
  EXPECT_NE(f.detail.find("fell back to the generic dfw_sst.bin"), std::string::npos) << f.detail;
  EXPECT_EQ(f.detail.find("the driver stops"), std::string::npos);
}

// ---------------------------------------------------------------- driver.ucm_missing

KernelCard sof_card(std::optional<bool> ucm_found) {
  KernelCard c;
  c.number = 0;
  c.id = "sofhdadsp";
  c.bus = "pci";
  c.driver = "skl_hda_dsp_generic";
  c.alsa_driver = "sof-hda-dsp";
  c.long_name = "DellInc.-XPS139310--0991";
  c.ucm_config_found = ucm_found;
  if (ucm_found.value_or(false)) c.ucm_config = "/usr/share/alsa/ucm2/conf.d/sof-hda-dsp/sof-hda-dsp.conf";
  return c;
}

TEST(UcmMissing, ASofCardWithoutItsConfiguration) {
  SystemSnapshot s = laptop();
  s.kernel.cards = {sof_card(false)};
  s.kernel.ucm_installed = true;
  const Finding f = only(run_checks(s), "driver.ucm_missing");
  EXPECT_EQ(f.severity, Severity::error);
  EXPECT_EQ(f.device, "card0");
  EXPECT_TRUE(steps_mention(f, "sudo apt install alsa-ucm-conf"));
  EXPECT_TRUE(steps_mention(f, "systemctl --user restart wireplumber"));
}

TEST(UcmMissing, NotForASofCardWithUcmNorForPlainHdaAndUsbCards) {
  SystemSnapshot s = laptop();
  KernelCard usb;
  usb.number = 1;
  usb.id = "Headset";
  usb.bus = "usb";
  usb.driver = "snd-usb-audio";
  usb.alsa_driver = "USB-Audio";
  usb.ucm_config_found = false;
  KernelCard hda = hda_card();
  hda.number = 2;
  hda.ucm_config_found = false;
  s.kernel.cards = {sof_card(true), usb, hda};
  s.kernel.ucm_installed = true;
  EXPECT_TRUE(with_id(run_checks(s), "driver.ucm_missing").empty());
  s.kernel.cards = {sof_card(std::nullopt)};  // not looked for: no evidence
  EXPECT_TRUE(with_id(run_checks(s), "driver.ucm_missing").empty());
}

// No ucm2 directory at all: the reader looks for no card's configuration.
TEST(UcmMissing, NoneInstalledAtAllIsNotFoundForASofCard) {
  SystemSnapshot s = laptop();
  s.kernel.cards = {sof_card(std::nullopt), hda_card()};
  s.kernel.cards[1].number = 1;
  s.kernel.ucm_installed = false;
  const Finding f = only(run_checks(s), "driver.ucm_missing");
  EXPECT_EQ(f.device, "card0");
  EXPECT_NE(f.detail.find("No UCM configurations are installed at all"), std::string::npos);
  EXPECT_TRUE(steps_mention(f, "sudo apt install alsa-ucm-conf"));
}

// A Microsoft LifeCam's /proc/asound/cards entry: "Microsoft" contains "sof",
// but it is a USB card that needs no UCM.
TEST(UcmMissing, AMicrosoftWebcamIsNoSofCard) {
  SystemSnapshot s = laptop();
  KernelCard cam;
  cam.number = 1;
  cam.id = "Cinema";
  cam.bus = "usb";
  cam.driver = "snd-usb-audio";
  cam.module = "snd_usb_audio";
  cam.alsa_driver = "USB-Audio";
  cam.long_name = "Microsoft Microsoft\u00ae LifeCam Cinema(TM) at usb-0000:00:14.0-2, high speed";
  cam.ucm_config_found = false;
  s.kernel.cards = {hda_card(), cam};
  s.kernel.ucm_installed = true;
  EXPECT_TRUE(with_id(run_checks(s), "driver.ucm_missing").empty());
  s.kernel.ucm_installed = false;
  EXPECT_TRUE(with_id(run_checks(s), "driver.ucm_missing").empty());
}

// ---------------------------------------------------------------- codec.mic_pin_unconfigured

// The Dell XPS 13 9360's ALC3246 pins (see the top of this file).
Codec xps_codec() {
  return Codec{0, 0, "Realtek ALC3246", "0x10ec0256", "0x1028082a",
               {CodecPin{0x12, 0x90a60160, true, false}, CodecPin{0x13, 0x411111f0, true, false},
                CodecPin{0x14, 0x90170120, false, true}, CodecPin{0x18, 0x411111f0, true, true},
                CodecPin{0x19, 0x411111f0, true, true}, CodecPin{0x1a, 0x411111f0, true, true},
                CodecPin{0x1b, 0x411111f0, true, true}, CodecPin{0x1d, 0x40700001, true, false},
                CodecPin{0x1e, 0x411111f0, false, true}, CodecPin{0x21, 0x02211030, false, true}}};
}

TEST(CodecMicPin, ADellComboJackWhoseHeadsetMicPinIsNotConnected) {
  SystemSnapshot s = laptop();
  s.kernel.codecs = {xps_codec()};
  s.kernel.mixers = {xps_mixer(23, 1, /*with_headset_mic=*/false)};  // no fixup: no "Headset Mic"
  const Finding f = only(run_checks(s), "codec.mic_pin_unconfigured");
  EXPECT_EQ(f.severity, Severity::warning);
  EXPECT_NE(f.detail.find("0x19 (Pin Default 0x411111f0)"), std::string::npos);
  EXPECT_TRUE(steps_mention(f, "options snd-hda-intel model=dell-headset-multi"));
  EXPECT_TRUE(steps_mention(f, "hdajackretask"));
  EXPECT_TRUE(steps_mention(f, "sudo apt install alsa-tools-gui"));
}

TEST(CodecMicPin, TheHealthyXps13WithItsHeadsetMicStaysQuiet) {
  // The same [N/A] pin 0x19: the driver's own fixup made "Headset Mic" anyway.
  SystemSnapshot s = laptop();
  s.kernel.codecs = {xps_codec()};
  EXPECT_TRUE(with_id(run_checks(s), "codec.mic_pin_unconfigured").empty());
}

TEST(CodecMicPin, ACodecThatDescribesNoMicrophoneAtAll) {
  SystemSnapshot s = laptop();
  Codec c = xps_codec();
  c.subsystem_id = "0x17aa2233";  // not a Dell: no model hint known
  c.pins[0].pin_default = 0x411111f0;  // the internal mic too
  s.kernel.codecs = {c};
  AlsaMixer m = xps_mixer(23, 0, false);
  m.elements = {capture(23)};
  s.kernel.mixers = {m};
  const Finding f = only(run_checks(s), "codec.mic_pin_unconfigured");
  EXPECT_FALSE(steps_mention(f, "model="));
  EXPECT_TRUE(steps_mention(f, "hdajackretask"));
  // A DSP-class controller (0x040380, on nearly every modern Intel laptop,
  // the healthy Medion among them) and an NHLT table are no evidence of DMICs.
  s.kernel.codecs[0].pins.pop_back();  // 0x21, the headphone jack: no combo jack to miss a mic
  s.kernel.controllers = {tiger_lake("snd_hda_intel")};
  s.kernel.acpi_nhlt = true;
  EXPECT_EQ(with_id(run_checks(s), "codec.mic_pin_unconfigured").size(), 1u);
  // With digital microphones beside the codec (the kernel's DMIC line, or a
  // SOF card actually present), the codec is right to describe no built-in microphone.
  s.kernel.log.read = true;
  s.kernel.log.lines = {"sof-audio-pci-intel-tgl 0000:00:1f.3: DMICs detected in NHLT tables: 2"};
  EXPECT_TRUE(with_id(run_checks(s), "codec.mic_pin_unconfigured").empty());
  s.kernel.log.lines.clear();
  KernelCard sof = hda_card();
  sof.number = 1;
  sof.id = "sofhdadsp";
  sof.alsa_driver = "sof-hda-dsp";
  sof.driver = "sof-audio-pci-intel-tgl";
  sof.module = "snd_sof_pci_intel_tgl";
  s.kernel.cards.push_back(sof);
  EXPECT_TRUE(with_id(run_checks(s), "codec.mic_pin_unconfigured").empty());
}

// ---------------------------------------------------------------- jack.headset_mic_missing

TEST(HeadsetMicMissing, HeadphoneMicChosenWhileTheHeadsetPortIsPlugged) {
  SystemSnapshot s = laptop();
  Source& mic = s.sources[0];
  mic.ports[1].available = Availability::yes;
  mic.ports[2].available = Availability::yes;
  mic.active_port = "analog-input-headphone-mic";
  const Finding f = only(run_checks(s), "jack.headset_mic_missing");
  // A plain 3-ring microphone on "Headphone Mic" looks the same: information
  // from the state alone (a test that heard nothing makes it the cause).
  EXPECT_EQ(f.severity, Severity::info);
  EXPECT_EQ(f.step, 5);
  EXPECT_EQ(f.fix, "source.set_port");
  EXPECT_TRUE(steps_mention(f, "pactl set-source-port '" + std::string(kPciSource) + "' 'analog-input-headset-mic'"));
  mic.active_port = "analog-input-headset-mic";  // the headset port in use: fine
  EXPECT_TRUE(with_id(run_checks(s), "jack.headset_mic_missing").empty());
}

// ---------------------------------------------------------------- mixer.*

TEST(MixerCaptureOff, WithoutAServerTheCaptureSwitchOff) {
  AlsaMixer m = xps_mixer(23, 1);
  m.elements[0].capture_switch = {false, false};
  const Finding f = only(run_checks(without_server(m)), "mixer.capture_off");
  EXPECT_EQ(f.severity, Severity::error);
  EXPECT_EQ(f.step, 2);
  EXPECT_EQ(f.device, "PCH:Capture,0");
  EXPECT_EQ(f.fix, "mixer.capture_on");
  EXPECT_TRUE(steps_mention(f, "amixer -c 'PCH' sset 'Capture' cap"));
}

TEST(MixerCaptureOff, AnAlsaInfoDumpIsJudgedLikeASystemWithoutServer) {
  AlsaMixer m = xps_mixer(23, 1);
  m.elements[0].capture_switch = {false, false};
  SystemSnapshot s = without_server(m);
  s.origin = "alsa-info";
  s.alsa_capture.clear();  // a dump without arecord -l: the mixer's capture controls say it can capture
  EXPECT_EQ(with_id(run_checks(s), "mixer.capture_off").size(), 1u);
}

TEST(MixerCaptureOff, ASwitchOffOnACardNotInUseIsNoFinding) {
  SystemSnapshot s = laptop();
  s.kernel.mixers[0].elements[0].capture_switch = {false, false};
  // The microphone in use is a USB headset on card 1.
  Card usb;
  usb.name = "alsa_card.usb-Logitech_USB_Headset-00";
  usb.alsa_card = 1;
  s.cards.push_back(usb);
  Source headset;
  headset.name = "alsa_input.usb-Logitech_USB_Headset-00.mono-fallback";
  headset.card = usb.name;
  headset.bus = "usb";
  s.sources.push_back(headset);
  s.server.default_source = headset.name;
  EXPECT_TRUE(with_id(run_checks(s), "mixer.capture_off").empty());
  s.server.default_source = kPciSource;  // the built-in microphone in use: it is on the path
  EXPECT_EQ(with_id(run_checks(s), "mixer.capture_off").size(), 1u);
}

TEST(MixerCaptureOff, AUsbHeadsetsOwnCaptureControlIsOnThePath) {
  // A USB headset's mixer has one capture element; a Jabra-style "Headset" is
  // judged like a Logitech-style "Mic".
  SystemSnapshot s = laptop();
  s.kernel.cards[0].bus = "usb";
  s.kernel.cards[0].id = "Headset";
  s.sources[0].ports.clear();
  s.sources[0].active_port.clear();
  AlsaMixer m;
  m.card = 0;
  m.card_id = "Headset";
  m.read = true;
  MixerElement headset;
  headset.name = "Headset";
  headset.volume = volume(0, 7, 6, -12.0, 9.0, 1);
  headset.volume_is_capture = true;
  headset.capture_switch = {false};
  m.elements = {headset};
  s.kernel.mixers = {m};
  const Finding f = only(run_checks(s), "mixer.capture_off");
  EXPECT_EQ(f.device, "Headset:Headset,0");
  s.kernel.cards[0].bus = "pci";  // on a PCI card, "Headset" alone is no microphone name
  EXPECT_TRUE(with_id(run_checks(s), "mixer.capture_off").empty());
}

TEST(MixerCaptureOff, TheServersOwnMuteIsDeviceMutedOnly) {
  SystemSnapshot s = laptop();
  s.sources[0].muted = true;
  s.kernel.mixers[0].elements[0].capture_switch = {false, false};  // how the server mutes it
  const auto findings = run_checks(s);
  EXPECT_EQ(with_id(findings, "device.muted").size(), 1u);
  EXPECT_TRUE(with_id(findings, "mixer.capture_off").empty());
}

TEST(MixerCaptureOff, OneUnusedInputOffIsNormalWithoutAServer) {
  // Old mixer-style codecs: each input has a capture switch. One off, another on: a choice.
  AlsaMixer m;
  m.card_id = "Intel";
  m.read = true;
  MixerElement mic;
  mic.name = "Mic";
  mic.capture_switch = {true, true};
  MixerElement front = mic;
  front.name = "Front Mic";
  front.capture_switch = {false, false};
  m.elements = {mic, front};
  EXPECT_TRUE(with_id(run_checks(without_server(m)), "mixer.capture_off").empty());
  m.elements[0].capture_switch = {false, false};  // every microphone input off
  EXPECT_EQ(with_id(run_checks(without_server(m)), "mixer.capture_off").size(), 2u);
}

// A SOF laptop on PipeWire with UCM (sof-hda-dsp): the source's port
// "[In] Mic1" records the DSP's DMICs ("Dmic0"); "Capture" is the HD-Audio
// ADC of the headset path, which UCM switches off while it is not used
// (alsa-ucm-conf ucm2/Intel/sof-hda-dsp, the HDA HiFi devices Mic1, Mic2, Headset).
SystemSnapshot sof_ucm_laptop(const std::string& port) {
  SystemSnapshot s = laptop();
  Source& mic = s.sources[0];
  mic.name = "alsa_input.pci-0000_00_1f.3-platform-skl_hda_dsp_generic.HiFi__hw_sofhdadsp_6__source";
  mic.ports = {Port{"[In] Mic1", "Digital Microphone", Availability::unknown, 100},
               Port{"[In] Headset", "Headset Microphone", Availability::no, 300}};
  mic.active_port = port;
  s.server.default_source = mic.name;
  KernelCard card = sof_card(true);
  card.number = 0;
  s.kernel.cards = {card};
  AlsaMixer m;
  m.card = 0;
  m.card_id = "sofhdadsp";
  m.read = true;
  MixerElement dmic;
  dmic.name = "Dmic0";
  dmic.capture_switch = {true, true};
  m.elements = {capture(23, /*on=*/false), dmic, boost("Headset Mic Boost", 0)};
  s.kernel.mixers = {m};
  return s;
}

TEST(MixerCaptureOff, TheHeadsetPathsCaptureIsNotJudgedWhileTheDmicRecords) {
  SystemSnapshot s = sof_ucm_laptop("[In] Mic1");
  EXPECT_TRUE(with_id(run_checks(s), "mixer.capture_off").empty());
  s.kernel.mixers[0].elements[1].capture_switch = {false, false};  // the DMIC's own switch off: that is judged
  EXPECT_EQ(only(run_checks(s), "mixer.capture_off").device, "sofhdadsp:Dmic0,0");
  // The headset's port records through "Capture": its switch off is judged.
  s = sof_ucm_laptop("[In] Headset");
  EXPECT_EQ(only(run_checks(s), "mixer.capture_off").device, "sofhdadsp:Capture,0");
  // A port micdoctor does not understand: no input's switch is judged.
  s = sof_ucm_laptop("[In] Mic3");
  EXPECT_TRUE(with_id(run_checks(s), "mixer.capture_off").empty());
}

TEST(MixerCaptureLow, CaptureAtItsMinimum) {
  SystemSnapshot s = without_server(xps_mixer(0, 1));  // "Capture" at -17.25 dB, nothing manages it
  const Finding f = only(run_checks(s), "mixer.capture_low");
  EXPECT_EQ(f.severity, Severity::warning);
  EXPECT_EQ(f.device, "PCH:Capture,0");
  EXPECT_EQ(f.fix, "mixer.raise_capture");
  EXPECT_NE(f.detail.find("-17.2 dB"), std::string::npos);
  EXPECT_TRUE(steps_mention(f, "sset 'Capture' 0dB"));
  s.kernel.mixers[0].elements[0] = capture(39);  // +12 dB, as the XPS runs
  EXPECT_TRUE(with_id(run_checks(s), "mixer.capture_low").empty());
}

// A healthy laptop on PipeWire with its source at 40 %: the server's
// analog-input-internal-mic path put that volume (-23.9 dB) into "Capture" first: its minimum, -17.25 dB, the rest in
// software. The server manages it; raising it would fight the server.
TEST(MixerCaptureLow, TheServersPathDrivesCaptureNotJudgedOnItsOwn) {
  SystemSnapshot s = laptop();
  s.sources[0].volume_percent = 40.0;
  s.sources[0].volume_db = -23.9;
  s.kernel.mixers[0].elements[0] = capture(0);
  const auto findings = run_checks(s);
  EXPECT_TRUE(with_id(findings, "mixer.capture_low").empty());
  EXPECT_TRUE(with_id(findings, "device.volume_low").empty());
  // A dump of the same mixer (no server state): judged.
  s.origin = "alsa-info";
  EXPECT_EQ(with_id(run_checks(s), "mixer.capture_low").size(), 1u);
  // The source at 100 % (0 dB) with "Capture" at its minimum: not the server's
  // doing (soft-volume mode), judged.
  s.origin = "live";
  s.sources[0].volume_percent = 100.0;
  s.sources[0].volume_db = 0.0;
  EXPECT_EQ(with_id(run_checks(s), "mixer.capture_low").size(), 1u);
}

TEST(MixerCaptureLow, TheServersOwnLowVolumeIsDeviceVolumeLowOnly) {
  SystemSnapshot s = laptop();
  s.sources[0].volume_percent = 5.0;
  s.kernel.mixers[0].elements[0] = capture(0);
  const auto findings = run_checks(s);
  EXPECT_EQ(with_id(findings, "device.volume_low").size(), 1u);
  EXPECT_TRUE(with_id(findings, "mixer.capture_low").empty());
}

TEST(MixerBoostHigh, FromTheStateAloneItIsInformationOnly) {
  SystemSnapshot s = laptop();
  s.kernel.mixers = {xps_mixer(31, 3)};  // Internal Mic Boost +30 dB, Capture +6 dB: +36 dB, a healthy laptop
  const auto findings = run_checks(s);
  const Finding f = only(findings, "mixer.boost_high");
  EXPECT_EQ(f.severity, Severity::info);
  EXPECT_FALSE(is_problem(f));
  EXPECT_FALSE(f.fix.has_value());
  EXPECT_EQ(f.device, "PCH:Internal Mic Boost,0");
  EXPECT_NE(f.detail.find("+36.0 dB"), std::string::npos);
  EXPECT_TRUE(steps_mention(f, "sset 'Internal Mic Boost' 2"));  // the step nearest +20 dB
  s.kernel.mixers = {xps_mixer(23, 2)};  // +20 dB and 0 dB: nothing to say
  EXPECT_TRUE(with_id(run_checks(s), "mixer.boost_high").empty());
}

// A boost whose lowest step mutes (alsa-lib reports it as -9999999, stored as
// kMuteDb): the step nearest +20 dB comes from the steps above it, and the
// range is said as "mute to +30 dB", never "-99999.99 dB".
TEST(MixerBoostHigh, ABoostWhoseLowestStepMutesKeepsItsScale) {
  SystemSnapshot s = laptop();
  AlsaMixer m = xps_mixer(31, 3);
  for (MixerElement& e : m.elements) {
    if (e.name != "Internal Mic Boost" || !e.volume) continue;
    e.volume->db_min = kMuteDb;  // step 0 mutes; steps 1-3 are +10, +20, +30 dB
    e.volume->db_above_mute = 10.0;
  }
  s.kernel.mixers = {m};
  const Finding f = only(run_checks(s), "mixer.boost_high");
  EXPECT_TRUE(steps_mention(f, "sset 'Internal Mic Boost' 2"));
  EXPECT_EQ(f.detail.find("99999"), std::string::npos) << f.detail;
}

TEST(MixerBoostHigh, OnlyTheInputOfTheActivePortCounts) {
  SystemSnapshot s = laptop();
  AlsaMixer m = xps_mixer(23, 0);
  m.elements[2] = boost("Headset Mic Boost", 3);  // the unused headset input at +30 dB
  s.kernel.mixers = {m};
  EXPECT_TRUE(with_id(run_checks(s), "mixer.boost_high").empty());
}

AlsaMixer alc887_desktop(const std::string& selected) {
  AlsaMixer m;
  m.card = 0;
  m.card_id = "PCH";
  m.read = true;
  MixerElement source;
  source.name = "Input Source";
  source.enum_items = {"Front Mic", "Rear Mic", "Line"};
  source.enum_selected = selected;
  m.elements = {capture(23), boost("Front Mic Boost", 0), boost("Rear Mic Boost", 0), source};
  return m;
}

TEST(MixerInputSelect, TheSelectorOnLineInsteadOfAMicrophone) {
  const Finding f = only(run_checks(without_server(alc887_desktop("Line"))), "mixer.input_select");
  EXPECT_EQ(f.severity, Severity::warning);
  EXPECT_EQ(f.device, "PCH:Input Source,0");
  EXPECT_EQ(f.fix, "mixer.select_input");
  EXPECT_TRUE(steps_mention(f, "amixer -c 'PCH' sset 'Input Source' 'Front Mic'"));
  EXPECT_TRUE(with_id(run_checks(without_server(alc887_desktop("Rear Mic"))), "mixer.input_select").empty());
}

TEST(MixerInputSelect, WithAServerTheActivePortsInputIsTheOneWanted) {
  SystemSnapshot s = laptop();
  s.kernel.mixers = {alc887_desktop("Front Mic")};
  s.sources[0].ports = {Port{"analog-input-rear-mic", "Rear Microphone", Availability::yes, 82},
                        Port{"analog-input-front-mic", "Front Microphone", Availability::no, 85}};
  s.sources[0].active_port = "analog-input-rear-mic";
  const Finding f = only(run_checks(s), "mixer.input_select");
  EXPECT_TRUE(steps_mention(f, "'Rear Mic'"));
}

// ---------------------------------------------------------------- hardware.micmute_on

TEST(Micmute, ALitMuteLedWithoutAudioTriggerIsTheHardwareMute) {
  SystemSnapshot s = laptop();
  s.kernel.mute_leds = {MuteLed{"platform::micmute", 1, 1, "none"}};
  const Finding f = only(run_checks(s), "hardware.micmute_on");
  EXPECT_EQ(f.severity, Severity::error);
  EXPECT_EQ(f.step, 2);
  EXPECT_NE(f.detail.find("/sys/class/leds/platform::micmute/brightness is 1"), std::string::npos);
  s.kernel.mute_leds[0].brightness = 0;  // the light is off
  EXPECT_TRUE(with_id(run_checks(s), "hardware.micmute_on").empty());
}

TEST(Micmute, AnAudioMicmuteLedShowingAMuteInSightIsThatMute) {
  SystemSnapshot s = laptop();
  s.kernel.mute_leds = {MuteLed{"platform::micmute", 1, 1, "audio-micmute"}};
  s.sources[0].muted = true;
  EXPECT_TRUE(with_id(run_checks(s), "hardware.micmute_on").empty());
  s.sources[0].muted = false;  // nothing in sight explains it: a warning
  EXPECT_EQ(only(run_checks(s), "hardware.micmute_on").severity, Severity::warning);
}

// ---------------------------------------------------------------- bluetooth.no_headset_profile

constexpr const char* kHandsfree = "0000111e-0000-1000-8000-00805f9b34fb";
constexpr const char* kAudioSink = "0000110b-0000-1000-8000-00805f9b34fb";
constexpr const char* kRemoteControl = "0000110e-0000-1000-8000-00805f9b34fb";

SystemSnapshot with_headset(bool card_offers_mic) {
  SystemSnapshot s = laptop();
  s.bluetooth.read = true;
  s.bluetooth.adapter_present = true;
  s.bluetooth.devices = {BluetoothDevice{"00:1B:66:AA:BB:CC", "WH-1000XM4", true, true,
                                         {kAudioSink, kRemoteControl, kHandsfree}}};
  Card bt;
  bt.name = "bluez_card.00_1B_66_AA_BB_CC";
  bt.description = "WH-1000XM4";
  bt.bus = "bluetooth";
  bt.api = "bluez5";
  bt.profiles = {Profile{"a2dp-sink", "High Fidelity Playback (A2DP Sink)", 1, 0, true, 40},
                 Profile{"off", "Off", 0, 0, true, 0}};
  if (card_offers_mic) bt.profiles.push_back(Profile{"headset-head-unit", "Headset Head Unit (HSP/HFP)", 1, 1, true, 30});
  bt.active_profile = "a2dp-sink";
  s.cards.push_back(bt);
  return s;
}

TEST(BluetoothHeadset, HeadsetRolesDisabledInWireplumber) {
  SystemSnapshot s = with_headset(false);
  s.user_config.wireplumber_version = "0.4.13";
  s.user_config.wireplumber_dir = "/home/ana/.config/wireplumber";
  s.audio_config = {AudioConfigSetting{"wireplumber", "bluez5.headset-roles", "\"[ ]\"",
                                       "/etc/wireplumber/bluetooth.lua.d/51-bluez-config.lua"}};
  const Finding f = only(run_checks(s), "bluetooth.no_headset_profile");
  EXPECT_EQ(f.severity, Severity::error);
  EXPECT_EQ(f.step, 2);
  EXPECT_EQ(f.device, "bluez_card.00_1B_66_AA_BB_CC");
  EXPECT_EQ(f.fix, "bluetooth.enable_headset_roles");
  EXPECT_NE(f.detail.find("51-bluez-config.lua"), std::string::npos);
  // The very file (and content) the fix writes.
  std::string path;
  std::string content;
  ASSERT_TRUE(headset_roles_drop_in(s.user_config, path, content));
  EXPECT_EQ(path, "/home/ana/.config/wireplumber/bluetooth.lua.d/99-micdoctor-enable-headset-roles.lua");
  EXPECT_TRUE(steps_mention(f, checks::shell_quote(path)));
  EXPECT_TRUE(steps_mention(f, checks::shell_quote(content)));
}

TEST(BluetoothHeadset, WireplumberFiveRolesWithoutHfp) {
  SystemSnapshot s = with_headset(false);
  s.user_config.wireplumber_version = "0.5.2";
  s.audio_config = {AudioConfigSetting{"wireplumber", "bluez5.roles", "[ a2dp_sink a2dp_source ]",
                                       "/etc/wireplumber/wireplumber.conf.d/50-bluez.conf"}};
  const Finding f = only(run_checks(s), "bluetooth.no_headset_profile");
  EXPECT_EQ(f.fix, "bluetooth.enable_headset_roles");
  EXPECT_TRUE(steps_mention(f, "wireplumber.conf.d/99-micdoctor-enable-headset-roles.conf"));
  // bluez5.roles is what PipeWire reads first: the step sets it, with every role.
  EXPECT_TRUE(steps_mention(f, "bluez5.roles = [ a2dp_sink a2dp_source bap_sink bap_source hsp_hs hsp_ag hfp_hf hfp_ag ]"));
  EXPECT_FALSE(steps_mention(f, "hfphsp-backend"));
}

TEST(BluetoothHeadset, ABackendSetToNoneIsSetBackToNative) {
  SystemSnapshot s = with_headset(false);
  s.user_config.wireplumber_version = "0.5.2";
  s.audio_config = {AudioConfigSetting{"wireplumber", "bluez5.hfphsp-backend", "\"none\"",
                                       "/etc/wireplumber/wireplumber.conf.d/50-bluez.conf"}};
  const Finding f = only(run_checks(s), "bluetooth.no_headset_profile");
  EXPECT_EQ(f.fix, "bluetooth.enable_headset_roles");
  EXPECT_TRUE(steps_mention(f, "bluez5.hfphsp-backend = \"native\""));
}

TEST(BluetoothHeadset, PulseAudioWaitingForOfonoHasNoAutomaticFix) {
  SystemSnapshot s = with_headset(false);
  s.server.name = "pulseaudio";
  s.bluetooth.ofono_running = false;
  s.audio_config = {AudioConfigSetting{"pulseaudio", "module-bluetooth-discover headset", "ofono", "/etc/pulse/default.pa"}};
  const Finding f = only(run_checks(s), "bluetooth.no_headset_profile");
  EXPECT_FALSE(f.fix.has_value());
  EXPECT_NE(f.detail.find("oFono is not running"), std::string::npos);
  EXPECT_TRUE(steps_mention(f, "headset=native in /etc/pulse/default.pa"));
}

TEST(BluetoothHeadset, AHeadsetProfileOfferedOrNoHeadsetRoleIsFine) {
  EXPECT_TRUE(with_id(run_checks(with_headset(true)), "bluetooth.no_headset_profile").empty());
  SystemSnapshot speaker = with_headset(false);  // a speaker: A2DP only, no microphone to miss
  speaker.bluetooth.devices[0].uuids = {kAudioSink, kRemoteControl};
  EXPECT_TRUE(with_id(run_checks(speaker), "bluetooth.no_headset_profile").empty());
  SystemSnapshot disconnected = with_headset(false);
  disconnected.bluetooth.devices[0].connected = false;
  EXPECT_TRUE(with_id(run_checks(disconnected), "bluetooth.no_headset_profile").empty());
}

TEST(BluetoothHeadset, NoReasonInTheConfigurationMeansReconnect) {
  const Finding f = only(run_checks(with_headset(false)), "bluetooth.no_headset_profile");
  EXPECT_FALSE(f.fix.has_value());
  EXPECT_TRUE(steps_mention(f, "bluetoothctl disconnect 00:1B:66:AA:BB:CC"));
}

TEST(BluetoothHeadset, AnAddressThatIsNotAMacGoesIntoNoCommand) {
  SystemSnapshot s = with_headset(false);
  s.bluetooth.devices[0].address = "00:1B:66:AA:BB:CC; rm -rf ~";
  const Finding f = only(run_checks(s), "bluetooth.no_headset_profile");
  EXPECT_FALSE(steps_mention(f, "bluetoothctl"));
  EXPECT_FALSE(steps_mention(f, "rm -rf"));
  EXPECT_TRUE(steps_mention(f, "pair it again"));
}

// ---------------------------------------------------------------- usb.autosuspend

SystemSnapshot usb_microphone(const std::string& power_control) {
  SystemSnapshot s = laptop();
  Card card;
  card.name = "alsa_card.usb-BLUE_MICROPHONE_Blue_Snowball_201305-00";
  card.alsa_card = 1;
  s.cards = {card};
  s.sources[0].name = "alsa_input.usb-BLUE_MICROPHONE_Blue_Snowball_201305-00.mono-fallback";
  s.sources[0].card = card.name;
  s.sources[0].bus = "usb";
  s.sources[0].ports.clear();
  s.sources[0].active_port.clear();
  s.server.default_source = s.sources[0].name;
  KernelCard k;
  k.number = 1;
  k.id = "Snowball";
  k.bus = "usb";
  k.driver = "snd-usb-audio";
  k.vendor_id = "0d8c";
  k.product_id = "0005";
  k.address = "1-4:1.0";
  k.alsa_driver = "USB-Audio";
  k.usb_power_control = power_control;
  k.usb_autosuspend_delay_ms = 2000;
  s.kernel.cards.push_back(k);
  return s;
}

TEST(UsbAutosuspend, TheUsbMicrophoneInUseMayBeSuspended) {
  const Finding f = only(run_checks(usb_microphone("auto")), "usb.autosuspend");
  EXPECT_EQ(f.severity, Severity::info);
  EXPECT_EQ(f.step, 4);
  EXPECT_EQ(f.device, "1-4:1.0");
  EXPECT_TRUE(steps_mention(f, "echo on | sudo tee /sys/bus/usb/devices/1-4/power/control"));
  EXPECT_TRUE(steps_mention(f, "ATTR{idVendor}==\"0d8c\", ATTR{idProduct}==\"0005\""));
  EXPECT_TRUE(with_id(run_checks(usb_microphone("on")), "usb.autosuspend").empty());
}

// The laptop's mute light lit while a USB microphone records: the key mutes
// the built-in microphones only, so it is information, not the cause.
TEST(Micmute, ALitLightWithAUsbMicrophoneInUseIsInformation) {
  SystemSnapshot s = usb_microphone("on");
  s.kernel.mute_leds = {MuteLed{"platform::micmute", 1, 1, "none"}};
  const Finding f = only(run_checks(s), "hardware.micmute_on");
  EXPECT_EQ(f.severity, Severity::info);
  EXPECT_NE(f.detail.find("not the usb microphone in use"), std::string::npos);
  s.sources[0].bus = "pci";  // the built-in card in use: the mute is the fault
  EXPECT_EQ(only(run_checks(s), "hardware.micmute_on").severity, Severity::error);
}

// Names from a snapshot file or a dump are pasted into a root shell: what is
// not of the shape sysfs gives is left out of the commands, not quoted into them.
TEST(UsbAutosuspend, NamesNotOfSysfsShapeStayOutOfTheCommands) {
  SystemSnapshot s = usb_microphone("auto");
  for (KernelCard& card : s.kernel.cards) {
    if (card.bus != "usb") continue;
    card.address = "1-4;reboot:1.0";
    card.vendor_id = "0d8c\"; rm -rf ~; \"";
  }
  const Finding f = only(run_checks(s), "usb.autosuspend");
  EXPECT_FALSE(steps_mention(f, "sudo tee /sys/bus/usb/devices"));
  EXPECT_FALSE(steps_mention(f, "udev"));
  EXPECT_FALSE(steps_mention(f, "rm -rf"));
}

// ---------------------------------------------------------------- default.stale

TEST(DefaultStale, AnUnpluggedMicrophoneRememberedIsInformationOnly) {
  // WirePlumber keeps the chosen default when the headset is unplugged, on
  // purpose: plugged in again, it is the default again. No fault.
  SystemSnapshot s = laptop();
  s.remembered_defaults = {RememberedDefault{
      "wireplumber", "/home/ana/.local/state/wireplumber/default-nodes",
      "alsa_input.usb-Blue_Microphones_Yeti_Stereo_Microphone_REV8-00.analog-stereo"}};
  const Finding f = only(run_checks(s), "default.stale");
  EXPECT_EQ(f.severity, Severity::info);
  EXPECT_EQ(f.step, 3);
  EXPECT_FALSE(f.fix.has_value());
  s.remembered_defaults[0].source = kPciSource;  // it exists
  EXPECT_TRUE(with_id(run_checks(s), "default.stale").empty());
}

TEST(DefaultStale, TheSameDeviceUnderANewNameIsStale) {
  // A profile change renamed the node: the remembered name never comes back.
  SystemSnapshot s = laptop();
  const std::string now = kPciSource;
  const std::string old_name = now.substr(0, now.rfind('.')) + ".analog-stereo-old-profile";
  s.remembered_defaults = {RememberedDefault{"wireplumber", "/home/ana/.local/state/wireplumber/default-nodes", old_name}};
  const Finding f = only(run_checks(s), "default.stale");
  EXPECT_EQ(f.severity, Severity::warning);
  EXPECT_NE(f.detail.find("now called \"" + now + "\""), std::string::npos);
  EXPECT_TRUE(steps_mention(f, "pactl set-default-source '" + now + "'"));
}

TEST(DefaultStale, OnlyTheRunningServersMemoryCounts) {
  // PulseAudio's file left from before an upgrade to PipeWire: nothing reads it.
  SystemSnapshot s = laptop();  // PipeWire serves
  const std::string now = kPciSource;
  const std::string old_name = now.substr(0, now.rfind('.')) + ".analog-stereo-old-profile";
  s.remembered_defaults = {RememberedDefault{"pulseaudio", "/home/ana/.config/pulse/0123-default-source", old_name}};
  EXPECT_TRUE(with_id(run_checks(s), "default.stale").empty());
  s.server.name = "pulseaudio";  // PulseAudio itself serves: its memory counts
  EXPECT_EQ(only(run_checks(s), "default.stale").severity, Severity::warning);
}

TEST(DefaultStale, ADumpHasNoServerStateToJudge) {
  SystemSnapshot s = without_server(xps_mixer(23, 1));
  s.origin = "alsa-info";
  s.remembered_defaults = {RememberedDefault{"wireplumber", "x", "gone"}};
  s.bluetooth = with_headset(false).bluetooth;
  const auto findings = run_checks(s);
  EXPECT_TRUE(with_id(findings, "default.stale").empty());
  EXPECT_TRUE(with_id(findings, "bluetooth.no_headset_profile").empty());
}

// ---------------------------------------------------------------- the healthy laptop

TEST(BelowTheServer, AHealthyLaptopGivesNoProblem) {
  SystemSnapshot s = laptop();
  s.kernel.controllers = {tiger_lake("snd_hda_intel", "040300")};
  s.kernel.codecs = {xps_codec()};
  s.kernel.mute_leds = {MuteLed{"platform::micmute", 0, 1, "audio-micmute"}};
  s.kernel.cards[0].ucm_config_found = false;  // plain HDA needs none
  s.kernel.ucm_installed = true;
  for (const Finding& f : run_checks(s)) {
    EXPECT_FALSE(is_problem(f)) << f.id << ": " << f.title;
  }
}

// ---------------------------------------------------------------- signal.mic_on_other_channel

SignalMetrics channels(std::vector<double> rms) {
  SignalMetrics m;
  m.sample_rate = 48000;
  m.channels = static_cast<int>(rms.size());
  m.duration_s = 5.0;
  m.speech_level_dbfs = -30.0;
  m.channel_rms_dbfs = std::move(rms);
  return m;
}

bool reports(const std::vector<Finding>& findings, const std::string& id) {
  return std::any_of(findings.begin(), findings.end(), [&](const Finding& f) { return f.id == id; });
}

TEST(MicOnOtherChannel, AFourChannelInterfaceWithTheMicOnInputThree) {
  const double silent = -std::numeric_limits<double>::infinity();
  const auto findings = signal_findings(channels({silent, silent, -32.0, silent}));
  ASSERT_TRUE(reports(findings, "signal.mic_on_other_channel"));
  EXPECT_FALSE(reports(findings, "signal.dead_channel"));  // explained: unused inputs
  const Finding f = only(findings, "signal.mic_on_other_channel");
  EXPECT_NE(f.title.find("channel 3"), std::string::npos);
  EXPECT_NE(f.advice.find("input channel 3"), std::string::npos);
}

TEST(MicOnOtherChannel, StereoAndALiveFirstChannelAreSomethingElse) {
  const double silent = -std::numeric_limits<double>::infinity();
  const auto stereo = signal_findings(channels({silent, -30.0}));
  EXPECT_FALSE(reports(stereo, "signal.mic_on_other_channel"));
  EXPECT_TRUE(reports(stereo, "signal.dead_channel"));
  const auto first_live = signal_findings(channels({-30.0, silent, -32.0, silent}));
  EXPECT_FALSE(reports(first_live, "signal.mic_on_other_channel"));
}

}  // namespace
}  // namespace micdoctor::test
