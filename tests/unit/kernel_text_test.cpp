// The pure parsers of kernel text (src/kernel_text) on real shapes: a codec
// page from an alsa-info dump, /proc/asound/cards as the kernel prints it,
// modprobe.d files and kernel command lines as people write them.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "kernel_text/asound_cards.hpp"
#include "kernel_text/codec_page.hpp"
#include "kernel_text/modprobe_conf.hpp"
#include "kernel_text/os_release.hpp"

namespace micdoctor::test {
namespace {

using kernel_text::parse_asound_cards;
using kernel_text::parse_codec_page;
using kernel_text::parse_kernel_cmdline;
using kernel_text::parse_modprobe_conf;

std::string fixture(const std::string& name) {
  std::ifstream in(std::string(MICDOCTOR_FIXTURES_DIR) + "/kernel_text/" + name);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

const CodecPin* pin(const Codec& codec, int nid) {
  for (const CodecPin& p : codec.pins) {
    if (p.nid == nid) return &p;
  }
  return nullptr;
}

TEST(CodecPage, RealAlc256Page) {
  const std::string page = fixture("alc256-medion-e4254.codec");
  ASSERT_FALSE(page.empty());
  const Codec codec = parse_codec_page(page, 0, 0);
  EXPECT_EQ(codec.name, "Realtek ALC256");
  EXPECT_EQ(codec.vendor_id, "0x10ec0256");
  EXPECT_EQ(codec.subsystem_id, "0x10ec118c");
  std::vector<int> nids;
  for (const CodecPin& p : codec.pins) nids.push_back(p.nid);
  EXPECT_EQ(nids, (std::vector<int>{0x12, 0x13, 0x14, 0x18, 0x19, 0x1a, 0x1b, 0x1d, 0x1e, 0x21}));
  const CodecPin* internal_mic = pin(codec, 0x12);
  ASSERT_NE(internal_mic, nullptr);
  EXPECT_EQ(internal_mic->pin_default, 0x90a60130u);
  EXPECT_EQ(pin_connectivity(internal_mic->pin_default), PinConnectivity::fixed);
  EXPECT_EQ(pin_device_type(internal_mic->pin_default), kPinDeviceMicIn);
  EXPECT_TRUE(internal_mic->input_capable);
  EXPECT_FALSE(internal_mic->presence_detect);  // Pincap 0x00000020: IN
  const CodecPin* headset_mic = pin(codec, 0x19);
  ASSERT_NE(headset_mic, nullptr);
  EXPECT_EQ(headset_mic->pin_default, 0x02a19040u);
  EXPECT_TRUE(headset_mic->input_capable);
  EXPECT_TRUE(headset_mic->presence_detect);  // Pincap 0x00003724: IN Detect
  const CodecPin* headphone = pin(codec, 0x21);
  ASSERT_NE(headphone, nullptr);
  EXPECT_FALSE(headphone->input_capable);  // Pincap 0x0001001c: OUT HP EAPD Detect
  EXPECT_EQ(pin_connectivity(pin(codec, 0x18)->pin_default), PinConnectivity::none);
}

TEST(CodecPage, AddressFromThePageWinsAndCardIsKept) {
  const Codec codec = parse_codec_page("Codec: Intel Geminilake HDMI\nAddress: 2\nVendor Id: 0x8086280D\n", 1, 0);
  EXPECT_EQ(codec.card, 1);
  EXPECT_EQ(codec.address, 2);
  EXPECT_EQ(codec.vendor_id, "0x8086280d");
  EXPECT_TRUE(codec.pins.empty());
}

TEST(CodecPage, TruncatedPageKeepsOnlyPinsWithADefault) {
  const std::string page = fixture("alc256-medion-e4254.codec");
  // Cut in the middle of node 0x19, after its Pincap and before its Pin Default.
  const std::size_t cut = page.find("  Pin Default 0x02a19040");
  ASSERT_NE(cut, std::string::npos);
  const Codec codec = parse_codec_page(std::string_view(page).substr(0, cut), 0, 0);
  EXPECT_EQ(codec.pins.size(), 4u);  // 0x12, 0x13, 0x14, 0x18
  EXPECT_EQ(pin(codec, 0x19), nullptr);
}

TEST(CodecPage, ForumMangledPageWithoutIndentOrCaps) {
  // Forum software strips the indent and CRLF line ends creep in; a mangled
  // Pincap number falls back to its words.
  const Codec codec = parse_codec_page(
      "Codec: Realtek ALC269VB\r\nVendor Id: 0x10ec0269\r\nSubsystem Id: 0x10431a73\r\n"
      "Node 0x18 [Pin Complex] wcaps 0x40018f: Stereo Amp-In Amp-Out\r\nPincap 0x0000#3736: IN OUT Detect\r\n"
      "Pin Default 0x01a19820: [Jack] Mic at Ext Left\r\n",
      0, 0);
  EXPECT_EQ(codec.subsystem_id, "0x10431a73");
  ASSERT_EQ(codec.pins.size(), 1u);
  EXPECT_EQ(codec.pins[0].pin_default, 0x01a19820u);
  EXPECT_TRUE(codec.pins[0].presence_detect);
}

TEST(CodecPage, GarbageAndHugeInputAreBounded) {
  EXPECT_TRUE(parse_codec_page("\x01\x02 garbage\nNode zz [Pin Complex]\nPin Default xyz\n", 0, 0).pins.empty());
  std::string many;
  for (int i = 0; i < 5000; ++i) many += "Node 0x19 [Pin Complex] wcaps 0x1: Stereo\n  Pin Default 0x411111f0: [N/A]\n";
  EXPECT_EQ(parse_codec_page(many, 0, 0).pins.size(), kernel_text::kMaxCodecPins);
  EXPECT_TRUE(parse_codec_page("Pin Default 0x123456789: too long\n", 0, 0).pins.empty());
}

// From the same alsa-info dump as the codec page, and (for the second) a
// README quoting `cat /proc/asound/cards` on a ThinkPad X1 Extreme Gen 4 with
// an NVIDIA HDMI controller, SOF and a USB audio device.
TEST(AsoundCards, RealCardsFile) {
  const auto one = parse_asound_cards(" 0 [PCH            ]: HDA-Intel - HDA Intel PCH\n"
                                      "                      HDA Intel PCH at 0xa1110000 irq 133\n");
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ((std::vector<std::string>{one[0].id, one[0].alsa_driver, one[0].short_name, one[0].long_name}),
            (std::vector<std::string>{"PCH", "HDA-Intel", "HDA Intel PCH", "HDA Intel PCH at 0xa1110000 irq 133"}));
  const auto three = parse_asound_cards(
      " 0 [NVidia         ]: HDA-Intel - HDA NVidia\n"
      "                      HDA NVidia at 0x9e000000 irq 17\n"
      " 1 [sofhdadsp      ]: sof-hda-dsp - sof-hda-dsp\n"
      "                      LENOVO-20Y5000QUS-ThinkPadX1ExtremeGen4i\n"
      " 2 [USB            ]: USB-Audio - USB Audio Device\n"
      "                      Generic USB Audio at usb-0000:00:14.0-5, full speed\n");
  ASSERT_EQ(three.size(), 3u);
  EXPECT_EQ(three[1].number, 1);
  EXPECT_EQ(three[1].id, "sofhdadsp");
  EXPECT_EQ(three[1].alsa_driver, "sof-hda-dsp");
  EXPECT_EQ(three[1].long_name, "LENOVO-20Y5000QUS-ThinkPadX1ExtremeGen4i");
  EXPECT_EQ(three[2].number, 2);
  EXPECT_EQ(three[2].alsa_driver, "USB-Audio");
  EXPECT_EQ(three[2].short_name, "USB Audio Device");
  EXPECT_EQ(three[2].long_name, "Generic USB Audio at usb-0000:00:14.0-5, full speed");
}

TEST(AsoundCards, NoCardsTruncationAndJunk) {
  EXPECT_TRUE(parse_asound_cards("--- no soundcards ---\n").empty());
  const auto cut = parse_asound_cards(" 0 [PCH            ]: HDA-Intel - HDA Intel PCH");  // no long name line
  ASSERT_EQ(cut.size(), 1u);
  EXPECT_EQ(cut[0].long_name, "");
  EXPECT_TRUE(parse_asound_cards("x [abc]: \n [PCH]: y\n99999999999 [A]: b - c\n").empty());
  std::string many;
  for (int i = 0; i < 500; ++i) many += std::to_string(i) + " [C]: USB-Audio - C\n  long\n";
  EXPECT_EQ(parse_asound_cards(many).size(), kernel_text::kMaxAsoundCards);
}

std::vector<std::string> described(const std::vector<ModuleOption>& options) {
  std::vector<std::string> out;
  out.reserve(options.size());
  for (const ModuleOption& o : options) out.push_back(o.module + "." + o.name + "=" + o.value + " @" + o.file);
  return out;
}

TEST(ModprobeConf, OptionsForSoundModulesOnly) {
  // The shape of Debian's /etc/modprobe.d/alsa-base.conf plus the lines
  // people add from forum advice.
  const std::string text =
      "# autoloader aliases\n"
      "install sound-slot-0 /sbin/modprobe snd-card-0\n"
      "# Keep snd-pcsp from being loaded as first soundcard\n"
      "options snd-pcsp index=-2\n"
      "options snd-usb-audio index=-2\n"
      "options snd-hda-intel model=dell-headset-multi index=0\n"
      "  #options snd-hda-intel model=auto\n"
      "options snd-intel-dspcfg dsp_driver=1\n"
      "options iwlwifi power_save=0\n"
      "blacklist snd_soc_skl\n"
      "options snd_sof_intel_hda_common hda_model=alc285-tpx1-dual-speakers \\\n"
      "    dmic_num=4\n"
      "options snd-hda-intel \"patch=hda-jack-retask.fw\" enable_msi\n";
  EXPECT_EQ(described(parse_modprobe_conf(text, "/etc/modprobe.d/alsa-base.conf")),
            (std::vector<std::string>{
                "snd_pcsp.index=-2 @/etc/modprobe.d/alsa-base.conf",
                "snd_usb_audio.index=-2 @/etc/modprobe.d/alsa-base.conf",
                "snd_hda_intel.model=dell-headset-multi @/etc/modprobe.d/alsa-base.conf",
                "snd_hda_intel.index=0 @/etc/modprobe.d/alsa-base.conf",
                "snd_intel_dspcfg.dsp_driver=1 @/etc/modprobe.d/alsa-base.conf",
                "snd_sof_intel_hda_common.hda_model=alc285-tpx1-dual-speakers @/etc/modprobe.d/alsa-base.conf",
                "snd_sof_intel_hda_common.dmic_num=4 @/etc/modprobe.d/alsa-base.conf",
                "snd_hda_intel.patch=hda-jack-retask.fw @/etc/modprobe.d/alsa-base.conf",
                "snd_hda_intel.enable_msi= @/etc/modprobe.d/alsa-base.conf",
            }));
}

TEST(ModprobeConf, BoundedAndTolerant) {
  EXPECT_TRUE(parse_modprobe_conf("options\noptions snd-hda-intel\n\\\n\x01\x02\n", "f").empty());
  std::string many;
  for (int i = 0; i < 2000; ++i) many += "options snd-hda-intel model=x\n";
  EXPECT_EQ(parse_modprobe_conf(many, "f").size(), kernel_text::kMaxModuleOptions);
  // A file ending in a continuation still gives its options.
  EXPECT_EQ(parse_modprobe_conf("options soundwire_bus x=1 \\", "f").size(), 1u);
}

TEST(KernelCmdline, SoundModuleParameters) {
  const auto options = parse_kernel_cmdline(
      "BOOT_IMAGE=/boot/vmlinuz-6.1.0-13-amd64 root=UUID=0b1c ro quiet splash snd_intel_dspcfg.dsp_driver=1 "
      "snd-hda-intel.model=\"dell-headset-multi\" i915.enable_psr=0 snd_sof.sof_debug=1 -- snd_x.y=z\n");
  EXPECT_EQ(described(options), (std::vector<std::string>{
                                    "snd_intel_dspcfg.dsp_driver=1 @/proc/cmdline",
                                    "snd_hda_intel.model=dell-headset-multi @/proc/cmdline",
                                    "snd_sof.sof_debug=1 @/proc/cmdline",
                                }));
  EXPECT_TRUE(parse_kernel_cmdline("").empty());
  EXPECT_TRUE(parse_kernel_cmdline(".snd=1 snd=1 a=snd.b").empty());
}

TEST(OsRelease, FileAndAlsaInfoJoinedLine) {
  // Debian 12's /usr/lib/os-release.
  const Distribution debian = kernel_text::parse_os_release(
      "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\n"
      "VERSION=\"12 (bookworm)\"\nVERSION_CODENAME=bookworm\nID=debian\nHOME_URL=\"https://www.debian.org/\"\n");
  EXPECT_EQ((std::vector<std::string>{debian.id, debian.id_like, debian.version_id, debian.pretty_name}),
            (std::vector<std::string>{"debian", "", "12", "Debian GNU/Linux 12 (bookworm)"}));
  // alsa-info.sh 0.4.64 joins /etc/issue and os-release into one line (the
  // Medion dump of tests/fixtures/kernel_text/README.md); VERSION_ID and
  // ID_LIKE must not be taken from inside another key ("VERSION_ID" holds "ID").
  const Distribution joined = kernel_text::parse_os_release(
      "Debian GNU/Linux 10 \\n \\l PRETTY_NAME=\"Debian GNU/Linux 10 (buster)\"\n"
      "NAME=\"Debian GNU/Linux\" ID=debian HOME_URL=\"https://www.debian.org/\"\n");
  EXPECT_EQ(joined.id, "debian");
  EXPECT_EQ(joined.pretty_name, "Debian GNU/Linux 10 (buster)");
  EXPECT_EQ(joined.version_id, "");
  // openSUSE quotes its ID and comments a line out.
  const Distribution suse = kernel_text::parse_os_release(
      "NAME=\"openSUSE Tumbleweed\"\n# VERSION=\"20231130\"\nID=\"opensuse-tumbleweed\"\nID_LIKE=\"opensuse suse\"\n");
  EXPECT_EQ(suse.id, "opensuse-tumbleweed");
  EXPECT_EQ(suse.id_like, "opensuse suse");
  EXPECT_EQ(kernel_text::parse_os_release("ID=\"unterminated").id, "unterminated");
  EXPECT_EQ(kernel_text::parse_os_release(std::string(100000, 'x') + " ID=arch").id, "arch");
}

}  // namespace
}  // namespace micdoctor::test
