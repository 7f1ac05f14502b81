// Step 4, below the server: the driver chosen for the audio DSP, firmware the
// kernel could not load, UCM for cards that need it, codec pins the firmware
// (BIOS) left unconfigured, and USB power management of a USB microphone.
// Evidence from sysfs, /proc/asound, modprobe.d, the kernel log, or an
// alsa-info dump; where there is none, nothing is said.
#include <algorithm>
#include <cstdio>

#include "checks/capture_path.hpp"
#include "checks/checks.hpp"
#include "checks/install_command.hpp"

namespace micdoctor::checks {
namespace {


// ---- driver.dmic_needs_sof -------------------------------------------------

// Intel's PCI class for an audio controller with a DSP: 0x0401xx (multimedia
// audio, DSP enabled) or 0x040380 (HD Audio with prog-if 0x80: DSP present).
// A plain 0x0403xx is an HD Audio controller without DSP.
bool intel_dsp_class(const std::string& pci_class) {
  return pci_class.starts_with("0401") || (pci_class.starts_with("0403") && pci_class.size() == 6 &&
                                            pci_class.substr(4) == "80");
}

// "DMICs detected in NHLT tables: 2" (SOF, intel-nhlt), or snd_intel_dspcfg's
// and older snd_hda_intel's "Digital mics found on Skylake+ platform, ...".
std::string dmic_log_line(const KernelLog& log) {
  for (const std::string& line : log.lines) {
    if (contains(line, "Digital mics found")) return line;
    const std::size_t at = line.find("DMICs detected in NHLT tables: ");
    if (at != std::string::npos) {
      int count = 0;
      if (std::sscanf(line.c_str() + at + 31, "%d", &count) == 1 && count > 0) return line;
    }
  }
  return "";
}

const ModuleOption* find_option(const KernelState& k, const std::string& module, const std::string& name,
                                const std::string& value) {
  for (const ModuleOption& o : k.module_options) {
    if (o.module == module && o.name == name && o.value == value) return &o;
  }
  return nullptr;
}

const ModuleParameter* find_parameter(const KernelState& k, const std::string& module, const std::string& name) {
  for (const ModuleParameter& p : k.module_parameters) {
    if (p.module == module && p.name == name) return &p;
  }
  return nullptr;
}

// The exact way to take an option back out, where it is set.
std::string remove_option_step(const ModuleOption& option, const Distribution& distribution) {
  const std::string dashed = [&] {
    std::string m = option.module;
    std::replace(m.begin(), m.end(), '_', '-');
    return m;
  }();
  if (option.file == "/proc/cmdline") {
    const std::string arg = option.module + "." + option.name + "=" + option.value;
    switch (package_family(distribution)) {
      case PackageFamily::fedora:
        return "Remove " + arg + " from the kernel command line: sudo grubby --update-kernel=ALL --remove-args=" + arg;
      case PackageFamily::debian:
        return "Remove " + arg + " from GRUB_CMDLINE_LINUX_DEFAULT in /etc/default/grub (sudo nano /etc/default/grub), "
               "then: sudo update-grub";
      case PackageFamily::arch:
        return "Remove " + arg + " from GRUB_CMDLINE_LINUX_DEFAULT in /etc/default/grub, then: sudo grub-mkconfig -o "
               "/boot/grub/grub.cfg (or from your boot loader's entry, e.g. systemd-boot's /boot/loader/entries)";
      case PackageFamily::suse:
        return "Remove " + arg + " from GRUB_CMDLINE_LINUX_DEFAULT in /etc/default/grub, then: sudo grub2-mkconfig -o "
               "/boot/grub2/grub.cfg";
      case PackageFamily::unknown: break;
    }
    return "Remove " + arg + " from the kernel command line in your boot loader's configuration";
  }
  return "Delete (or comment out with #) the line \"options " + dashed + " " + option.name + "=" + option.value +
         "\" in " + option.file + ": sudo nano " + shell_quote(option.file);
}

// Why the legacy driver runs: an option forcing it, in a file or on the
// kernel command line; or the parameter alone (set where we could not see).
struct LegacyCause {
  const ModuleOption* option = nullptr;
  bool parameter_forced = false;
  std::string words;
};

LegacyCause legacy_cause(const KernelState& k) {
  LegacyCause cause;
  cause.option = find_option(k, "snd_intel_dspcfg", "dsp_driver", "1");
  if (cause.option == nullptr) cause.option = find_option(k, "snd_hda_intel", "dmic_detect", "0");
  const ModuleParameter* parameter = find_parameter(k, "snd_intel_dspcfg", "dsp_driver");
  cause.parameter_forced = parameter != nullptr && parameter->value == "1";
  if (cause.option != nullptr) {
    cause.words = " The option " + cause.option->module + " " + cause.option->name + "=" + cause.option->value +
                  " in " + cause.option->file + " forces the legacy driver.";
  } else if (cause.parameter_forced) {
    cause.words = " snd_intel_dspcfg's dsp_driver is 1 (/sys/module/snd_intel_dspcfg/parameters/dsp_driver): the "
                  "legacy driver is forced, by a setting micdoctor could not find.";
  } else {
    cause.words = " Nothing forces it: this kernel chose the legacy driver by itself (it may lack SOF, or not know "
                  "this model).";
  }
  return cause;
}

// An analogue microphone built into the codec: a fixed Mic In pin.
bool has_builtin_analog_mic(const KernelState& k);

void intel_dmic(const CheckInput& input, const AudioController& c, std::vector<Finding>& out) {
  const KernelState& k = input.snapshot.kernel;
  const std::string log_line = dmic_log_line(k.log);
  const LegacyCause cause = legacy_cause(k);
  const bool forced = cause.option != nullptr || cause.parameter_forced;
  // An NHLT table alone is no evidence: many laptops have one without a DMIC
  // endpoint (that is why snd_intel_dspcfg chose the legacy driver). The
  // kernel's own "DMICs detected" line is. With the legacy driver forced, the
  // kernel never looks for DMICs, so the log is silent: codecs that describe
  // no built-in analogue microphone are then the evidence (a laptop's
  // built-in microphone is a digital one on the DSP). Without any NHLT table
  // the firmware describes no DMIC for SOF either.
  const bool codec_has_no_builtin_mic = forced && k.acpi_nhlt != std::optional<bool>(false) && !k.codecs.empty() &&
                                        !has_builtin_analog_mic(k);
  if (log_line.empty() && !codec_has_no_builtin_mic) return;
  std::string evidence = "The Intel audio controller " + c.vendor_id + ":" + c.product_id + " at " + c.address +
                         " (PCI class 0x" + c.pci_class + ") has an audio DSP, and " +
                         (!log_line.empty()
                              ? "the kernel log says it has digital microphones: \"" + log_line + "\""
                              : "no codec describes a built-in analogue microphone (no fixed Mic In pin), so the "
                                "built-in microphone is almost certainly a digital one on the DSP") +
                         ". Such microphones only work through the DSP with the SOF driver, but the legacy HD-Audio "
                         "driver snd_hda_intel runs it." + cause.words;
  Finding f = make_check_finding(CheckId::driver_dmic_needs_sof, forced ? Severity::error : Severity::warning,
                                 "The built-in microphone needs another driver (SOF), but the old one runs",
                                 "The headset jack can work like this, the built-in microphone cannot. " + evidence,
                                 "pci:" + c.address);
  if (cause.option != nullptr) f.manual_steps.push_back(remove_option_step(*cause.option, input.snapshot.distribution));
  if (!forced && !log_line.empty()) {  // only with the kernel's own word that DMICs exist
    f.manual_steps.push_back("Ask for SOF explicitly: echo 'options snd-intel-dspcfg dsp_driver=3' | sudo tee "
                             "/etc/modprobe.d/micdoctor-sof.conf");
  }
  f.manual_steps.push_back(install_step(input.snapshot.distribution, SystemPackage::sof_firmware));
  f.manual_steps.push_back(install_step(input.snapshot.distribution, SystemPackage::ucm_conf) +
                           "  (the SOF card needs them to name its microphones)");
  f.manual_steps.push_back("Reboot: the driver is chosen at boot. Afterwards the card is called sof-hda-dsp (see "
                           "micdoctor check), with the built-in microphone as its own input.");
  out.push_back(std::move(f));
}

// AMD laptops route digital microphones through the ACP (PCI class 0x0480,
// 1022:15e2), beside the HD-Audio controller that serves the jacks.
bool is_amd_acp(const AudioController& c) {
  return c.bus == "pci" && c.vendor_id == "1022" && (c.pci_class.starts_with("0480") || c.product_id == "15e2");
}

bool is_cardless(const KernelState& k, const std::string& address) {
  return std::any_of(k.cardless.begin(), k.cardless.end(),
                     [&](const CardlessAudioDevice& d) { return d.address == address; });
}

// An analogue microphone built into the codec: a fixed Mic In pin.
bool has_builtin_analog_mic(const KernelState& k) {
  for (const Codec& codec : k.codecs) {
    for (const CodecPin& pin : codec.pins) {
      if (pin_connectivity(pin.pin_default) == PinConnectivity::fixed && pin_device_type(pin.pin_default) == kPinDeviceMicIn) {
        return true;
      }
    }
  }
  return false;
}

// SMBIOS chassis types of laptops, notebooks, sub-notebooks, convertibles
// and detachables (DMTF DSP0134, 7.4.1).
bool is_portable(const KernelState& k) {
  if (!k.chassis_type) return false;
  const int t = *k.chassis_type;
  return t == 8 || t == 9 || t == 10 || t == 14 || t == 31 || t == 32;
}

void amd_dmic(const CheckInput& input, const AudioController& c, std::vector<Finding>& out) {
  const KernelState& k = input.snapshot.kernel;
  const bool unbound = c.driver.empty();
  if (!unbound && !is_cardless(k, c.address)) return;  // a card came of it
  if (has_builtin_analog_mic(k)) return;               // the built-in microphone is analogue, on the codec
  // Every Ryzen APU has the ACP; its drivers decline it where the firmware
  // describes no DMIC (ACPI _WOV), so it is unbound on every desktop, whose
  // codec has jack microphones only. Only a laptop (or the kernel's own word)
  // has built-in microphones to miss; an unknown chassis says nothing.
  if (!is_portable(k) && dmic_log_line(k.log).empty()) return;
  Finding f = make_check_finding(
      CheckId::driver_dmic_needs_sof, Severity::warning,
      "The built-in microphone's audio processor (AMD ACP) has no working driver",
      "The AMD audio coprocessor " + c.vendor_id + ":" + c.product_id + " at " + c.address + " (PCI class 0x" +
          c.pci_class + ") " + (unbound ? "has no driver bound" : "has the driver " + c.driver + " but made no card") +
          ", and no codec describes an analogue built-in microphone: on AMD laptops the built-in digital "
          "microphones come through the ACP, so they cannot appear.",
      "pci:" + c.address);
  f.manual_steps.push_back("See what the kernel said: sudo dmesg | grep -i -e acp -e dmic");
  f.manual_steps.push_back("A newer kernel brings ACP support for more models (Renoir since 5.11, Rembrandt since "
                           "5.19, each laptop model listed by the kernel); newer models use SOF on the ACP. " +
                           install_step(input.snapshot.distribution, SystemPackage::sof_firmware) + ", then reboot.");
  out.push_back(std::move(f));
}

// ---- firmware.missing ------------------------------------------------------

bool is_sof_file(const std::string& path) {
  return path.starts_with("intel/sof") || path.starts_with("amd/sof") || path.starts_with("imx/sof") ||
         path.starts_with("mediatek/sof");
}

std::string log_line_naming(const KernelLog& log, const std::string& path) {
  for (const std::string& line : log.lines) {
    if (contains(line, path)) return line;
  }
  return "";
}

// ---- driver.ucm_missing ----------------------------------------------------

// A card of the SOF driver, by its ALSA driver name ("sof-hda-dsp",
// "sof-soundwire", "sof-essx8336"), its kernel driver ("sof-audio-pci-intel-tgl")
// or module (snd_sof_pci_intel_tgl): never by a name that merely contains
// "sof" ("Microsoft LifeCam").
bool is_sof_card(const KernelCard& card) {
  for (const std::string* text : {&card.alsa_driver, &card.driver, &card.module}) {
    const std::string lower = lowercase(*text);
    if (lower.starts_with("sof-") || lower.starts_with("sof_") || lower.starts_with("snd_sof") ||
        lower.starts_with("snd-sof")) {
      return true;
    }
  }
  return false;
}

// A card of AMD's ACP (the digital microphones of AMD laptops): ALSA driver
// "acp", "acp6x", "acp63"; modules snd_acp*, snd_soc_acp*, snd_rn_pci_acp3x,
// snd_pci_acp*.
bool is_acp_card(const KernelCard& card) {
  if (lowercase(card.alsa_driver).starts_with("acp")) return true;
  for (const std::string* text : {&card.driver, &card.module}) {
    const std::string lower = lowercase(*text);
    for (const char* prefix : {"snd_acp", "snd-acp", "snd_soc_acp", "snd-soc-acp", "snd_rn_pci_acp", "snd_pci_acp",
                               "snd-pci-acp"}) {
      if (lower.starts_with(prefix)) return true;
    }
  }
  return false;
}

// SOF and other DSP cards split their devices (built-in microphones, headset,
// HDMI) in ways only a UCM configuration explains to the server; plain
// HD-Audio and USB cards work without one.
bool needs_ucm(const KernelCard& card) { return is_sof_card(card); }

// ---- codec.mic_pin_unconfigured --------------------------------------------


std::string hex_nid(int nid) {
  char text[16];
  std::snprintf(text, sizeof text, "0x%02x", nid);
  return text;
}

// snd-hda-intel model= hints that are known to describe the headset
// microphone of such codecs (sound/pci/hda/patch_realtek.c).
std::string known_model_hint(const Codec& codec) {
  const bool realtek = codec.vendor_id.starts_with("0x10ec");
  const bool dell = codec.subsystem_id.starts_with("0x1028");
  if (realtek && dell) return "dell-headset-multi";
  return "";
}

std::string tools_package(const Distribution& distribution) {
  switch (package_family(distribution)) {
    case PackageFamily::debian: return "sudo apt install alsa-tools-gui";
    case PackageFamily::fedora: return "sudo dnf install alsa-tools";
    case PackageFamily::arch: return "sudo pacman -S alsa-tools";
    case PackageFamily::suse: return "sudo zypper install alsa-tools-gui";
    case PackageFamily::unknown: break;
  }
  return "install alsa-tools (alsa-tools-gui on some distributions)";
}

// Evidence that the built-in microphones are digital ones beside the codec:
// the kernel's "DMICs detected" line, a SOF or ACP card actually present, a
// DMIC capture device or mixer element. A DSP-class controller or an NHLT
// table alone is not: nearly every modern Intel laptop has them, DMIC or not.
bool has_dmic_elsewhere(const SystemSnapshot& s) {
  const KernelState& k = s.kernel;
  if (!dmic_log_line(k.log).empty()) return true;
  for (const KernelCard& card : k.cards) {
    if (is_sof_card(card) || is_acp_card(card)) return true;
  }
  for (const AlsaCaptureDevice& d : s.alsa_capture) {
    if (contains(d.name, "DMIC") || contains(d.name, "Dmic")) return true;
  }
  for (const AlsaMixer& m : k.mixers) {
    for (const MixerElement& e : m.elements) {
      if (e.name.starts_with("Dmic") || e.name.starts_with("DMIC")) return true;
    }
  }
  return false;
}

// ---- usb.autosuspend -------------------------------------------------------

// A USB vendor or product id as sysfs gives it: four lowercase hex digits.
bool is_usb_id(const std::string& id) {
  return id.size() == 4 && std::all_of(id.begin(), id.end(), [](char ch) {
           return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f');
         });
}

// A USB device's sysfs name: bus-port[.port...] ("1-2", "3-1.4.2").
bool is_usb_device_path(const std::string& device) {
  return !device.empty() && std::all_of(device.begin(), device.end(), [](char ch) {
           return (ch >= '0' && ch <= '9') || ch == '.' || ch == '-';
         }) && device.find('-') != std::string::npos;
}

}  // namespace

void check_dsp_driver(const CheckInput& input, std::vector<Finding>& out) {
  const KernelState& k = input.snapshot.kernel;
  for (const AudioController& c : k.controllers) {
    if (c.bus == "pci" && c.vendor_id == "8086" && intel_dsp_class(c.pci_class) && c.driver == "snd_hda_intel") {
      intel_dmic(input, c, out);
    } else if (is_amd_acp(c)) {
      amd_dmic(input, c, out);
    }
  }
}

namespace {

// "... tplg fw X load failed with -2, falling back to dfw_sst.bin": the file
// the driver used instead of a missing one, or "" when it said none.
std::string fallback_for(const KernelLog& log, const std::string& path) {
  constexpr std::string_view marker = "falling back to ";
  for (const std::string& line : log.lines) {
    const std::size_t at = line.find(marker);
    if (at == std::string::npos || line.find(path) == std::string::npos) continue;
    std::string fallback = line.substr(at + marker.size());
    fallback = fallback.substr(0, fallback.find_first_of(" \t,"));
    if (!fallback.empty()) return fallback;
  }
  return "";
}

}  // namespace

void check_firmware(const CheckInput& input, std::vector<Finding>& out) {
  const KernelState& k = input.snapshot.kernel;
  std::vector<const FirmwareFile*> missing;
  for (const FirmwareFile& file : k.firmware) {
    if (!file.present) missing.push_back(&file);
  }
  if (missing.empty()) return;
  const bool sof = std::any_of(missing.begin(), missing.end(), [](const FirmwareFile* f) { return is_sof_file(f->path); });
  const bool other = std::any_of(missing.begin(), missing.end(), [](const FirmwareFile* f) { return !is_sof_file(f->path); });
  std::string files;
  for (const FirmwareFile* file : missing) files += (files.empty() ? "" : ", ") + file->path;
  const std::string line = log_line_naming(k.log, missing.front()->path);
  // A driver that names a generic file it fell back to goes on and makes its
  // card: the microphones may still be missing from the generic description.
  std::string fallbacks;
  bool every_one_fell_back = true;
  for (const FirmwareFile* file : missing) {
    const std::string fallback = fallback_for(k.log, file->path);
    if (fallback.empty()) every_one_fell_back = false;
    else fallbacks += (fallbacks.empty() ? "" : ", ") + fallback;
  }
  const std::string consequence =
      every_one_fell_back
          ? " The driver fell back to the generic " + fallbacks + " and went on, so the card works, but the generic "
            "file may not describe this computer's microphones (the built-in one can be missing)."
          : " Without it the driver stops, and the microphones it serves never appear.";
  Finding f = make_check_finding(
      CheckId::firmware_missing, every_one_fell_back ? Severity::warning : Severity::error,
      every_one_fell_back ? "The sound driver is missing this computer's own firmware file and uses a generic one"
                          : "The sound driver is missing a firmware file it needs",
      "The kernel asked for " + files + " in /lib/firmware and did not find " +
          (missing.size() == 1 ? "it" : "them") + (line.empty() ? "." : ": \"" + line + "\".") + consequence,
      missing.front()->path);
  const Distribution& d = input.snapshot.distribution;
  if (sof) f.manual_steps.push_back(install_step(d, SystemPackage::sof_firmware));
  if (other) f.manual_steps.push_back(install_step(d, SystemPackage::linux_firmware));
  f.manual_steps.push_back("If the package is installed already, the file is newer than it: update the package (and "
                           "the kernel), or see the SOF project's releases for this file.");
  f.manual_steps.push_back("Reboot: the driver loads its firmware when it starts.");
  out.push_back(std::move(f));
}

void check_ucm(const CheckInput& input, std::vector<Finding>& out) {
  const KernelState& k = input.snapshot.kernel;
  for (const KernelCard& card : k.cards) {
    // With no ucm2 directory at all the reader looks for no card's
    // configuration (ucm_config_found stays unset): none is found.
    const bool none_installed = k.ucm_installed.has_value() && !*k.ucm_installed;
    const bool not_found = none_installed || (card.ucm_config_found.has_value() && !*card.ucm_config_found);
    if (!not_found || !needs_ucm(card)) continue;
    const std::string driver = card.alsa_driver.empty() ? card.driver : card.alsa_driver;
    Finding f = make_check_finding(
        CheckId::driver_ucm_missing, Severity::error, "The sound card lacks the configuration that names its microphones",
        "Card " + std::to_string(card.number) + " (" + card.id + ", " + driver + ") is a DSP card: the sound server "
        "needs a UCM configuration to know which of its devices is the built-in microphone, the headset and HDMI. " +
            (none_installed ? std::string("No UCM configurations are installed at all (no ucm2 directory).")
                            : "The installed UCM configurations (alsa-ucm-conf) have none for \"" + card.id +
                                  "\": the package is older than this card's support."),
        "card" + std::to_string(card.number));
    f.manual_steps.push_back(none_installed ? install_step(input.snapshot.distribution, SystemPackage::ucm_conf)
                                            : install_step(input.snapshot.distribution, SystemPackage::ucm_conf) +
                                                  "  (or update it: the newest version knows the most cards)");
    f.manual_steps.push_back("Then restart the sound server, no reboot needed: systemctl --user restart wireplumber "
                             "pipewire pipewire-pulse  (PulseAudio: pulseaudio -k)");
    out.push_back(std::move(f));
  }
}

void check_codec_pins(const CheckInput& input, std::vector<Finding>& out) {
  const KernelState& k = input.snapshot.kernel;
  for (const Codec& codec : k.codecs) {
    // The codec page shows the BIOS's pin defaults even where the driver's
    // own fixup added the microphone (a healthy Dell XPS 13 9360 shows its
    // headset-mic pin 0x19 as [N/A] beside a working "Headset Mic"): only the
    // card's mixer tells whether the driver made a microphone input.
    const AlsaMixer* mixer = nullptr;
    for (const AlsaMixer& m : k.mixers) {
      if (m.card == codec.card && m.read) mixer = &m;
    }
    if (mixer == nullptr) continue;
    bool driver_made_jack_mic = false;
    bool driver_made_mic = false;
    for (const MixerElement& e : mixer->elements) {
      const std::string input_name = input_of(e.name);
      if (!is_microphone_input(input_name)) continue;
      driver_made_mic = true;
      if (!contains(input_name, "Internal") && !contains(input_name, "Int ") && !input_name.starts_with("Dmic")) {
        driver_made_jack_mic = true;
      }
    }
    bool mic_pin = false;
    bool mic_jack_pin = false;
    bool headphone_jack = false;
    std::vector<const CodecPin*> unconfigured;
    const CodecPin* headset_pin = nullptr;  // Realtek's headset-mic pin, 0x19
    for (const CodecPin& pin : codec.pins) {
      const PinConnectivity connectivity = pin_connectivity(pin.pin_default);
      const unsigned device = pin_device_type(pin.pin_default);
      if (connectivity == PinConnectivity::jack && device == kPinDeviceHeadphoneOut) headphone_jack = true;
      if (!pin.input_capable) continue;
      if (connectivity == PinConnectivity::none) {
        unconfigured.push_back(&pin);
        if (pin.nid == 0x19) headset_pin = &pin;
      } else if (device == kPinDeviceMicIn) {
        mic_pin = true;
        if (connectivity != PinConnectivity::fixed) mic_jack_pin = true;
      }
    }
    // No microphone described at all; or a Realtek combo jack (a headphone
    // jack) whose headset-mic pin 0x19 is left [N/A] with no microphone jack.
    // Where the built-in microphone is a digital one on a DSP, the codec is
    // right to describe none: only its jack can be missing a microphone.
    const bool no_mic = !mic_pin && !unconfigured.empty() && !driver_made_mic && !has_dmic_elsewhere(input.snapshot);
    const bool realtek = codec.vendor_id.starts_with("0x10ec");
    const bool combo_without_mic = realtek && headphone_jack && !mic_jack_pin && headset_pin != nullptr &&
                                   !driver_made_jack_mic;
    if (!no_mic && !combo_without_mic) continue;
    const std::vector<const CodecPin*> named =
        no_mic ? unconfigured : std::vector<const CodecPin*>{headset_pin};
    std::string pins;
    for (const CodecPin* pin : named) {
      pins += (pins.empty() ? "" : ", ") + hex_nid(pin->nid) + " (Pin Default " + pin_default_text(pin->pin_default) + ")";
    }
    const std::string what =
        no_mic ? "describes no microphone at all: the BIOS marks its input pins " + pins +
                     " as not connected ([N/A]), and the driver made no microphone input"
               : "has a headphone jack but no microphone jack: the BIOS marks its headset-microphone pin " + pins +
                     " as not connected ([N/A]), and the driver made no headset microphone, so a headset's "
                     "microphone in that jack is never heard";
    const std::string hint = known_model_hint(codec);
    Finding f = make_check_finding(
        CheckId::codec_mic_pin_unconfigured, Severity::warning,
        "The computer's firmware does not tell the sound chip where the microphone is",
        "The codec " + codec.name + " (" + codec.vendor_id + ", subsystem " + codec.subsystem_id + ") on card " +
            std::to_string(codec.card) + " " + what + ".",
        "card" + std::to_string(codec.card));
    if (!hint.empty()) {
      f.manual_steps.push_back("Tell the driver the model (known for this codec and maker): echo 'options snd-hda-intel "
                               "model=" + hint + "' | sudo tee /etc/modprobe.d/micdoctor-headset.conf, then reboot.");
    }
    f.manual_steps.push_back("Or assign the pin yourself: " + tools_package(input.snapshot.distribution) +
                             ", run hdajackretask, select the codec, set pin " + hex_nid(named.front()->nid) +
                             " to \"Microphone\" (or \"Headset mic\"), \"Apply now\" to try, then \"Install boot "
                             "override\" and reboot.");
    out.push_back(std::move(f));
  }
}

void check_usb_power(const CheckInput& input, std::vector<Finding>& out) {
  const SystemSnapshot& s = input.snapshot;
  for (const int number : capture_card_numbers(input)) {
    const KernelCard* card = kernel_card(s, number);
    if (card == nullptr || card->bus != "usb" || card->usb_power_control != "auto") continue;
    // The USB device, not its interface: "1-2:1.0" -> "1-2".
    const std::string device = card->address.substr(0, card->address.find(':'));
    const std::string delay = card->usb_autosuspend_delay_ms
                                  ? " after " + std::to_string(*card->usb_autosuspend_delay_ms) + " ms idle"
                                  : "";
    Finding f = make_check_finding(
        CheckId::usb_autosuspend, Severity::info, "USB power saving may put the microphone to sleep",
        "Card " + std::to_string(card->number) + " (" + card->id + ", USB " + card->vendor_id + ":" + card->product_id +
            ") has power/control = auto: the kernel may suspend it" + delay + ". That only happens while it is "
            "idle, but some microphones wake up late or click, or drop out.",
        card->address);
    // Pasted into a root shell: only names of the shapes sysfs gives.
    if (is_usb_device_path(device)) {
      f.manual_steps.push_back("Keep it awake until the next reboot: echo on | sudo tee /sys/bus/usb/devices/" + device +
                               "/power/control");
    }
    if (is_usb_id(card->vendor_id) && is_usb_id(card->product_id)) {
      f.manual_steps.push_back("Keep it awake for good, with a udev rule: echo 'ACTION==\"add\", SUBSYSTEM==\"usb\", "
                               "ATTR{idVendor}==\"" + card->vendor_id + "\", ATTR{idProduct}==\"" + card->product_id +
                               "\", ATTR{power/control}=\"on\"' | sudo tee /etc/udev/rules.d/50-micdoctor-usb-audio-power.rules"
                               ", then unplug it and plug it in again (no reboot needed). TLP or powertop can also set "
                               "it back to auto: exclude it there.");
    }
    out.push_back(std::move(f));
  }
}

}  // namespace micdoctor::checks
