#include "alsainfo/alsa_info.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <tuple>
#include <map>
#include <optional>
#include <set>

#include "alsainfo/amixer_text.hpp"
#include "checks/check_catalog.hpp"
#include "checks/run_checks.hpp"
#include "kernel_text/asound_cards.hpp"
#include "kernel_text/codec_page.hpp"
#include "kernel_text/modprobe_conf.hpp"
#include "kernel_text/os_release.hpp"
#include "kernel_text/sound_firmware.hpp"

namespace micdoctor {
namespace {

using alsainfo::DumpSection;
using alsainfo::DumpText;
using alsainfo::join_wrapped;
using alsainfo::trimmed;

// The newest kernel log lines kept (alsa-info's grep with context gives a
// few hundred on a normal boot).
constexpr std::size_t kMaxLogLines = 600;
constexpr std::size_t kMaxControllers = 64;
constexpr std::size_t kMaxCodecs = 32;
constexpr std::size_t kMaxParameters = 512;
constexpr std::size_t kMaxValueChars = 512;

const std::vector<std::string>& lines_of(const DumpText& dump, std::string_view title) {
  static const std::vector<std::string> kNone;
  const DumpSection* section = dump.find(title);
  return section != nullptr ? section->lines : kNone;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string text;
  for (const std::string& line : lines) {
    text += line;
    text += '\n';
  }
  return text;
}

std::optional<int> parse_int(std::string_view text) {
  int value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// "Key:    value" lines of a section.
std::string field(const std::vector<std::string>& lines, std::string_view key) {
  for (const std::string& line : lines) {
    if (line.starts_with(key) && line.size() > key.size() && line[key.size()] == ':') {
      return std::string(trimmed(std::string_view(line).substr(key.size() + 1)));
    }
  }
  return {};
}

// --- Linux Distribution: /etc/issue and the *release files on one line ---

Distribution read_distribution(const DumpText& dump) {
  return kernel_text::parse_os_release(joined(lines_of(dump, "Linux Distribution")));
}

// --- Kernel Information, ALSA Version ---

// "Kernel release: 6.1.0-13-amd64". alsa-info 0.5.3 may print the kernel's
// build line there ("#1 SMP PREEMPT_DYNAMIC ..."); then the ALSA driver
// version, which is the release with a 'k' before it ("k6.10.13-3-MANJARO").
std::string read_kernel_release(const DumpText& dump) {
  const std::string release = field(lines_of(dump, "Kernel Information"), "Kernel release");
  if (!release.empty() && release.front() != '#') return release.substr(0, 200);
  const std::string driver = field(lines_of(dump, "ALSA Version"), "Driver version");
  if (driver.size() > 1 && driver.front() == 'k' && std::isdigit(static_cast<unsigned char>(driver[1]))) {
    return driver.substr(1, 200);
  }
  return {};
}

// --- Loaded ALSA modules: "snd_hda_intel (card 0)"; 0.4.x: the module alone, card by card ---
// Keyed by card number, or (0.4.x) by the card's place in the list, negative: -1 the first.
std::map<int, std::string> read_card_modules(const DumpText& dump) {
  std::map<int, std::string> modules;
  int place = 0;
  for (const std::string& line : lines_of(dump, "Loaded ALSA modules")) {
    const std::string_view text = trimmed(line);
    if (text.empty() || modules.size() >= 64) continue;
    const std::size_t open = text.find(" (card ");
    if (open == std::string_view::npos) {
      if (text.find(' ') == std::string_view::npos) modules[--place] = std::string(text);
      continue;
    }
    const auto card = parse_int(text.substr(open + 7, text.size() - open - 8));
    if (card && *card >= 0 && text.back() == ')') modules[*card] = std::string(text.substr(0, open));
  }
  return modules;
}

// --- Sysfs card info (0.5.x): the driver and device of each card ---
struct SysfsCard {
  std::string bus;      // from "Driver: /sys/bus/pci/drivers/snd_hda_intel"
  std::string driver;
  std::string device;   // "0000:00:1f.3", from the tree's "device -> ../../../0000:00:1f.3"
};

std::map<int, SysfsCard> read_sysfs_cards(const DumpText& dump) {
  std::map<int, SysfsCard> cards;
  int current = -1;
  for (const std::string& line : lines_of(dump, "Sysfs card info")) {
    if (line.starts_with("!!Card: ")) {
      const std::size_t at = line.rfind("/card");
      const auto number = at == std::string::npos ? std::nullopt : parse_int(trimmed(std::string_view(line).substr(at + 5)));
      current = number && *number >= 0 && cards.size() < 64 ? *number : -1;
      if (current >= 0) cards[current];
    } else if (current < 0) {
      continue;
    } else if (line.starts_with("Driver: ")) {
      const std::string_view path = trimmed(std::string_view(line).substr(8));
      const std::size_t bus_at = path.find("/bus/");
      const std::size_t drivers_at = path.find("/drivers/");
      if (bus_at != std::string_view::npos && drivers_at != std::string_view::npos && drivers_at > bus_at) {
        cards[current].bus = std::string(path.substr(bus_at + 5, drivers_at - bus_at - 5));
        cards[current].driver = std::string(path.substr(drivers_at + 9));
      }
    } else if (const std::string_view entry = trimmed(line); entry.starts_with("|-- device -> ") || entry.starts_with("`-- device -> ")) {
      // The card's own entry, not one of a child's ("|   |-- device -> ../../card0").
      const std::string_view target = trimmed(entry.substr(14));
      cards[current].device = std::string(target.substr(target.rfind('/') + 1));
    }
  }
  return cards;
}

// --- PCI Soundcards installed in the system ---

bool is_pci_address(std::string_view text) {
  // "00:1f.3" or "0000:00:1f.3"
  const std::size_t dot = text.find('.');
  if (dot == std::string_view::npos || dot + 2 > text.size()) return false;
  const std::string_view head = text.substr(0, dot);
  return (head.size() == 5 || head.size() == 10) && head[head.size() - 3] == ':' &&
         std::all_of(head.begin(), head.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) || c == ':'; });
}

std::string full_pci_address(std::string_view address) {
  return address.size() == 7 ? "0000:" + std::string(address) : std::string(address);
}

// "[8086:02c8]" anywhere in the text: the last bracketed vendor:device pair.
bool bracketed_ids(std::string_view text, std::string& vendor, std::string& product) {
  for (std::size_t close = text.rfind(']'); close != std::string_view::npos && close >= 10;
       close = close > 0 ? text.rfind(']', close - 1) : std::string_view::npos) {
    const std::string_view ids = text.substr(close - 9, 9);
    if (text[close - 10] == '[' && ids[4] == ':' &&
        std::all_of(ids.begin(), ids.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) || c == ':'; })) {
      vendor = lower(ids.substr(0, 4));
      product = lower(ids.substr(5, 4));
      return true;
    }
    if (close == 0) break;
  }
  return false;
}

AudioController* controller_at(std::vector<AudioController>& controllers, const std::string& address) {
  for (AudioController& c : controllers) {
    if (c.address == address) return &c;
  }
  if (controllers.size() >= kMaxControllers) return nullptr;
  controllers.push_back(AudioController{"pci", address, "", "", "", "", ""});
  return &controllers.back();
}

// 0.5.x: `lspci -vvnn` first two lines of each audio function:
//   00:1f.3 Multimedia audio controller [0401]: Intel Corporation ... [8086:02c8] (rev 30) (prog-if 80)
//   	Subsystem: Fujitsu ... [1e26:0040]
// 0.4.x: "!!Advanced information - PCI Vendor/Device/Subsystem ID's" (`lspci -vvn`):
//   00:1f.3 0403: 8086:9d71 (rev 21)
//   	Subsystem: 1028:07e6
// A full `lspci -k` paste adds "	Kernel driver in use: snd_hda_intel".
void read_lspci(const std::vector<std::string>& section, std::vector<AudioController>& controllers) {
  const std::vector<std::string> lines = join_wrapped(section, [](const std::string& line) {
    return line.front() == '\t' || line.front() == ' ' || line == "--" || is_pci_address(line.substr(0, line.find(' ')));
  });
  AudioController* current = nullptr;
  for (const std::string& line : lines) {
    const std::string_view text = line;
    const std::string_view first = text.substr(0, text.find(' '));
    if (is_pci_address(first)) {
      current = controller_at(controllers, full_pci_address(first));
      if (current == nullptr) break;
      std::string_view rest = text.substr(first.size());
      // The class: "[0401]" (0.5.x) or " 0403:" right after the address (0.4.x).
      std::string pci_class;
      if (const std::size_t open = rest.find(" ["); open != std::string_view::npos && rest.substr(open + 6, 2) == "]:") {
        pci_class = std::string(rest.substr(open + 2, 4));
      } else if (rest.size() > 6 && rest[5] == ':' && std::isxdigit(static_cast<unsigned char>(rest[1]))) {
        pci_class = std::string(rest.substr(1, 4));
        // "8086:9d71" follows the class.
        const std::string_view ids = trimmed(rest.substr(6)).substr(0, 9);
        if (ids.size() == 9 && ids[4] == ':') {
          current->vendor_id = lower(ids.substr(0, 4));
          current->product_id = lower(ids.substr(5, 4));
        }
      }
      if (const std::size_t prog_if = rest.find("(prog-if "); prog_if != std::string_view::npos && !pci_class.empty()) {
        pci_class += std::string(rest.substr(prog_if + 9, 2));
      } else if (!pci_class.empty()) {
        pci_class += "00";
      }
      if (!pci_class.empty()) current->pci_class = lower(pci_class);
      std::string vendor;
      std::string product;
      if (bracketed_ids(rest.substr(0, rest.find(" (rev")), vendor, product)) {
        current->vendor_id = vendor;
        current->product_id = product;
      }
      continue;
    }
    if (current == nullptr) continue;
    const std::string_view inner = trimmed(text);
    if (inner.starts_with("Subsystem:")) {
      std::string vendor;
      std::string product;
      const std::string_view value = trimmed(inner.substr(10));
      if (bracketed_ids(value, vendor, product)) {
        current->subsystem = vendor;
        current->subsystem += ':';
        current->subsystem += product;
      } else if (value.size() == 9 && value[4] == ':') {
        current->subsystem = lower(value);
      }
    } else if (inner.starts_with("Kernel driver in use:")) {
      current->driver = std::string(trimmed(inner.substr(21)).substr(0, 100));
    }
  }
}

// --- Modprobe options: `modprobe -c` lines, "options " cut off ---
std::vector<ModuleOption> read_module_options(const DumpText& dump) {
  std::string conf;
  for (const std::string& line : lines_of(dump, "Modprobe options (Sound related)")) {
    // "snd_intel_dspcfg: dsp_driver=1" → "options snd_intel_dspcfg dsp_driver=1"
    const std::size_t colon = line.find(": ");
    if (colon == std::string::npos || colon == 0 || line.find(' ') < colon) continue;
    conf += "options " + line.substr(0, colon) + " " + line.substr(colon + 2) + "\n";
  }
  return kernel_text::parse_modprobe_conf(conf, "modprobe -c (in the alsa-info dump)");
}

// --- Loaded sound module options: "!!Module: snd_hda_intel" then "\tmodel : dell-headset-multi" ---
std::vector<ModuleParameter> read_module_parameters(const DumpText& dump) {
  std::vector<ModuleParameter> parameters;
  std::string module;
  const std::vector<std::string> lines = join_wrapped(lines_of(dump, "Loaded sound module options"), [](const std::string& l) {
    return l.front() == '\t' || l.front() == ' ' || l.starts_with("!!");
  });
  for (const std::string& line : lines) {
    if (line.starts_with("!!Module: ")) {
      module = kernel_text::with_underscores(trimmed(std::string_view(line).substr(10)));
      continue;
    }
    const std::size_t separator = line.find(" : ");
    if (module.empty() || separator == std::string::npos || parameters.size() >= kMaxParameters) continue;
    const std::string name(trimmed(std::string_view(line).substr(0, separator)));
    if (name.empty() || name == "*") continue;  // a module without parameters: "* : "
    parameters.push_back(ModuleParameter{module, name, std::string(trimmed(std::string_view(line).substr(separator + 3))).substr(0, kMaxValueChars)});
  }
  return parameters;
}

// --- HDA-Intel Codec information: the codec pages, one after another ---

// Which card each codec page belongs to: the card whose amixer "Components"
// name the codec's vendor id, else in order (alsa-info cats
// /proc/asound/card*/codec#*, so pages come card by card, addresses rising).
std::vector<Codec> read_codecs(const DumpText& dump, const std::vector<alsainfo::AmixerCard>& mixers,
                               const std::vector<KernelCard>& cards) {
  std::vector<std::vector<std::string>> pages;
  for (const std::string& line : lines_of(dump, "HDA-Intel Codec information")) {
    if (line.starts_with("Codec: ")) {
      if (pages.size() >= kMaxCodecs) break;
      pages.emplace_back();
    }
    if (!pages.empty()) pages.back().push_back(line);
  }
  std::vector<int> hda_cards;  // in order, the cards that can have codec pages
  for (const KernelCard& card : cards) {
    if (card.bus != "usb") hda_cards.push_back(card.number);
  }
  std::map<std::string, std::vector<int>> cards_by_codec;  // "10ec0256" → cards naming it, in order
  for (const alsainfo::AmixerCard& mixer : mixers) {
    for (const std::string& vendor : mixer.hda_codecs) {
      if (mixer.mixer.card >= 0) cards_by_codec[lower(vendor)].push_back(mixer.mixer.card);
    }
  }
  std::vector<Codec> codecs;
  std::size_t order = 0;  // index into hda_cards for the in-order guess
  int last_address = -1;
  for (const std::vector<std::string>& page : pages) {
    const std::string text = joined(page);
    const std::optional<int> address = parse_int(field(page, "Address"));
    if (address && *address <= last_address) ++order;  // addresses start again: the next card
    last_address = address.value_or(last_address + 1);
    int card = order < hda_cards.size() ? hda_cards[order] : (hda_cards.empty() ? 0 : hda_cards.back());
    std::string vendor = lower(field(page, "Vendor Id"));
    if (vendor.starts_with("0x")) vendor.erase(0, 2);
    if (auto named = cards_by_codec.find(vendor); named != cards_by_codec.end() && !named->second.empty()) {
      card = named->second.front();
      named->second.erase(named->second.begin());
    }
    codecs.push_back(kernel_text::parse_codec_page(text, card, address.value_or(0)));
  }
  return codecs;
}

// --- Alsactl output: the dB range of each volume control, which amixer does not print ---
//   state.PCH {
//   	control.6 {
//   		iface MIXER
//   		name 'Capture Volume'
//   		comment {
//   			dbmin -1725
//   			dbmax 3000
struct ControlKey {
  std::string card_id;
  std::string name;
  int index = 0;
  bool operator<(const ControlKey& other) const {
    return std::tie(card_id, name, index) < std::tie(other.card_id, other.name, other.index);
  }
};
using DbRanges = std::map<ControlKey, std::pair<double, double>>;

// 'Capture Volume', "Capture Volume" or Capture: alsactl quotes only when it must.
std::string alsactl_string(std::string_view value) {
  value = trimmed(value);
  if (value.size() >= 2 && (value.front() == '\'' || value.front() == '"') && value.back() == value.front()) {
    value = value.substr(1, value.size() - 2);
  }
  return std::string(value);
}

DbRanges read_db_ranges(const DumpText& dump) {
  DbRanges ranges;
  std::string card_id;
  ControlKey control;
  std::optional<long> db_min;
  std::optional<long> db_max;
  const auto keep = [&] {
    if (!control.name.empty() && db_min && db_max && ranges.size() < 4096) {
      ranges[control] = {static_cast<double>(*db_min) / 100.0, static_cast<double>(*db_max) / 100.0};
    }
    control = ControlKey{card_id, "", 0};
    db_min.reset();
    db_max.reset();
  };
  for (const std::string& line : lines_of(dump, "Alsactl output")) {
    const std::string_view t = trimmed(line);
    const std::size_t space = t.find_first_of(" \t");
    const std::string_view key = t.substr(0, space);
    const std::string_view value = space == std::string_view::npos ? std::string_view() : trimmed(t.substr(space));
    if (key.starts_with("state.")) {
      keep();
      card_id = std::string(key.substr(6));
      control.card_id = card_id;
    } else if (key.starts_with("control.")) {
      keep();
    } else if (key == "name") {
      control.name = alsactl_string(value);
    } else if (key == "index") {
      control.index = parse_int(value).value_or(0);
    } else if (key == "dbmin" || key == "dbmax") {
      long number = 0;
      const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), number);
      if (error == std::errc() && end == value.data() + value.size()) (key == "dbmin" ? db_min : db_max) = number;
    }
  }
  keep();
  return ranges;
}

// The element's volume control is "NAME Capture Volume" or "NAME Volume"
// ("Capture" → "Capture Volume", "Mic Boost" → "Mic Boost Volume").
void add_db_ranges(const DbRanges& ranges, AlsaMixer& mixer) {
  for (MixerElement& element : mixer.elements) {
    if (!element.volume) continue;
    for (const std::string& control : {element.name + " Capture Volume", element.name + " Volume"}) {
      const auto found = ranges.find(ControlKey{mixer.card_id, control, element.index});
      if (found == ranges.end()) continue;
      element.volume->db_min = found->second.first;
      element.volume->db_max = found->second.second;
      break;
    }
  }
}

// --- Aplay/Arecord output: "card 0: PCH [HDA Intel PCH], device 0: ALC233 Analog [ALC233 Analog]" after ARECORD ---
std::vector<AlsaCaptureDevice> read_arecord(const DumpText& dump) {
  std::vector<AlsaCaptureDevice> devices;
  bool capture = false;
  for (const std::string& line : lines_of(dump, "Aplay/Arecord output")) {
    if (line == "ARECORD") capture = true;
    if (line == "APLAY") capture = false;
    if (!capture || !line.starts_with("card ") || devices.size() >= 128) continue;
    const std::size_t colon = line.find(": ");
    const std::size_t device_at = line.find(", device ");
    if (colon == std::string::npos || device_at == std::string::npos || device_at < colon) continue;
    const auto card = parse_int(std::string_view(line).substr(5, colon - 5));
    const std::size_t device_colon = line.find(": ", device_at);
    if (!card || device_colon == std::string::npos) continue;
    const auto device = parse_int(std::string_view(line).substr(device_at + 9, device_colon - device_at - 9));
    if (!device) continue;
    const std::string_view card_part = std::string_view(line).substr(colon + 2, device_at - colon - 2);  // "PCH [HDA Intel PCH]"
    const std::size_t open = card_part.find(" [");
    const std::string card_name(open != std::string_view::npos && card_part.back() == ']'
                                    ? card_part.substr(open + 2, card_part.size() - open - 3)
                                    : card_part);
    std::string_view name = std::string_view(line).substr(device_colon + 2);  // "ALC233 Analog [ALC233 Analog]"
    if (const std::size_t bracket = name.rfind(" ["); bracket != std::string_view::npos) name = name.substr(0, bracket);
    devices.push_back(AlsaCaptureDevice{"hw:" + std::to_string(*card) + "," + std::to_string(*device), card_name, std::string(name)});
  }
  return devices;
}

// --- ALSA/HDA dmesg: the sound lines of the kernel log, and what they say ---

KernelLog read_log(const DumpText& dump) {
  KernelLog log;
  const DumpSection* section = dump.find("ALSA/HDA dmesg");
  if (section == nullptr) {
    log.unreadable = "the dump has no \"ALSA/HDA dmesg\" section";
    return log;
  }
  log.read = true;
  log.source = "alsa-info";
  // Joining wrapped lines only when the log has timestamps to tell a line's start.
  const auto stamped = std::count_if(section->lines.begin(), section->lines.end(),
                                     [](const std::string& l) { return l.starts_with("["); });
  const auto non_empty = std::count_if(section->lines.begin(), section->lines.end(),
                                       [](const std::string& l) { return !trimmed(l).empty(); });
  std::vector<std::string> lines = section->lines;
  if (stamped * 2 >= non_empty) {
    lines = join_wrapped(lines, [](const std::string& l) { return l.front() == '[' || l == "--"; });
  }
  for (const std::string& line : lines) {
    if (trimmed(line).empty() || line == "--") continue;  // grep's separator between matches
    log.lines.push_back(line.substr(0, 1000));
  }
  if (log.lines.empty()) {
    // What alsa-info.sh leaves when dmesg refused it (kernel.dmesg_restrict,
    // the script run without root), or what a cut-off dump ends with.
    log.read = false;
    log.unreadable = "the dump's \"ALSA/HDA dmesg\" section is empty (dmesg is restricted to root, or the dump was cut off)";
  }
  // The boot's first lines (the probe: "DMICs detected in NHLT tables", "Direct
  // firmware load") and the newest: what is cut is the middle.
  constexpr std::size_t kFirstLogLines = 150;
  if (log.lines.size() > kMaxLogLines) {
    log.lines.erase(log.lines.begin() + kFirstLogLines, log.lines.end() - (kMaxLogLines - kFirstLogLines));
  }
  return log;
}

// "... Direct firmware load for intel/sof-tplg/sof-hda-generic-2ch.tplg failed with error -2"
std::vector<FirmwareFile> missing_firmware(const KernelLog& log) {
  constexpr std::string_view kLoad = "Direct firmware load for ";
  std::vector<FirmwareFile> files;
  for (const std::string& line : log.lines) {
    const std::size_t at = line.find(kLoad);
    if (at == std::string::npos) continue;
    const std::string_view rest = std::string_view(line).substr(at + kLoad.size());
    const std::size_t end = rest.find(" failed with error");
    if (end == std::string_view::npos || end == 0) continue;
    const std::string path(rest.substr(0, end));
    // grep -C1 brings neighbours (iwlwifi tries several versions): sound firmware only.
    if (!is_sound_firmware(line, path)) continue;
    const bool known = std::any_of(files.begin(), files.end(), [&](const FirmwareFile& f) { return f.path == path; });
    if (!known && files.size() < 64) files.push_back(FirmwareFile{path, false});
  }
  return files;
}

// The DSP driver's word on the firmware's microphone table (snd_intel_dspcfg,
// SOF): "DMICs detected in NHLT tables: 2", "Digital mics found on Skylake+ platform".
std::optional<bool> nhlt_from_log(const KernelLog& log) {
  std::optional<bool> nhlt;
  for (const std::string& line : log.lines) {
    if (line.find("Digital mics found on") != std::string::npos) nhlt = true;
    constexpr std::string_view kDmics = "DMICs detected in NHLT tables: ";
    if (const std::size_t at = line.find(kDmics); at != std::string::npos) {
      const std::string_view count = std::string_view(line).substr(at + kDmics.size());
      nhlt = !count.empty() && count.front() != '0';
    }
  }
  return nhlt;
}

// A driver's lines name the device it is bound to ("snd_hda_intel 0000:00:1f.3: ..."):
// the last driver that spoke of a controller is the one that kept it.
std::string driver_from_log(const KernelLog& log, const std::string& address) {
  const std::string needle = " " + address + ": ";
  std::string driver;
  for (const std::string& line : log.lines) {
    const std::size_t at = line.find(needle);
    if (at == std::string::npos) continue;
    const std::size_t start = line.rfind(' ', at - 1);
    const std::string_view name = std::string_view(line).substr(start == std::string::npos ? 0 : start + 1,
                                                               start == std::string::npos ? at : at - start - 1);
    if (!name.empty() && name.find(']') == std::string_view::npos && name.size() < 64) driver = std::string(name);
  }
  return driver;
}

// --- Sound Servers on this system: "PipeWire:\n      Installed - Yes (/usr/bin/pipewire)" ---
std::vector<std::string> installed_servers(const DumpText& dump) {
  std::vector<std::string> installed;
  std::string program;
  for (const std::string& line : lines_of(dump, "Sound Servers on this system")) {
    const std::string_view t = trimmed(line);
    if (!t.empty() && t.back() == ':') program = lower(t.substr(0, t.size() - 1));
    if (t.starts_with("Installed - Yes") && !program.empty() && installed.size() < 8) {
      installed.push_back(program);
    }
  }
  return installed;
}

// --- Packages installed (0.5.x): whether alsa-ucm-conf is there ---
std::optional<bool> ucm_package(const DumpText& dump) {
  const DumpSection* section = dump.find("Packages installed");
  if (section == nullptr) return std::nullopt;
  return std::any_of(section->lines.begin(), section->lines.end(),
                     [](const std::string& l) { return l.find("alsa-ucm-conf") != std::string::npos; });
}

// --- USB Descriptors: `lsusb -v` of each USB card, in card order ---
std::vector<std::pair<std::string, std::string>> usb_ids(const DumpText& dump) {
  std::vector<std::pair<std::string, std::string>> ids;  // vendor, product
  for (const std::string& line : lines_of(dump, "USB Descriptors")) {
    // "Bus 001 Device 012: ID 046d:0809 Logitech, Inc. ..."
    const std::size_t at = line.find(": ID ");
    if (!line.starts_with("Bus ") || at == std::string::npos || line.size() < at + 14 || ids.size() >= 64) continue;
    const std::string_view pair = std::string_view(line).substr(at + 5, 9);
    if (pair[4] == ':') ids.emplace_back(lower(pair.substr(0, 4)), lower(pair.substr(5, 4)));
  }
  return ids;
}

// --- ALSA Device nodes: /dev/snd/by-path ties a card to its PCI function ---
// "lrwxrwxrwx 1 root root 12 Sep 30 21:28 pci-0000:00:1b.0 -> ../controlC0"
// (a card on a platform or USB device below a PCI function has a longer
// name: "pci-0000:00:1f.3-platform-sof_sdw", "pci-0000:00:14.0-usb-0:3:1.0").
struct ByPath {
  std::map<int, std::string> card_addresses;  // cards that are a PCI function themselves
  std::set<std::string> hosts;                // PCI functions with a card below them
};

ByPath read_by_path(const DumpText& dump) {
  ByPath by_path;
  for (const std::string& line : lines_of(dump, "ALSA Device nodes")) {
    const std::size_t link = line.find(" pci-");
    const std::size_t arrow = line.find(" -> ../controlC");
    if (link == std::string::npos || arrow == std::string::npos || arrow < link + 17 || by_path.hosts.size() >= 64) continue;
    const std::string_view name = std::string_view(line).substr(link + 5, arrow - link - 5);
    const std::string_view address = name.substr(0, 12);
    if (!is_pci_address(address)) continue;
    by_path.hosts.insert(std::string(address));
    const auto card = parse_int(trimmed(std::string_view(line).substr(arrow + 15)));
    if (card && *card >= 0 && name.size() == 12) by_path.card_addresses[*card] = std::string(address);
  }
  return by_path;
}

// A PCI audio controller with a driver bound and no card on it or below it:
// the driver found nothing to make a card of (an AMD ACP without a machine
// quirk, SOF without its firmware). Only said when every card's place is
// known, so a card on an unnamed platform device is never taken for none.
std::vector<CardlessAudioDevice> cardless_controllers(const KernelState& kernel, const ByPath& by_path) {
  std::vector<CardlessAudioDevice> cardless;
  const bool every_card_placed = std::all_of(kernel.cards.begin(), kernel.cards.end(), [](const KernelCard& c) {
    return !c.address.empty() && (c.bus == "pci" || c.bus == "usb");
  });
  if (!every_card_placed) return cardless;
  for (const AudioController& controller : kernel.controllers) {
    if (controller.bus != "pci" || controller.driver.empty() || by_path.hosts.count(controller.address) > 0) continue;
    const bool has_card = std::any_of(kernel.cards.begin(), kernel.cards.end(),
                                      [&](const KernelCard& c) { return c.address == controller.address; });
    if (!has_card) {
      cardless.push_back(CardlessAudioDevice{"pci", controller.address, controller.driver, controller.vendor_id, controller.product_id});
    }
  }
  return cardless;
}

std::vector<KernelCard> read_cards(const DumpText& dump) {
  const std::vector<std::string> lines = join_wrapped(lines_of(dump, "Soundcards recognised by ALSA"), [](const std::string& l) {
    return l.front() == ' ' || std::isdigit(static_cast<unsigned char>(l.front())) || l.starts_with("---");
  });
  const std::map<int, std::string> modules = read_card_modules(dump);
  const std::map<int, SysfsCard> sysfs = read_sysfs_cards(dump);
  const std::map<int, std::string> by_path = read_by_path(dump).card_addresses;
  const auto usb = usb_ids(dump);
  std::size_t next_usb = 0;
  std::vector<KernelCard> cards;
  for (const kernel_text::AsoundCard& found : kernel_text::parse_asound_cards(joined(lines))) {
    KernelCard card;
    card.number = found.number;
    card.id = found.id;
    card.alsa_driver = found.alsa_driver;
    card.long_name = found.long_name;
    const int place = -static_cast<int>(cards.size()) - 1;
    if (const auto module = modules.find(card.number); module != modules.end()) {
      card.module = module->second;
    } else if (const auto in_order = modules.find(place); in_order != modules.end()) {
      card.module = in_order->second;
    }
    card.driver = card.module;
    if (const auto s = sysfs.find(card.number); s != sysfs.end()) {
      if (!s->second.driver.empty()) card.driver = s->second.driver;
      card.bus = s->second.bus;
      card.address = s->second.device;
    }
    if (const auto pci = by_path.find(card.number); pci != by_path.end()) {
      if (card.address.empty()) card.address = pci->second;
      if (card.bus.empty()) card.bus = "pci";
    }
    const bool is_usb = card.alsa_driver == "USB-Audio" || card.bus == "usb";
    if (is_usb) {
      card.bus = "usb";
      // "... at usb-0000:00:14.0-4.1.3.1.4, high speed"
      if (const std::size_t at = card.long_name.find(" at usb-"); at != std::string::npos && card.address.empty()) {
        card.address = card.long_name.substr(at + 8, card.long_name.find(',', at) - at - 8);
      }
      if (next_usb < usb.size()) std::tie(card.vendor_id, card.product_id) = usb[next_usb++];
    } else if (card.bus.empty() && card.alsa_driver == "HDA-Intel") {
      card.bus = "pci";
    }
    cards.push_back(std::move(card));
  }
  return cards;
}

}  // namespace

SystemSnapshot snapshot_from_alsa_info(std::string_view text) {
  const DumpText dump = alsainfo::split_dump(text);
  SystemSnapshot snapshot;
  snapshot.platform = "linux";
  snapshot.origin = "alsa-info";
  snapshot.server.reachable = false;
  snapshot.server.tried = "an alsa-info dump" + (dump.version.empty() ? std::string() : " (v " + dump.version + ")");
  snapshot.server.error = "an alsa-info dump holds no sound server state";
  snapshot.server.installed = installed_servers(dump);
  snapshot.distribution = read_distribution(dump);

  KernelState& kernel = snapshot.kernel;
  kernel.read = dump.find("Soundcards recognised by ALSA") != nullptr;
  kernel.release = read_kernel_release(dump);
  kernel.cards = read_cards(dump);
  read_lspci(lines_of(dump, "PCI Soundcards installed in the system"), kernel.controllers);
  read_lspci(lines_of(dump, "Advanced information - PCI Vendor/Device/Subsystem ID's"), kernel.controllers);
  kernel.module_options = read_module_options(dump);
  kernel.module_parameters = read_module_parameters(dump);
  const std::vector<alsainfo::AmixerCard> mixers = alsainfo::parse_amixer_output(lines_of(dump, "Amixer output"));
  const DbRanges db_ranges = read_db_ranges(dump);
  for (const alsainfo::AmixerCard& mixer : mixers) {
    AlsaMixer m = mixer.mixer;
    add_db_ranges(db_ranges, m);
    if (m.card < 0) {  // amixer failed before its info line: the heading names the card's id
      for (const KernelCard& card : kernel.cards) {
        if (card.id == m.card_id) m.card = card.number;
      }
    }
    if (m.card >= 0) kernel.mixers.push_back(std::move(m));
  }
  kernel.codecs = read_codecs(dump, mixers, kernel.cards);
  kernel.log = read_log(dump);
  kernel.firmware = missing_firmware(kernel.log);
  kernel.acpi_nhlt = nhlt_from_log(kernel.log);
  kernel.ucm_installed = ucm_package(dump);

  // Tie controllers and cards: the card's device is the controller (0.5.x
  // sysfs info), and who drives a controller (lspci -k, the card on it, or
  // the kernel log).
  for (AudioController& controller : kernel.controllers) {
    for (KernelCard& card : kernel.cards) {
      if (card.address != controller.address) continue;
      card.vendor_id = controller.vendor_id;
      card.product_id = controller.product_id;
      if (controller.driver.empty()) controller.driver = card.driver;
    }
    if (controller.driver.empty()) controller.driver = driver_from_log(kernel.log, controller.address);
  }
  // A USB card is its own audio interface: the controller list names it too,
  // as the live reader does.
  for (const KernelCard& card : kernel.cards) {
    if (card.bus != "usb" || kernel.controllers.size() >= kMaxControllers) continue;
    kernel.controllers.push_back(AudioController{"usb", card.address, card.vendor_id, card.product_id, "", "", "snd-usb-audio"});
  }
  kernel.cardless = cardless_controllers(kernel, read_by_path(dump));
  snapshot.alsa_capture = read_arecord(dump);
  return snapshot;
}

std::vector<Finding> run_alsa_info_checks(const SystemSnapshot& snapshot) {
  // What a dump has evidence for, by the id's family.
  constexpr std::array<std::string_view, 9> kDumpEvidence = {"driver.", "firmware.", "codec.", "jack.", "mixer.",
                                                             "hardware.", "usb.", "bluetooth.", "check."};
  std::vector<Finding> kept;
  for (Finding& f : run_checks(snapshot)) {
    const bool evidence = std::any_of(kDumpEvidence.begin(), kDumpEvidence.end(),
                                      [&](std::string_view family) { return f.id.starts_with(family); });
    if (evidence) kept.push_back(std::move(f));
  }
  for (const int step : {0, 1, 3}) {
    kept.push_back(make_not_judged(step, "an alsa-info dump holds no sound server state"));
  }
  std::stable_sort(kept.begin(), kept.end(), [](const Finding& a, const Finding& b) { return a.step < b.step; });
  return kept;
}

}  // namespace micdoctor
