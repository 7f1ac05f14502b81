// The readers below the sound server on fixture machines
// (tests/fixtures/machines/<name>: directory trees shaped like real systems,
// each with a README naming its sources), and on broken trees: FIFOs where
// files should be, garbage, huge files, directories in place of files.
// These assert the model values that the checks' ids depend on; which ids
// follow is the checks' business (expected-ids, tested after the merge).
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>

#include "platform/linux/kernel_readers.hpp"
#include "platform/linux/sysfs_reader.hpp"

namespace micdoctor::test {
namespace {

namespace fs = std::filesystem;
using linux_system::read_distribution;
using linux_system::read_kernel_state;

fs::path machine(const std::string& name) { return fs::path(MICDOCTOR_FIXTURES_DIR) / "machines" / name; }

const KernelCard* card_with_id(const KernelState& k, const std::string& id) {
  for (const KernelCard& c : k.cards) {
    if (c.id == id) return &c;
  }
  return nullptr;
}

const AudioController* controller_at(const KernelState& k, const std::string& address) {
  for (const AudioController& c : k.controllers) {
    if (c.address == address) return &c;
  }
  return nullptr;
}

std::string parameter(const KernelState& k, const std::string& module, const std::string& name) {
  for (const ModuleParameter& p : k.module_parameters) {
    if (p.module == module && p.name == name) return p.value;
  }
  return "<absent>";
}

std::vector<std::string> options_of(const KernelState& k, const std::string& module) {
  std::vector<std::string> out;
  for (const ModuleOption& o : k.module_options) {
    if (o.module == module) out.push_back(o.name + "=" + o.value + " @" + o.file);
  }
  return out;
}

const Codec* codec_of(const KernelState& k, int card, int address) {
  for (const Codec& c : k.codecs) {
    if (c.card == card && c.address == address) return &c;
  }
  return nullptr;
}

// Input pins whose firmware default is a microphone or line input that is connected.
std::vector<int> connected_mic_pins(const Codec& codec) {
  std::vector<int> out;
  for (const CodecPin& pin : codec.pins) {
    const unsigned type = pin_device_type(pin.pin_default);
    if (pin.input_capable && pin_connectivity(pin.pin_default) != PinConnectivity::none &&
        (type == kPinDeviceMicIn || type == kPinDeviceLineIn)) {
      out.push_back(pin.nid);
    }
  }
  return out;
}

TEST(MachineReaders, TigerLakeWithLegacyDriverForced) {
  const KernelState k = read_kernel_state(machine("intel-tgl-legacy-forced"));
  ASSERT_TRUE(k.read);
  EXPECT_EQ(k.release, "5.15.0-91-generic");
  const AudioController* hda = controller_at(k, "0000:00:1f.3");
  ASSERT_NE(hda, nullptr);
  EXPECT_EQ((std::vector<std::string>{hda->bus, hda->vendor_id, hda->product_id, hda->pci_class, hda->subsystem, hda->driver}),
            (std::vector<std::string>{"pci", "8086", "a0c8", "040100", "1043:1c2d", "snd_hda_intel"}));
  EXPECT_EQ(controller_at(k, "0000:00:02.0"), nullptr);  // the GPU is not an audio controller
  EXPECT_EQ(k.acpi_nhlt, std::optional<bool>(true));
  EXPECT_EQ(parameter(k, "snd_intel_dspcfg", "dsp_driver"), "1");
  EXPECT_EQ(options_of(k, "snd_intel_dspcfg"), (std::vector<std::string>{"dsp_driver=1 @/etc/modprobe.d/dsp.conf"}));
  // systemd's bonding/dummy options are not about sound.
  EXPECT_TRUE(options_of(k, "bonding").empty());
  ASSERT_EQ(k.cards.size(), 1u);
  EXPECT_EQ(k.cards[0].alsa_driver, "HDA-Intel");
  EXPECT_EQ(k.cards[0].long_name, "HDA Intel PCH at 0x6001190000 irq 147");
  const Codec* realtek = codec_of(k, 0, 0);
  ASSERT_NE(realtek, nullptr);
  EXPECT_EQ(realtek->name, "Realtek ALC256");
  EXPECT_EQ(realtek->subsystem_id, "0x10431c2d");
  EXPECT_EQ(connected_mic_pins(*realtek), (std::vector<int>{0x19}));  // only the headset jack
  const Codec* hdmi = codec_of(k, 0, 2);
  ASSERT_NE(hdmi, nullptr);
  EXPECT_EQ(hdmi->vendor_id, "0x80862812");
  EXPECT_TRUE(k.cardless.empty());
  EXPECT_TRUE(k.unbound.empty());
}

TEST(MachineReaders, SofBoundButNoCardForTheDsp) {
  const KernelState k = read_kernel_state(machine("intel-sof-topology-missing"));
  ASSERT_EQ(k.cardless.size(), 1u);
  EXPECT_EQ(k.cardless[0].address, "0000:00:1f.3");
  EXPECT_EQ(k.cardless[0].driver, "sof-audio-pci-intel-tgl");
  const AudioController* dsp = controller_at(k, "0000:00:1f.3");
  ASSERT_NE(dsp, nullptr);
  EXPECT_EQ(dsp->pci_class, "040100");
  ASSERT_EQ(k.cards.size(), 1u);  // the NVIDIA HDMI card only
  EXPECT_EQ(k.cards[0].id, "NVidia");
  EXPECT_EQ(parameter(k, "snd_sof_pci", "tplg_path"), "(null)");
  EXPECT_EQ(k.acpi_nhlt, std::optional<bool>(true));
  EXPECT_TRUE(k.module_options.empty());
}

TEST(MachineReaders, SofCardWithoutUcmConfiguration) {
  const KernelState k = read_kernel_state(machine("sof-card-no-ucm"));
  const KernelCard* sof = card_with_id(k, "sofhdadsp");
  ASSERT_NE(sof, nullptr);
  EXPECT_EQ(sof->bus, "platform");
  EXPECT_EQ(sof->driver, "skl_hda_dsp_generic");
  EXPECT_EQ(sof->module, "snd_soc_skl_hda_dsp");
  EXPECT_EQ(sof->alsa_driver, "sof-hda-dsp");
  EXPECT_EQ(sof->long_name, "LENOVO-20R1S01D00-ThinkPadX1Carbon7th");
  EXPECT_EQ(k.ucm_installed, std::optional<bool>(true));
  EXPECT_EQ(sof->ucm_config_found, std::optional<bool>(false));
  EXPECT_EQ(sof->ucm_config, "");
  EXPECT_TRUE(k.cardless.empty());
}

TEST(MachineReaders, UcmFoundThroughConfDLink) {
  const KernelState k = read_kernel_state(machine("healthy-sof-laptop"));
  const KernelCard* sof = card_with_id(k, "sofhdadsp");
  ASSERT_NE(sof, nullptr);
  EXPECT_EQ(sof->ucm_config_found, std::optional<bool>(true));
  EXPECT_EQ(sof->ucm_config, "/usr/share/alsa/ucm2/conf.d/sof-hda-dsp/sof-hda-dsp.conf");
  const KernelCard* nvidia = card_with_id(k, "NVidia");
  ASSERT_NE(nvidia, nullptr);
  EXPECT_EQ(nvidia->ucm_config, "/usr/share/alsa/ucm2/conf.d/HDA-Intel/HDA-Intel.conf");
  EXPECT_TRUE(k.cardless.empty());
  ASSERT_EQ(k.mute_leds.size(), 1u);
  EXPECT_EQ(k.mute_leds[0].brightness, 0);
  EXPECT_EQ(k.mute_leds[0].trigger, "audio-micmute");
  const Codec* realtek = codec_of(k, 1, 0);
  ASSERT_NE(realtek, nullptr);
  EXPECT_EQ(connected_mic_pins(*realtek), (std::vector<int>{0x19}));
  EXPECT_EQ(parameter(k, "snd_intel_dspcfg", "dsp_driver"), "0");
  // An NVIDIA installer's "options nouveau modeset=0" is not a sound option.
  EXPECT_TRUE(k.module_options.empty());
}

TEST(MachineReaders, CodecWithEveryMicPinUnconnected) {
  const KernelState k = read_kernel_state(machine("alc-mic-pin-na"));
  const Codec* realtek = codec_of(k, 0, 0);
  ASSERT_NE(realtek, nullptr);
  EXPECT_EQ(realtek->name, "Realtek ALC283");
  EXPECT_TRUE(connected_mic_pins(*realtek).empty());
  std::vector<int> input_pins;
  for (const CodecPin& pin : realtek->pins) {
    if (pin.input_capable) input_pins.push_back(pin.nid);
  }
  EXPECT_EQ(input_pins, (std::vector<int>{0x12, 0x18, 0x19, 0x1a, 0x1b, 0x1d}));
  // kmod's aliases.conf index options are read, and nothing else from it.
  EXPECT_EQ(options_of(k, "snd_pcsp"), (std::vector<std::string>{"index=-2 @/lib/modprobe.d/aliases.conf"}));
  EXPECT_EQ(k.acpi_nhlt, std::optional<bool>(false));
}

TEST(MachineReaders, MicMuteLedLit) {
  const KernelState k = read_kernel_state(machine("thinkpad-micmute-on"));
  ASSERT_EQ(k.mute_leds.size(), 1u);  // platform::mute is the speakers' LED
  const MuteLed& led = k.mute_leds[0];
  EXPECT_EQ(led.name, "platform::micmute");
  EXPECT_EQ(led.brightness, 1);
  EXPECT_EQ(led.max_brightness, 1);
  EXPECT_EQ(led.trigger, "audio-micmute");
}

TEST(MachineReaders, UsbMicrophoneMayAutosuspend) {
  const KernelState k = read_kernel_state(machine("usb-mic-autosuspend"));
  const KernelCard* usb = card_with_id(k, "Nano");
  ASSERT_NE(usb, nullptr);
  EXPECT_EQ((std::vector<std::string>{usb->bus, usb->driver, usb->vendor_id, usb->product_id, usb->alsa_driver}),
            (std::vector<std::string>{"usb", "snd-usb-audio", "b58e", "0005", "USB-Audio"}));
  EXPECT_EQ(usb->usb_power_control, "auto");
  EXPECT_EQ(usb->usb_autosuspend_delay_ms, std::optional<int>(2000));
  const AudioController* interface = controller_at(k, "1-2:1.0");
  ASSERT_NE(interface, nullptr);
  EXPECT_EQ((std::vector<std::string>{interface->bus, interface->vendor_id, interface->driver}),
            (std::vector<std::string>{"usb", "b58e", "snd-usb-audio"}));
  EXPECT_EQ(controller_at(k, "1-2:1.1"), nullptr);  // audio streaming: the same function
  EXPECT_EQ(parameter(k, "snd_usb_audio", "index").substr(0, 6), "-2,-1,");
  const KernelCard* pch = card_with_id(k, "PCH");
  ASSERT_NE(pch, nullptr);
  EXPECT_EQ(pch->usb_power_control, "");  // not a USB card
  EXPECT_FALSE(pch->usb_autosuspend_delay_ms.has_value());
}

TEST(MachineReaders, HealthyMachinesShowNothingWrong) {
  for (const char* name : {"healthy-hda-laptop", "healthy-sof-laptop", "healthy-usb-headset"}) {
    SCOPED_TRACE(name);
    const KernelState k = read_kernel_state(machine(name));
    ASSERT_TRUE(k.read);
    EXPECT_FALSE(k.cards.empty());
    EXPECT_TRUE(k.cardless.empty());
    EXPECT_TRUE(k.unbound.empty());
    for (const KernelCard& card : k.cards) {
      EXPECT_FALSE(card.alsa_driver.empty()) << card.id;
      EXPECT_NE(card.usb_power_control, "auto") << card.id;
    }
    for (const MuteLed& led : k.mute_leds) EXPECT_EQ(led.brightness, 0) << led.name;
    EXPECT_EQ(parameter(k, "snd_intel_dspcfg", "dsp_driver"), "0");
    for (const Codec& codec : k.codecs) {
      if (codec.name.rfind("Realtek", 0) == 0) {
        EXPECT_FALSE(connected_mic_pins(codec).empty());
      }
    }
  }
}

TEST(MachineReaders, ChassisTypeOfTheLaptopsAndNoneForTheMiniPc) {
  // sys/class/dmi/id -> ../../devices/virtual/dmi/id, chassis_type "10" (Notebook).
  for (const char* name : {"healthy-hda-laptop", "healthy-sof-laptop", "healthy-usb-headset", "intel-sof-topology-missing",
                           "intel-tgl-legacy-forced", "sof-card-no-ucm", "thinkpad-micmute-on", "usb-mic-autosuspend"}) {
    EXPECT_EQ(read_kernel_state(machine(name)).chassis_type, std::optional<int>(10)) << name;
  }
  EXPECT_FALSE(read_kernel_state(machine("alc-mic-pin-na")).chassis_type.has_value());
}

TEST(MachineReaders, RealMedionDumpValues) {
  const KernelState k = read_kernel_state(machine("healthy-hda-laptop"));
  EXPECT_EQ(k.release, "4.19.0-6-amd64");
  const AudioController* hda = controller_at(k, "0000:00:0e.0");
  ASSERT_NE(hda, nullptr);
  EXPECT_EQ(hda->pci_class, "040380");
  EXPECT_EQ(hda->subsystem, "10ec:118c");
  const Codec* realtek = codec_of(k, 0, 0);
  ASSERT_NE(realtek, nullptr);
  EXPECT_EQ(connected_mic_pins(*realtek), (std::vector<int>{0x12, 0x19}));
  EXPECT_EQ(k.acpi_nhlt, std::optional<bool>(false));
  EXPECT_EQ(options_of(k, "snd_pcsp"), (std::vector<std::string>{"index=-2 @/etc/modprobe.d/alsa-base.conf"}));
}

TEST(MachineReaders, Distributions) {
  const Distribution ubuntu = read_distribution(machine("intel-tgl-legacy-forced"));
  EXPECT_EQ((std::vector<std::string>{ubuntu.id, ubuntu.id_like, ubuntu.version_id, ubuntu.pretty_name}),
            (std::vector<std::string>{"ubuntu", "debian", "22.04", "Ubuntu 22.04.3 LTS"}));
  EXPECT_EQ(read_distribution(machine("healthy-sof-laptop")).id, "fedora");
  EXPECT_EQ(read_distribution(machine("healthy-sof-laptop")).version_id, "39");
  const Distribution suse = read_distribution(machine("thinkpad-micmute-on"));
  EXPECT_EQ(suse.id, "opensuse-tumbleweed");
  EXPECT_EQ(suse.id_like, "opensuse suse");
  EXPECT_EQ(read_distribution(machine("alc-mic-pin-na")).pretty_name, "Debian GNU/Linux 12 (bookworm)");
  EXPECT_EQ(read_distribution("/nonexistent-micdoctor").id, "");
}

// A scratch machine root for the broken-tree cases.
class ScratchMachine {
 public:
  ScratchMachine() : root_(fs::temp_directory_path() / ("micdoctor-machine-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++))) {
    fs::create_directories(root_ / "sys/bus/pci/devices");
  }
  ~ScratchMachine() { fs::remove_all(root_); }
  const fs::path& root() const { return root_; }
  void write(const std::string& path, const std::string& text) {
    fs::create_directories((root_ / path).parent_path());
    std::ofstream(root_ / path) << text;
  }
  void fifo(const std::string& path) {
    fs::create_directories((root_ / path).parent_path());
    ASSERT_EQ(::mkfifo((root_ / path).c_str(), 0644), 0);
  }

 private:
  static inline int counter_ = 0;
  fs::path root_;
};

TEST(MachineReaders, FifosInsteadOfFilesDoNotHang) {
  ScratchMachine m;
  for (const char* path : {"proc/asound/cards", "proc/asound/card0/codec#0", "proc/cmdline", "proc/sys/kernel/osrelease",
                           "etc/modprobe.d/x.conf", "etc/os-release", "sys/class/leds/hda::micmute/brightness",
                           "sys/class/leds/hda::micmute/trigger", "sys/module/snd_hda_intel/parameters/model"}) {
    m.fifo(path);
  }
  m.write("usr/lib/os-release", "ID=arch\n");
  const auto start = std::chrono::steady_clock::now();
  const KernelState k = read_kernel_state(m.root());
  const Distribution d = read_distribution(m.root());
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  EXPECT_TRUE(k.codecs.empty());
  EXPECT_EQ(k.release, "");
  EXPECT_TRUE(k.module_options.empty());
  EXPECT_TRUE(k.module_parameters.empty());
  ASSERT_EQ(k.mute_leds.size(), 1u);
  EXPECT_EQ(k.mute_leds[0].brightness, 0);
  EXPECT_EQ(k.mute_leds[0].trigger, "");
  // /etc/os-release is a FIFO: it is not read, /usr/lib/os-release is.
  EXPECT_EQ(d.id, "arch");
}

TEST(MachineReaders, GarbageHugeAndMisplacedFiles) {
  ScratchMachine m;
  m.write("proc/asound/card0/codec#0", std::string("\x00\xff garbage\nNode 0x19 [Pin Complex]\nPin Default zz\n", 48));
  // A codec page far larger than any real one is read up to the bound.
  std::string huge = "Codec: Realtek ALC256\nVendor Id: 0x10ec0256\n";
  while (huge.size() < std::size_t{4} * 1024 * 1024) huge += "Node 0x19 [Pin Complex] wcaps 0x1: Stereo\n  Pin Default 0x411111f0: [N/A]\n";
  m.write("proc/asound/card1/codec#0", huge);
  fs::create_directories(m.root() / "proc/asound/card2/codec#0");  // a directory, not a file
  m.write("proc/asound/cards", std::string(100000, 'x'));
  fs::create_directories(m.root() / "etc/modprobe.d/dir.conf");
  m.write("etc/modprobe.d/bad.conf", "options\noptions snd-hda-intel\n\x01\x02\x03\noptions snd-hda-intel model=\"unterminated\n");
  m.write("proc/cmdline", std::string(200000, 'a') + " snd_intel_dspcfg.dsp_driver=1");
  fs::create_symlink("/nonexistent-target", m.root() / "etc/modprobe.d/dangling.conf");
  const KernelState k = read_kernel_state(m.root());
  ASSERT_EQ(k.codecs.size(), 2u);
  EXPECT_TRUE(k.codecs[0].pins.empty());
  EXPECT_EQ(k.codecs[1].name, "Realtek ALC256");
  EXPECT_FALSE(k.codecs[1].pins.empty());
  // An unterminated quote ends with its line; the bound cmdline is cut before the option.
  EXPECT_EQ(options_of(k, "snd_hda_intel"), (std::vector<std::string>{"model=unterminated @/etc/modprobe.d/bad.conf"}));
  EXPECT_TRUE(options_of(k, "snd_intel_dspcfg").empty());
}

TEST(MachineReaders, ModprobeFileInEtcHidesTheSameNameInLib) {
  ScratchMachine m;
  m.write("lib/modprobe.d/alsa.conf", "options snd-hda-intel model=auto\n");
  m.write("etc/modprobe.d/alsa.conf", "options snd-hda-intel model=dell-headset-multi\n");
  m.write("usr/lib/modprobe.d/sof.conf", "options snd-sof-intel-hda-common hda_model=alc287-yoga9-bass-spk-pin\n");
  m.write("etc/modprobe.d/README", "options snd-hda-intel model=not-a-conf-file\n");
  const KernelState k = read_kernel_state(m.root());
  EXPECT_EQ(options_of(k, "snd_hda_intel"), (std::vector<std::string>{"model=dell-headset-multi @/etc/modprobe.d/alsa.conf"}));
  EXPECT_EQ(options_of(k, "snd_sof_intel_hda_common"),
            (std::vector<std::string>{"hda_model=alc287-yoga9-bass-spk-pin @/usr/lib/modprobe.d/sof.conf"}));
}

TEST(MachineReaders, NoUcmFolderLeavesTheAnswerUnknown) {
  ScratchMachine m;
  const KernelState k = read_kernel_state(machine("healthy-hda-laptop"));
  ASSERT_FALSE(k.cards.empty());
  EXPECT_EQ(k.ucm_installed, std::optional<bool>(true));
  const KernelState bare = read_kernel_state(m.root());
  EXPECT_EQ(bare.ucm_installed, std::optional<bool>(false));
  EXPECT_FALSE(bare.acpi_nhlt.has_value());  // no ACPI tables folder: unknown, not "no"
}

// alsa-ucm-conf's lookup (ucm2/ucm.conf): conf.d/<driver>/<long name>.conf
// before conf.d/<driver>/<driver>.conf, then the older <driver>/ layout.
TEST(MachineReaders, UcmLookupOrder) {
  ScratchMachine m;
  const std::string dir = "sys/devices/pci0000:00/0000:00:1f.3/skl_hda_dsp_generic/sound/card0";
  m.write(dir + "/id", "sofhdadsp\n");
  fs::create_directories(m.root() / "sys/class/sound");
  fs::create_directory_symlink(fs::relative(m.root() / dir, m.root() / "sys/class/sound"), m.root() / "sys/class/sound/card0");
  m.write("proc/asound/cards", " 0 [sofhdadsp      ]: sof-hda-dsp - sof-hda-dsp\n                      LENOVO-21JN00DLSC-ThinkPadE16Gen1\n");
  const std::string ucm2 = "usr/share/alsa/ucm2/";
  m.write(ucm2 + "sof-hda-dsp/sof-hda-dsp.conf", "Syntax 2\n");  // the older layout
  EXPECT_EQ(read_kernel_state(m.root()).cards.at(0).ucm_config, "/usr/share/alsa/ucm2/sof-hda-dsp/sof-hda-dsp.conf");
  m.write(ucm2 + "conf.d/sof-hda-dsp/sof-hda-dsp.conf", "Syntax 6\n");
  EXPECT_EQ(read_kernel_state(m.root()).cards.at(0).ucm_config, "/usr/share/alsa/ucm2/conf.d/sof-hda-dsp/sof-hda-dsp.conf");
  // A machine-specific file (alsa-ucm-conf has conf.d/sof-hda-dsp/LENOVO-21JN00DLSC-ThinkPadE16Gen1.conf) wins.
  m.write(ucm2 + "conf.d/sof-hda-dsp/LENOVO-21JN00DLSC-ThinkPadE16Gen1.conf", "Syntax 6\n");
  const KernelState k = read_kernel_state(m.root());
  EXPECT_EQ(k.cards.at(0).ucm_config_found, std::optional<bool>(true));
  EXPECT_EQ(k.cards.at(0).ucm_config, "/usr/share/alsa/ucm2/conf.d/sof-hda-dsp/LENOVO-21JN00DLSC-ThinkPadE16Gen1.conf");
}

TEST(MachineReaders, UcmLinkToAMissingFileIsNotAConfiguration) {
  ScratchMachine m;
  const std::string dir = "sys/devices/pci0000:00/0000:00:1f.3/sound/card0";
  m.write(dir + "/id", "PCH\n");
  fs::create_directories(m.root() / "sys/class/sound");
  fs::create_directory_symlink(fs::relative(m.root() / dir, m.root() / "sys/class/sound"), m.root() / "sys/class/sound/card0");
  m.write("proc/asound/cards", " 0 [PCH            ]: HDA-Intel - HDA Intel PCH\n                      HDA Intel PCH at 0xa1110000 irq 133\n");
  fs::create_directories(m.root() / "usr/share/alsa/ucm2/conf.d/HDA-Intel");
  fs::create_symlink("../../HDA/HDA.conf", m.root() / "usr/share/alsa/ucm2/conf.d/HDA-Intel/HDA-Intel.conf");
  const KernelState k = read_kernel_state(m.root());
  EXPECT_EQ(k.cards.at(0).ucm_config_found, std::optional<bool>(false));
}

// Every machine carries what the machine-to-ids test and a reader need.
TEST(MachineReaders, EveryMachineHasExpectedIdsReadmeAndKernelLog) {
  int machines = 0;
  for (const fs::directory_entry& entry : fs::directory_iterator(fs::path(MICDOCTOR_FIXTURES_DIR) / "machines")) {
    if (!entry.is_directory()) continue;
    ++machines;
    SCOPED_TRACE(entry.path().filename().string());
    EXPECT_TRUE(fs::is_regular_file(entry.path() / "expected-ids"));
    EXPECT_TRUE(fs::is_regular_file(entry.path() / "README.md"));
    EXPECT_TRUE(fs::is_regular_file(entry.path() / "kernel.log"));
    EXPECT_TRUE(read_kernel_state(entry.path()).read);
    EXPECT_FALSE(read_distribution(entry.path()).id.empty());
  }
  EXPECT_GE(machines, 8);
}

}  // namespace
}  // namespace micdoctor::test
