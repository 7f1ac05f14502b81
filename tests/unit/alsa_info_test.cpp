// The alsa-info reader (src/alsainfo): real dumps from alsa-devel and GitHub
// (tests/fixtures/alsa-info, sources in README.md there) read into the model;
// the values expected are the ones the dumps print. Plus what forums do to a
// dump, what is no dump at all, and amixer's text on its own.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>

#include "alsainfo/alsa_info.hpp"
#include "alsainfo/amixer_text.hpp"
#include "alsainfo/dump_text.hpp"
#include "checks/check_catalog.hpp"
#include "model/snapshot_json.hpp"

namespace micdoctor {
namespace {

std::string fixture(const std::string& name) {
  std::ifstream in(std::string(MICDOCTOR_FIXTURES_DIR) + "/alsa-info/" + name, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_FALSE(text.str().empty()) << name;
  return text.str();
}

SystemSnapshot dump(const std::string& name) { return snapshot_from_alsa_info(fixture(name)); }

const KernelCard* card(const SystemSnapshot& s, int number) {
  for (const KernelCard& c : s.kernel.cards) {
    if (c.number == number) return &c;
  }
  return nullptr;
}

const AudioController* controller(const SystemSnapshot& s, const std::string& address) {
  for (const AudioController& c : s.kernel.controllers) {
    if (c.address == address) return &c;
  }
  return nullptr;
}

const MixerElement* element(const SystemSnapshot& s, int card_number, const std::string& name, int index = 0) {
  for (const AlsaMixer& m : s.kernel.mixers) {
    if (m.card != card_number) continue;
    for (const MixerElement& e : m.elements) {
      if (e.name == name && e.index == index) return &e;
    }
  }
  return nullptr;
}

const Codec* codec(const SystemSnapshot& s, const std::string& vendor_id) {
  for (const Codec& c : s.kernel.codecs) {
    if (c.vendor_id == vendor_id) return &c;
  }
  return nullptr;
}

const CodecPin* pin(const Codec& c, int nid) {
  for (const CodecPin& p : c.pins) {
    if (p.nid == nid) return &p;
  }
  return nullptr;
}

bool has_option(const SystemSnapshot& s, const std::string& module, const std::string& name, const std::string& value) {
  return std::any_of(s.kernel.module_options.begin(), s.kernel.module_options.end(), [&](const ModuleOption& o) {
    return o.module == module && o.name == name && o.value == value;
  });
}

const ModuleParameter* parameter(const SystemSnapshot& s, const std::string& module, const std::string& name) {
  for (const ModuleParameter& p : s.kernel.module_parameters) {
    if (p.module == module && p.name == name) return &p;
  }
  return nullptr;
}

bool log_has(const SystemSnapshot& s, const std::string& words) {
  return std::any_of(s.kernel.log.lines.begin(), s.kernel.log.lines.end(),
                     [&](const std::string& line) { return line.find(words) != std::string::npos; });
}

// --- Fujitsu Lifebook U7511 (alsa-devel): the legacy driver forced on a DMIC laptop ---

TEST(AlsaInfo, LifebookWithTheLegacyDriverForced) {
  const SystemSnapshot s = dump("lifebook-u7511-legacy-forced-0.5.0.txt");
  EXPECT_EQ(s.origin, "alsa-info");
  EXPECT_FALSE(s.server.reachable);
  EXPECT_NE(s.server.tried.find("alsa-info dump (v 0.5.0)"), std::string::npos);
  EXPECT_EQ(s.distribution.id, "debian");
  EXPECT_EQ(s.distribution.pretty_name, "Debian GNU/Linux bookworm/sid");
  EXPECT_EQ(s.kernel.release, "5.15.6+futex+zstd+intel+wine+");
  ASSERT_EQ(s.kernel.cards.size(), 1u);
  const KernelCard& pch = s.kernel.cards.front();
  EXPECT_EQ(pch.id, "PCH");
  EXPECT_EQ(pch.alsa_driver, "HDA-Intel");
  EXPECT_EQ(pch.long_name, "HDA Intel PCH at 0xa2130000 irq 172");
  EXPECT_EQ(pch.module, "snd_hda_intel");
  EXPECT_EQ(pch.address, "0000:00:1f.3");  // "Sysfs card info": device -> ../../../0000:00:1f.3
  // "00:1f.3 Multimedia audio controller [0401]: Intel Corporation Comet Lake PCH-LP cAVS [8086:02c8]"
  const AudioController* cavs = controller(s, "0000:00:1f.3");
  ASSERT_NE(cavs, nullptr);
  EXPECT_EQ(cavs->bus, "pci");
  EXPECT_EQ(cavs->vendor_id, "8086");
  EXPECT_EQ(cavs->product_id, "02c8");
  EXPECT_EQ(cavs->pci_class, "040100");
  EXPECT_EQ(cavs->subsystem, "1e26:0040");
  EXPECT_EQ(cavs->driver, "snd_hda_intel");  // the card on it is snd_hda_intel's
  // "snd_intel_dspcfg: dsp_driver=1" in the modprobe section
  EXPECT_TRUE(has_option(s, "snd_intel_dspcfg", "dsp_driver", "1"));
  EXPECT_TRUE(has_option(s, "snd_pcsp", "index", "-2"));
  const ModuleParameter* dmic_detect = parameter(s, "snd_hda_intel", "dmic_detect");
  ASSERT_NE(dmic_detect, nullptr);
  EXPECT_EQ(dmic_detect->value, "Y");
  // The ALC255's mic pins are all "not connected" (0x411111f0): the internal mic is a DMIC on the DSP.
  const Codec* alc255 = codec(s, "0x10ec0255");
  ASSERT_NE(alc255, nullptr);
  EXPECT_EQ(alc255->card, 0);
  EXPECT_EQ(alc255->name, "Realtek ALC255");
  ASSERT_NE(pin(*alc255, 0x19), nullptr);
  EXPECT_EQ(pin(*alc255, 0x19)->pin_default, 0x411111f0u);
  EXPECT_EQ(pin_connectivity(pin(*alc255, 0x19)->pin_default), PinConnectivity::none);
  ASSERT_NE(codec(s, "0x8086280b"), nullptr);  // the HDMI codec, address 2 of the same card
  EXPECT_EQ(codec(s, "0x8086280b")->address, 2);
  EXPECT_TRUE(s.kernel.log.read);
  EXPECT_EQ(s.kernel.log.source, "alsa-info");
  EXPECT_TRUE(log_has(s, "snd_hda_codec_realtek hdaudioC0D0: ALC255: SKU not ready 0x909701f0"));
  ASSERT_EQ(s.alsa_capture.size(), 2u);
  EXPECT_EQ(s.alsa_capture[0].id, "hw:0,0");
  EXPECT_EQ(s.alsa_capture[0].card_name, "HDA Intel PCH");
  EXPECT_EQ(s.alsa_capture[0].name, "ALC255 Analog");
  EXPECT_EQ(s.alsa_capture[1].id, "hw:0,2");
  EXPECT_EQ(s.kernel.ucm_installed, std::optional<bool>(true));  // "ii  alsa-ucm-conf 1.2.5.1-1" under "Packages installed"
  EXPECT_TRUE(s.kernel.cardless.empty());
}

// The same dump as a forum shows it: wrapped at 80 columns, HTML entities,
// a markdown fence, text around it, CRLF. It reads the same.
TEST(AlsaInfo, MangledCopyReadsLikeTheClean) {
  const SystemSnapshot clean = dump("lifebook-u7511-legacy-forced-0.5.0.txt");
  const SystemSnapshot mangled = dump("lifebook-u7511-mangled.txt");
  EXPECT_EQ(mangled.distribution.pretty_name, clean.distribution.pretty_name);
  EXPECT_EQ(mangled.kernel.release, clean.kernel.release);
  ASSERT_EQ(mangled.kernel.cards.size(), clean.kernel.cards.size());
  EXPECT_EQ(mangled.kernel.cards[0].long_name, clean.kernel.cards[0].long_name);
  EXPECT_EQ(mangled.kernel.cards[0].address, clean.kernel.cards[0].address);
  ASSERT_EQ(mangled.kernel.controllers.size(), clean.kernel.controllers.size());
  EXPECT_EQ(mangled.kernel.controllers[0].product_id, "02c8");  // "[8086:02c8]" was wrapped onto its own line
  EXPECT_EQ(mangled.kernel.controllers[0].subsystem, clean.kernel.controllers[0].subsystem);
  ASSERT_EQ(mangled.kernel.module_options.size(), clean.kernel.module_options.size());
  EXPECT_TRUE(has_option(mangled, "snd_intel_dspcfg", "dsp_driver", "1"));
  ASSERT_EQ(mangled.kernel.module_parameters.size(), clean.kernel.module_parameters.size());
  for (std::size_t i = 0; i < clean.kernel.module_parameters.size(); ++i) {
    EXPECT_EQ(mangled.kernel.module_parameters[i].value, clean.kernel.module_parameters[i].value)
        << clean.kernel.module_parameters[i].name;  // the long "(null),(null),..." lines were wrapped
  }
  ASSERT_EQ(mangled.kernel.codecs.size(), clean.kernel.codecs.size());
  for (std::size_t i = 0; i < clean.kernel.codecs.size(); ++i) {
    ASSERT_EQ(mangled.kernel.codecs[i].pins.size(), clean.kernel.codecs[i].pins.size());
    for (std::size_t p = 0; p < clean.kernel.codecs[i].pins.size(); ++p) {
      EXPECT_EQ(mangled.kernel.codecs[i].pins[p].pin_default, clean.kernel.codecs[i].pins[p].pin_default);
    }
  }
  ASSERT_EQ(mangled.kernel.mixers.size(), clean.kernel.mixers.size());
  ASSERT_EQ(mangled.kernel.mixers[0].elements.size(), clean.kernel.mixers[0].elements.size());
  for (std::size_t i = 0; i < clean.kernel.mixers[0].elements.size(); ++i) {
    const MixerElement& a = mangled.kernel.mixers[0].elements[i];
    const MixerElement& b = clean.kernel.mixers[0].elements[i];
    EXPECT_EQ(a.name, b.name);  // 'Auto-Mute Mode' came as &#39;Auto-Mute Mode&#39;
    EXPECT_EQ(a.volume.has_value(), b.volume.has_value());
    EXPECT_EQ(a.capture_switch, b.capture_switch);
    EXPECT_EQ(a.enum_items, b.enum_items);
  }
  EXPECT_EQ(mangled.kernel.log.lines, clean.kernel.log.lines);  // "(0000 -&gt; 0002)", wrapped dmesg lines
  ASSERT_EQ(mangled.alsa_capture.size(), clean.alsa_capture.size());
  EXPECT_EQ(mangled.alsa_capture[1].name, clean.alsa_capture[1].name);
}

// --- Medion (alsa-devel, 0.4.64): the capture switch off ---

TEST(AlsaInfo, MedionCaptureSwitchOff) {
  const SystemSnapshot s = dump("medion-capture-off-0.4.64.txt");
  EXPECT_EQ(s.kernel.release, "4.19.0-6-amd64");
  EXPECT_EQ(s.distribution.id, "debian");
  ASSERT_NE(card(s, 0), nullptr);
  EXPECT_EQ(card(s, 0)->module, "snd_hda_intel");  // 0.4.x: the module alone, in card order
  EXPECT_EQ(card(s, 0)->address, "0000:00:0e.0");  // /dev/snd/by-path: pci-0000:00:0e.0 -> ../controlC0
  // 0.4.x "Advanced information": "00:0e.0 0403: 8086:3198 (rev 03) (prog-if 80)", "Subsystem: 10ec:118c"
  const AudioController* hda = controller(s, "0000:00:0e.0");
  ASSERT_NE(hda, nullptr);
  EXPECT_EQ(hda->vendor_id, "8086");
  EXPECT_EQ(hda->product_id, "3198");
  EXPECT_EQ(hda->pci_class, "040380");
  EXPECT_EQ(hda->subsystem, "10ec:118c");
  // "Simple mixer control 'Capture',0 ... Limits: Capture 0 - 63 ... Front Left: Capture 31 [49%] [6.00dB] [off]"
  const MixerElement* capture = element(s, 0, "Capture");
  ASSERT_NE(capture, nullptr);
  ASSERT_TRUE(capture->volume.has_value());
  EXPECT_TRUE(capture->volume_is_capture);
  EXPECT_EQ(capture->volume->min, 0);
  EXPECT_EQ(capture->volume->max, 63);
  EXPECT_EQ(capture->volume->values, (std::vector<long>{31, 31}));
  EXPECT_EQ(capture->volume->db, (std::vector<double>{6.0, 6.0}));
  EXPECT_EQ(capture->capture_switch, (std::vector<bool>{false, false}));
  // amixer prints no range; alsactl's "name 'Capture Volume' ... dbmin -1725 dbmax 3000" does.
  EXPECT_EQ(capture->volume->db_min, std::optional<double>(-17.25));
  EXPECT_EQ(capture->volume->db_max, std::optional<double>(30.0));
  // "Headset Mic Boost": a volume with no direction, "Limits: 0 - 3"
  const MixerElement* boost = element(s, 0, "Headset Mic Boost");
  ASSERT_NE(boost, nullptr);
  ASSERT_TRUE(boost->volume.has_value());
  EXPECT_FALSE(boost->volume_is_capture);
  EXPECT_EQ(boost->volume->max, 3);
  EXPECT_TRUE(boost->capture_switch.empty());
  // ALC256: the internal mic on 0x12 (0x90a60130: fixed, Mic In), the headset mic on 0x19 (0x02a19040: jack)
  const Codec* alc256 = codec(s, "0x10ec0256");
  ASSERT_NE(alc256, nullptr);
  ASSERT_NE(pin(*alc256, 0x12), nullptr);
  EXPECT_EQ(pin(*alc256, 0x12)->pin_default, 0x90a60130u);
  EXPECT_EQ(pin_device_type(pin(*alc256, 0x12)->pin_default), kPinDeviceMicIn);
  ASSERT_NE(pin(*alc256, 0x19), nullptr);
  EXPECT_EQ(pin(*alc256, 0x19)->pin_default, 0x02a19040u);
  EXPECT_TRUE(pin(*alc256, 0x19)->presence_detect);
  // The dump's last dmesg line was wrapped by the mail: joined back.
  EXPECT_TRUE(log_has(s, "Detected Intel(R) Dual Band Wireless AC 9462, REV=0x318"));
}

// --- A healthy HDA laptop with a USB DAC (alsa-devel, 0.4.65) ---

TEST(AlsaInfo, HealthyPchLaptop) {
  const SystemSnapshot s = dump("pch-alc-healthy-0.4.65.txt");
  EXPECT_EQ(s.kernel.release, "5.10.10-1-MANJARO");
  EXPECT_EQ(s.distribution.id_like, "arch");
  ASSERT_EQ(s.kernel.cards.size(), 2u);
  EXPECT_EQ(card(s, 1)->bus, "usb");
  EXPECT_EQ(card(s, 1)->alsa_driver, "USB-Audio");
  EXPECT_EQ(card(s, 1)->address, "0000:00:14.0-3");  // "Topping D50s at usb-0000:00:14.0-3, high speed"
  const MixerElement* capture = element(s, 0, "Capture");
  ASSERT_NE(capture, nullptr);
  EXPECT_EQ(capture->volume->values, (std::vector<long>{63, 63}));
  EXPECT_EQ(capture->volume->db, (std::vector<double>{30.0, 30.0}));
  EXPECT_EQ(capture->capture_switch, (std::vector<bool>{true, true}));
  const MixerElement* internal_boost = element(s, 0, "Internal Mic Boost");
  ASSERT_NE(internal_boost, nullptr);
  EXPECT_EQ(internal_boost->volume->db, (std::vector<double>{20.0, 20.0}));
  // The dmesg section is empty (alsa-info ran without root): not read, and why.
  EXPECT_FALSE(s.kernel.log.read);
  EXPECT_NE(s.kernel.log.unreadable.find("empty"), std::string::npos);
  EXPECT_TRUE(s.kernel.firmware.empty());
}

// --- Lenovo ThinkBook 16p G5 (GitHub, 0.5.3): SOF with an HDA codec, the DMIC switched off ---

// SOF's volumes mute at their lowest step: alsactl writes "dbmin -9999999". The
// report's JSON of such a dump is read back as it was written (check --snapshot).
TEST(AlsaInfo, AVolumeWhoseLowestStepMutesSurvivesTheSnapshotJson) {
  const SystemSnapshot s = dump("thinkbook-sof-hda-dsp-0.5.3.txt");
  const MixerVolume* muting = nullptr;
  for (const AlsaMixer& mixer : s.kernel.mixers) {
    for (const MixerElement& e : mixer.elements) {
      if (e.volume && e.volume->db_min && is_mute_db(*e.volume->db_min)) muting = &*e.volume;
    }
  }
  ASSERT_NE(muting, nullptr);
  nlohmann::ordered_json json = snapshot_to_json(s);
  json["schema"] = "micdoctor.snapshot/1";
  const SystemSnapshot back = snapshot_from_text(json.dump());
  EXPECT_EQ(snapshot_to_json(back), snapshot_to_json(s));
}

TEST(AlsaInfo, ThinkbookSof) {
  const SystemSnapshot s = dump("thinkbook-sof-hda-dsp-0.5.3.txt");
  // 0.5.3 printed "#1 SMP PREEMPT_DYNAMIC ..." as the release: the ALSA driver version "k6.10.13-3-MANJARO" gives it.
  EXPECT_EQ(s.kernel.release, "6.10.13-3-MANJARO");
  ASSERT_NE(card(s, 1), nullptr);
  EXPECT_EQ(card(s, 1)->id, "sofhdadsp");
  EXPECT_EQ(card(s, 1)->alsa_driver, "sof-hda-dsp");
  EXPECT_EQ(card(s, 1)->long_name, "LENOVO-21N5-ThinkBook16pG5IRX-LNVNB161216");
  EXPECT_EQ(card(s, 1)->module, "snd_soc_skl_hda_dsp");
  EXPECT_EQ(card(s, 1)->driver, "skl_hda_dsp_generic");  // "Driver: /sys/bus/platform/drivers/skl_hda_dsp_generic"
  EXPECT_EQ(card(s, 1)->bus, "platform");
  EXPECT_EQ(card(s, 0)->address, "0000:01:00.1");
  EXPECT_EQ(card(s, 0)->vendor_id, "10de");
  // The ALC287 page belongs to card 1 (its amixer "Components" name 10ec0287), not to the NVidia card 0.
  const Codec* alc287 = codec(s, "0x10ec0287");
  ASSERT_NE(alc287, nullptr);
  EXPECT_EQ(alc287->card, 1);
  EXPECT_EQ(codec(s, "0x10de00a7")->card, 0);
  const MixerElement* dmic = element(s, 1, "Dmic0");
  ASSERT_NE(dmic, nullptr);
  EXPECT_EQ(dmic->volume->max, 70);
  EXPECT_EQ(dmic->volume->db, (std::vector<double>{20.0, 20.0}));
  EXPECT_EQ(dmic->capture_switch, (std::vector<bool>{false, false}));
  const MixerElement* boost = element(s, 1, "Mic Boost");
  ASSERT_NE(boost, nullptr);
  EXPECT_EQ(boost->volume->db, (std::vector<double>{30.0, 30.0}));
  EXPECT_EQ(dmic->volume->db_max, std::optional<double>(20.0));  // state.sofhdadsp: 'Dmic0 Capture Volume'
  ASSERT_EQ(s.alsa_capture.size(), 3u);
  EXPECT_EQ(s.alsa_capture[1].id, "hw:1,6");
  EXPECT_EQ(s.alsa_capture[1].name, "DMIC (*)");
  EXPECT_FALSE(s.kernel.log.read);  // the dmesg section is empty in this dump
  EXPECT_EQ(s.server.installed, (std::vector<std::string>{"pipewire", "pulseaudio", "jack"}));
}

// --- Dell with SoundWire (alsa-utils issue 100, 0.5.0), a Razer USB headset and a dock ---

TEST(AlsaInfo, SoundwireLaptopWithUsbHeadset) {
  const SystemSnapshot s = dump("sof-soundwire-0.5.0.txt");
  ASSERT_EQ(s.kernel.cards.size(), 3u);
  EXPECT_EQ(card(s, 0)->alsa_driver, "sof-soundwire");
  EXPECT_EQ(card(s, 0)->driver, "sof_sdw");
  EXPECT_EQ(card(s, 1)->bus, "usb");
  EXPECT_EQ(card(s, 1)->vendor_id, "1532");  // lsusb of the card: "ID 1532:0526 Razer USA, Ltd"
  EXPECT_EQ(card(s, 1)->product_id, "0526");
  const AudioController* headset = controller(s, card(s, 1)->address);
  ASSERT_NE(headset, nullptr);
  EXPECT_EQ(headset->bus, "usb");
  EXPECT_EQ(headset->driver, "snd-usb-audio");
  // "Simple mixer control 'Mic',0 ... Capabilities: cvolume cvolume-joined ... Mono: Capture 30 [86%] [0.00dB]"
  const MixerElement* mic = element(s, 1, "Mic");
  ASSERT_NE(mic, nullptr);
  EXPECT_EQ(mic->volume->values, (std::vector<long>{30}));
  // rt715 ADC 08: left at 0 (-17.25 dB), right at 23, both switched off
  const MixerElement* adc = element(s, 0, "rt715 ADC 08");
  ASSERT_NE(adc, nullptr);
  EXPECT_EQ(adc->volume->values, (std::vector<long>{0, 23}));
  EXPECT_EQ(adc->volume->db, (std::vector<double>{-17.25, 0.0}));
  EXPECT_EQ(adc->capture_switch, (std::vector<bool>{false, false}));
  const MixerElement* mux = element(s, 0, "rt715 ADC 24 Mux");
  ASSERT_NE(mux, nullptr);
  EXPECT_EQ(mux->enum_items.size(), 5u);
  EXPECT_EQ(mux->enum_selected, "DMIC3");
}

// --- Logitech webcam and Behringer UV1 (alsa-devel, 0.5.1, quoted-printable decoded) ---

TEST(AlsaInfo, UsbWebcamMicrophone) {
  const SystemSnapshot s = dump("usb-logitech-webcam-0.5.1.txt");
  ASSERT_EQ(s.kernel.cards.size(), 2u);
  EXPECT_EQ(card(s, 0)->id, "U0x46d0x809");
  EXPECT_EQ(card(s, 0)->vendor_id, "046d");
  EXPECT_EQ(card(s, 0)->product_id, "0809");
  EXPECT_EQ(card(s, 0)->address, "3-4.1.3.1.4:1.2");
  EXPECT_TRUE(s.kernel.codecs.empty());
  // "Mono: Capture 11 [65%] [22.17dB] [on]", "Limits: Capture 0 - 17"
  const MixerElement* mic = element(s, 0, "Mic");
  ASSERT_NE(mic, nullptr);
  EXPECT_EQ(mic->volume->max, 17);
  EXPECT_EQ(mic->volume->values, (std::vector<long>{11}));
  EXPECT_EQ(mic->volume->db, (std::vector<double>{22.17}));
  EXPECT_EQ(mic->capture_switch, (std::vector<bool>{true}));
  ASSERT_EQ(s.alsa_capture.size(), 2u);
  EXPECT_EQ(s.alsa_capture[0].card_name, "USB Device 0x46d:0x809");
  EXPECT_EQ(s.distribution.id, "ubuntu");
}

// --- Acer Swift (a patch to alsa-ucm-conf's validator, 0.4.64): the topology file missing ---

TEST(AlsaInfo, AcerSkylakeTopologyMissing) {
  const SystemSnapshot s = dump("acer-swift-skl-topology-missing-0.4.64.txt");
  ASSERT_EQ(s.kernel.firmware.size(), 1u);
  EXPECT_EQ(s.kernel.firmware[0].path, "9dc8-ACRSYS-ACRPRDCT-2-tplg.bin");
  EXPECT_FALSE(s.kernel.firmware[0].present);
  // The controller is the DSP driver's: its lines in the log name it ("snd_soc_skl 0000:00:1f.3: ...").
  const AudioController* dsp = controller(s, "0000:00:1f.3");
  ASSERT_NE(dsp, nullptr);
  EXPECT_EQ(dsp->driver, "snd_soc_skl");
  EXPECT_EQ(dsp->product_id, "9dc8");
  EXPECT_EQ(card(s, 0)->alsa_driver, "hda-dsp");
  EXPECT_EQ(s.distribution.id, "ubuntu");
  // Its card sits on a platform device ("platform-skl_hda_dsp_generic -> ../controlC0"), so the DSP
  // controller is not taken for one without a card.
  EXPECT_TRUE(s.kernel.cardless.empty());
}

// --- HP 15z (alsa-devel, 0.4.63), quoted in a reply with "> " ---

TEST(AlsaInfo, QuotedDumpInAReply) {
  const SystemSnapshot s = dump("hp-15z-alc236-quoted-0.4.63.txt");
  EXPECT_EQ(s.kernel.release, "6.3.6-2023jun07both");
  ASSERT_EQ(s.kernel.cards.size(), 2u);
  EXPECT_EQ(card(s, 1)->id, "Generic_1");
  EXPECT_EQ(card(s, 1)->address, "0000:03:00.6");
  EXPECT_EQ(card(s, 1)->vendor_id, "1022");
  const MixerElement* capture = element(s, 1, "Capture");
  ASSERT_NE(capture, nullptr);
  EXPECT_EQ(capture->volume->values, (std::vector<long>{39, 39}));
  EXPECT_EQ(capture->volume->db, (std::vector<double>{12.0, 12.0}));
  EXPECT_TRUE(log_has(s, "snd_hda_intel 0000:03:00.1: bound 0000:03:00.0"));
  // The AMD audio processor at 03:00.5 has snd_pci_acp6x bound (its log lines say so) and no card:
  // both cards are the HDA functions 03:00.1 and 03:00.6 (/dev/snd/by-path).
  ASSERT_EQ(s.kernel.cardless.size(), 1u);
  EXPECT_EQ(s.kernel.cardless[0].address, "0000:03:00.5");
  EXPECT_EQ(s.kernel.cardless[0].driver, "snd_pci_acp6x");
  // The ALC236's page ends in "Invalid AFG subtree": the codec is there, its pins are not.
  ASSERT_NE(codec(s, "0x10ec0236"), nullptr);
  EXPECT_TRUE(codec(s, "0x10ec0236")->pins.empty());
  // The quote ends where the reply's own words start: they are not log lines.
  const SystemSnapshot replied = snapshot_from_alsa_info(fixture("hp-15z-alc236-quoted-0.4.63.txt") +
                                                         "\nWhen you load snd-hda-intel with model=,generic...\n> [ 9.9] quoted later\n");
  EXPECT_EQ(replied.kernel.log.lines, s.kernel.log.lines);
}

// --- What is not a dump ---

TEST(AlsaInfo, NotADumpIsRefusedInOneLine) {
  for (const std::string& text : {std::string(), std::string("hello\nworld\n"), std::string("{\"schema\": \"micdoctor.check/1\"}"),
                                 std::string("!!Amixer output\n!!-------------\n")}) {
    try {
      (void)snapshot_from_alsa_info(text);
      ADD_FAILURE() << "accepted: " << text;
    } catch (const AlsaInfoError& e) {
      EXPECT_NE(std::string(e.what()).find("not an alsa-info dump"), std::string::npos);
      EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos);
    }
  }
  EXPECT_THROW((void)snapshot_from_alsa_info(std::string("!!ALSA Information Script v 0.5.3\n") + std::string(3, '\0')), AlsaInfoError);
  EXPECT_THROW((void)snapshot_from_alsa_info(std::string(alsainfo::kMaxDumpBytes + 1, 'a')), AlsaInfoError);
}

TEST(AlsaInfo, HostileLinesStayFast) {
  // Lines of '&', '[' and wrapped continuations, megabytes long: read in linear time (a quadratic
  // scan would take minutes here), refused or read, never hung.
  const std::string header = "!!ALSA Information Script v 0.5.3\n!!ALSA/HDA dmesg\n!!--------------\n[ 1.0] a\n";
  for (const char c : {'&', '[', 'x'}) {
    const SystemSnapshot s = snapshot_from_alsa_info(header + std::string(4u << 20, c) + "\n");
    // A line of '[' starts a log line of its own; the others continue "[ 1.0] a".
    ASSERT_EQ(s.kernel.log.lines.size(), c == '[' ? 2u : 1u);
    EXPECT_LE(s.kernel.log.lines.back().size(), 1000u);
  }
}

TEST(AlsaInfo, FirmwareMissingCountsOnlySoundFirmware) {
  // grep -C1 brings Wi-Fi and Bluetooth neighbours into the dmesg section: their
  // failed loads are normal (iwlwifi tries several versions) and not ours.
  const std::string text =
      "!!ALSA Information Script v 0.5.3\n!!ALSA/HDA dmesg\n!!--------------\n"
      "[    6.520095] iwlwifi 0000:00:0c.0: Direct firmware load for iwlwifi-9000-pu-b0-jf-b0-46.ucode failed with error -2\n"
      "[    6.611000] bluetooth hci0: Direct firmware load for rtl_bt/rtl8822cu_config.bin failed with error -2\n"
      "[    7.100000] snd_soc_skl 0000:00:1f.3: Direct firmware load for dfw_sst.bin failed with error -2\n"
      "--\n"
      "[    8.907000] sof-audio-pci-intel-apl 0000:00:0e.0: Direct firmware load for intel/sof/community/sof-glk.ri failed with error -2\n";
  const SystemSnapshot s = snapshot_from_alsa_info(text);
  std::vector<std::string> paths;
  for (const FirmwareFile& f : s.kernel.firmware) paths.push_back(f.path);
  EXPECT_EQ(paths, (std::vector<std::string>{"dfw_sst.bin", "intel/sof/community/sof-glk.ri"}));
}

TEST(AlsaInfo, LongDmesgKeepsTheProbeAndTheNewest) {
  std::string text = "!!ALSA Information Script v 0.5.3\n!!ALSA/HDA dmesg\n!!--------------\n"
                     "[    4.862011] sof-audio-pci-intel-tgl 0000:00:1f.3: DMICs detected in NHLT tables: 2\n";
  for (int i = 0; i < 2000; ++i) {
    text += "[ " + std::to_string(100 + i) + ".5] Bluetooth: hci0: ACL packet for unknown connection handle " +
            std::to_string(i) + "\n";
  }
  text += "[ 9000.1] snd_hda_intel 0000:00:1f.3: the newest\n";
  const SystemSnapshot s = snapshot_from_alsa_info(text);
  ASSERT_EQ(s.kernel.log.lines.size(), 600u);
  EXPECT_EQ(s.kernel.log.lines.front(), "[    4.862011] sof-audio-pci-intel-tgl 0000:00:1f.3: DMICs detected in NHLT tables: 2");
  EXPECT_EQ(s.kernel.log.lines.back(), "[ 9000.1] snd_hda_intel 0000:00:1f.3: the newest");
}

TEST(AlsaInfo, CutShortDumpReadsAsFarAsItGoes) {
  const std::string whole = fixture("medion-capture-off-0.4.64.txt");
  // Cut inside the amixer output, in the middle of the Capture element's lines.
  const std::size_t cut = whole.find("  Front Right: Capture 31");
  ASSERT_NE(cut, std::string::npos);
  const SystemSnapshot s = snapshot_from_alsa_info(whole.substr(0, cut));
  ASSERT_EQ(s.kernel.cards.size(), 1u);
  ASSERT_EQ(s.kernel.codecs.size(), 2u);
  const MixerElement* capture = element(s, 0, "Capture");
  ASSERT_NE(capture, nullptr);
  EXPECT_EQ(capture->capture_switch, (std::vector<bool>{false}));  // the one channel that is there
  EXPECT_FALSE(s.kernel.log.read);  // the dmesg section never came
  // A dump whose top is missing still reads from its section titles.
  const SystemSnapshot tail = snapshot_from_alsa_info(whole.substr(whole.find("!!Soundcards recognised by ALSA")));
  ASSERT_EQ(tail.kernel.cards.size(), 1u);
  EXPECT_EQ(tail.kernel.cards[0].id, "PCH");
}

TEST(AlsaInfo, BbcodeAndIndentedPaste) {
  std::string pasted = "[code]";
  std::istringstream in(fixture("medion-capture-off-0.4.64.txt"));
  for (std::string line; std::getline(in, line);) pasted += "    " + line + "\n";
  pasted += "[/code]\n";
  const SystemSnapshot s = snapshot_from_alsa_info(pasted);
  const MixerElement* capture = element(s, 0, "Capture");
  ASSERT_NE(capture, nullptr);
  EXPECT_EQ(capture->capture_switch, (std::vector<bool>{false, false}));
  EXPECT_EQ(s.kernel.cards.at(0).long_name, "HDA Intel PCH at 0xa1110000 irq 133");
}

// --- amixer's text on its own ---

TEST(AmixerText, ElementsOfEveryShape) {
  const std::vector<std::string> lines = {
      "!!-------Mixer controls for card PCH",
      "",
      "Card hw:0 'PCH'/'HDA Intel PCH at 0xf7f10000 irq 33'",
      "  Mixer name\t: 'Realtek ALC256'",
      "  Components\t: 'HDA:10ec0256,10280798,00100002 HDA:8086280b,80860101,00100000'",
      "Simple mixer control 'Master',0",
      "  Capabilities: pvolume pvolume-joined pswitch pswitch-joined",
      "  Playback channels: Mono",
      "  Limits: Playback 0 - 87",
      "  Mono: Playback 87 [100%] [0.00dB] [on]",
      "Simple mixer control 'Capture',0",
      "  Capabilities: cvolume cswitch",
      "  Capture channels: Front Left - Front Right",
      "  Limits: Capture 0 - 63",
      "  Front Left: Capture 39 [62%] [12.00dB] [on]",
      "  Front Right: Capture 39 [62%] [12.00dB] [on]",
      "Simple mixer control 'Capture Source',0",
      "  Capabilities: cenum",
      "  Items: 'Mic' 'Headset Mic' 'Internal Mic'",
      "  Item0: 'Internal Mic'",
      "Simple mixer control 'Mic',0",
      "  Capabilities: pvolume pswitch cswitch cswitch-exclusive",
      "  Capture exclusive group: 0",
      "  Playback channels: Front Left - Front Right",
      "  Capture channels: Front Left - Front Right",
      "  Limits: Playback 0 - 31",
      "  Front Left: Playback 0 [0%] [-34.50dB] [off] Capture [on]",
      "  Front Right: Playback 0 [0%] [-34.50dB] [off] Capture [on]",
  };
  const std::vector<alsainfo::AmixerCard> cards = alsainfo::parse_amixer_output(lines);
  ASSERT_EQ(cards.size(), 1u);
  const AlsaMixer& mixer = cards[0].mixer;
  EXPECT_EQ(mixer.card, 0);
  EXPECT_EQ(mixer.card_id, "PCH");
  EXPECT_TRUE(mixer.read);
  EXPECT_EQ(cards[0].hda_codecs, (std::vector<std::string>{"10ec0256", "8086280b"}));
  ASSERT_EQ(mixer.elements.size(), 4u);
  EXPECT_FALSE(mixer.elements[0].volume.has_value());  // a playback volume is not the microphone's
  EXPECT_TRUE(mixer.elements[0].capture_switch.empty());
  EXPECT_EQ(mixer.elements[1].volume->values, (std::vector<long>{39, 39}));
  EXPECT_FALSE(mixer.elements[1].volume->db_min.has_value());  // amixer prints no dB range
  EXPECT_EQ(mixer.elements[2].enum_items, (std::vector<std::string>{"Mic", "Headset Mic", "Internal Mic"}));
  EXPECT_EQ(mixer.elements[2].enum_selected, "Internal Mic");
  EXPECT_FALSE(mixer.elements[3].volume.has_value());
  EXPECT_EQ(mixer.elements[3].capture_switch, (std::vector<bool>{true, true}));  // "Capture [on]" after the playback part
}

TEST(AmixerText, AmixerThatFailedSaysWhy) {
  const std::vector<std::string> lines = {
      "!!-------Mixer controls for card Intel",
      "",
      "ALSA lib control.c:1529:(snd_ctl_open_noupdate) Invalid CTL sysdefault:0",
      "amixer: Control device sysdefault:0 open error: Invalid argument",
  };
  const std::vector<alsainfo::AmixerCard> cards = alsainfo::parse_amixer_output(lines);
  ASSERT_EQ(cards.size(), 1u);
  EXPECT_FALSE(cards[0].mixer.read);
  EXPECT_EQ(cards[0].mixer.card_id, "Intel");
  EXPECT_NE(cards[0].mixer.error.find("amixer: Control device sysdefault:0 open error"), std::string::npos);
}

// --- The checks on a dump: no server state, so steps 0, 1 and 3 are not judged ---

TEST(AlsaInfoChecks, ServerStepsNotJudgedAndNoServerFindings) {
  const SystemSnapshot s = dump("pch-alc-healthy-0.4.65.txt");
  const std::vector<Finding> findings = run_alsa_info_checks(s);
  for (const int step : {0, 1, 3}) {
    EXPECT_TRUE(std::any_of(findings.begin(), findings.end(),
                            [&](const Finding& f) { return f.step == step && is_not_judged(f); }))
        << "step " << step;
  }
  for (const Finding& f : findings) {
    EXPECT_NE(f.id, definition(CheckId::server_unreachable).id);
    EXPECT_NE(f.id, definition(CheckId::device_none).id);
  }
}

// The checks that exist today already name a cause in a real dump: the AMD audio processor with its
// driver bound and no card (the HP 15z's internal microphone never appears).
TEST(AlsaInfoChecks, DriverWithoutCardInTheHpDump) {
  const std::vector<Finding> findings = run_alsa_info_checks(dump("hp-15z-alc236-quoted-0.4.63.txt"));
  const auto no_card = std::find_if(findings.begin(), findings.end(), [](const Finding& f) {
    return f.id == definition(CheckId::driver_no_card).id;
  });
  ASSERT_NE(no_card, findings.end());
  EXPECT_EQ(no_card->device, "pci:0000:03:00.5");
  EXPECT_NE(no_card->detail.find("snd_pci_acp6x"), std::string::npos);
}

}  // namespace
}  // namespace micdoctor
