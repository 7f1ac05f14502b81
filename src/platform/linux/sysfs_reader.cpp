#include "platform/linux/sysfs_reader.hpp"

#include <algorithm>
#include <optional>
#include <system_error>

#include "kernel_text/text_lines.hpp"
#include "platform/linux/bounded_file.hpp"
#include "platform/linux/kernel_readers.hpp"

namespace micdoctor::linux_system {
namespace {

namespace fs = std::filesystem;

// A sysfs attribute's first line, trimmed; "" when missing. Read without
// blocking and bounded (a fixture's FIFO or a huge file cannot stall us).
std::string attribute(const fs::path& path) { return read_attribute(path); }

// The last component a symlink points to ("snd_hda_intel" for .../drivers/snd_hda_intel).
std::string link_name(const fs::path& link) {
  std::error_code error;
  const fs::path target = fs::read_symlink(link, error);
  return error ? "" : target.filename().string();
}

std::string without_hex_prefix(std::string value) {
  if (value.rfind("0x", 0) == 0) value.erase(0, 2);
  return value;
}

fs::path resolved(const fs::path& path) {
  std::error_code error;
  fs::path real = fs::canonical(path, error);
  return error ? fs::path() : real;
}

bool has_driver(const fs::path& device) {
  std::error_code error;
  return fs::is_symlink(device / "driver", error);
}

// A folder's entries, sorted; at most kMaxEntries (a real /sys/bus/pci/devices
// holds a few hundred; a fixture or a broken tree could hold anything).
std::vector<fs::path> entries(const fs::path& dir) {
  constexpr std::size_t kMaxEntries = 4096;
  std::vector<fs::path> out;
  std::error_code error;
  fs::directory_iterator it(dir, error);
  if (error) return out;
  for (const fs::directory_entry& entry : it) {
    if (out.size() >= kMaxEntries) break;
    out.push_back(entry.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

void fill_ids(KernelCard& card, const fs::path& device) {
  if (card.bus == "pci") {
    card.vendor_id = without_hex_prefix(attribute(device / "vendor"));
    card.product_id = without_hex_prefix(attribute(device / "device"));
  } else if (card.bus == "usb") {
    // The card hangs off a USB interface; the ids are on its parent device.
    const fs::path usb_device = resolved(device).parent_path();
    card.vendor_id = attribute(usb_device / "idVendor");
    card.product_id = attribute(usb_device / "idProduct");
    // Runtime power management belongs to the device, not the interface.
    card.usb_power_control = attribute(usb_device / "power/control");
    const std::string delay = attribute(usb_device / "power/autosuspend_delay_ms");
    const bool negative = delay.rfind('-', 0) == 0;  // -1: never autosuspend
    if (const auto ms = kernel_text::parse_small_int(negative ? delay.substr(1) : delay)) {
      card.usb_autosuspend_delay_ms = negative ? -*ms : *ms;
    }
  }
}

std::vector<KernelCard> read_cards(const fs::path& root) {
  std::vector<KernelCard> cards;
  for (const fs::path& entry : entries(root / "class/sound")) {
    const std::string name = entry.filename().string();
    if (name.rfind("card", 0) != 0 || name.size() == 4 || name.find_first_not_of("0123456789", 4) != std::string::npos) {
      continue;
    }
    KernelCard card;
    card.number = std::stoi(name.substr(4, 6));
    card.id = attribute(entry / "id");
    const fs::path device = entry / "device";
    card.bus = link_name(device / "subsystem");
    card.driver = link_name(device / "driver");
    card.module = link_name(device / "driver/module");
    card.address = resolved(device).filename().string();
    fill_ids(card, device);
    cards.push_back(std::move(card));
  }
  std::sort(cards.begin(), cards.end(), [](const KernelCard& a, const KernelCard& b) { return a.number < b.number; });
  return cards;
}

// PCI class 0x0401xx (multimedia audio) or 0x0403xx (HD Audio).
std::string pci_audio_kind(const std::string& pci_class) {
  if (pci_class.rfind("0x0403", 0) == 0) return "HD Audio controller";
  if (pci_class.rfind("0x0401", 0) == 0) return "audio controller";
  return "";
}

// Real paths of every card's device, to tell whether a controller made one
// (possibly through a child device, as Intel SOF's machine drivers do).
std::vector<std::string> card_device_paths(const fs::path& root) {
  std::vector<std::string> paths;
  for (const fs::path& entry : entries(root / "class/sound")) {
    if (entry.filename().string().rfind("card", 0) == 0) paths.push_back(resolved(entry).string());
  }
  return paths;
}

// Audio controllers for the controller list: also class 0x0480xx ("other
// multimedia"), which AMD's audio coprocessor (ACP, digital microphones) uses.
bool pci_audio_controller(const std::string& pci_class) {
  return !pci_audio_kind(pci_class).empty() || pci_class.rfind("0x0480", 0) == 0;
}

AudioController pci_controller(const fs::path& device, const std::string& pci_class) {
  AudioController controller;
  controller.bus = "pci";
  controller.address = device.filename().string();
  controller.vendor_id = without_hex_prefix(attribute(device / "vendor"));
  controller.product_id = without_hex_prefix(attribute(device / "device"));
  controller.pci_class = without_hex_prefix(pci_class);
  const std::string subsystem_vendor = without_hex_prefix(attribute(device / "subsystem_vendor"));
  const std::string subsystem_device = without_hex_prefix(attribute(device / "subsystem_device"));
  if (!subsystem_vendor.empty() && !subsystem_device.empty()) controller.subsystem = subsystem_vendor + ":" + subsystem_device;
  controller.driver = link_name(device / "driver");
  return controller;
}

void read_pci(const fs::path& root, KernelState& state) {
  const std::vector<std::string> card_paths = card_device_paths(root);
  for (const fs::path& device : entries(root / "bus/pci/devices")) {
    const std::string pci_class = attribute(device / "class");
    if (pci_audio_controller(pci_class)) state.controllers.push_back(pci_controller(device, pci_class));
    const std::string kind = pci_audio_kind(pci_class);
    if (kind.empty()) continue;
    const std::string address = device.filename().string();
    const std::string vendor = without_hex_prefix(attribute(device / "vendor"));
    const std::string product = without_hex_prefix(attribute(device / "device"));
    if (!has_driver(device)) {
      state.unbound.push_back(UnboundAudioDevice{"pci", address, vendor, product, kind});
      continue;
    }
    const std::string real = resolved(device).string() + "/";
    const bool made_card = std::any_of(card_paths.begin(), card_paths.end(),
                                       [&](const std::string& card) { return card.rfind(real, 0) == 0; });
    if (!made_card) state.cardless.push_back(CardlessAudioDevice{"pci", address, link_name(device / "driver"), vendor, product});
  }
}

void read_usb(const fs::path& root, KernelState& state) {
  for (const fs::path& interface : entries(root / "bus/usb/devices")) {
    // Interfaces are named like "1-2:1.0"; audio control is class 01, subclass 01.
    if (interface.filename().string().find(':') == std::string::npos) continue;
    if (attribute(interface / "bInterfaceClass") != "01" || attribute(interface / "bInterfaceSubClass") != "01") continue;
    const fs::path usb_device = resolved(interface).parent_path();
    state.controllers.push_back(AudioController{"usb", interface.filename().string(), attribute(usb_device / "idVendor"),
                                                attribute(usb_device / "idProduct"), "", "", link_name(interface / "driver")});
    if (has_driver(interface)) continue;
    state.unbound.push_back(UnboundAudioDevice{"usb", interface.filename().string(), attribute(usb_device / "idVendor"),
                                               attribute(usb_device / "idProduct"), "USB audio interface"});
  }
}

// SMBIOS chassis type: a small number ("10\n", a notebook), readable by all.
// Missing, empty, or not a number of the SMBIOS range 1-255: unknown.
std::optional<int> read_chassis_type(const fs::path& sys) {
  const std::optional<int> type = kernel_text::parse_small_int(attribute(sys / "class/dmi/id/chassis_type"));
  if (!type || *type < 1 || *type > 255) return std::nullopt;
  return type;
}

}  // namespace

KernelState read_kernel_state(const fs::path& root) {
  KernelState state;
  const fs::path sys = root / "sys";
  std::error_code error;
  state.read = fs::is_directory(sys / "bus", error);  // false: no sysfs here, the cards are unknown
  state.release = attribute(root / "proc/sys/kernel/osrelease");
  state.version_text = attribute(root / "proc/version");  // one line; the known-bad table reads Debian's version in it
  // Ubuntu's kernels name their upstream version only here ("Ubuntu 6.8.0-45.45-generic 6.8.12"):
  // kept on a line of its own after /proc/version's.
  const std::string signature = attribute(root / "proc/version_signature");
  if (!signature.empty()) state.version_text += "\n" + signature;
  // Each part on its own: a tree that changes under us (a device unplugged
  // mid-read) loses that part as far as it went, not the others.
  const auto part = [](const auto& read) {
    try {
      read();
    } catch (const std::exception&) {
    }
  };
  if (state.read) {
    part([&] { state.cards = read_cards(sys); });
    part([&] { read_pci(sys, state); });
    part([&] { read_usb(sys, state); });
  }
  part([&] { read_asound(root, state); });  // after the cards: it fills their ALSA names
  part([&] { state.module_parameters = read_module_parameters(root); });
  part([&] { state.module_options = read_module_options(root); });
  part([&] { state.mute_leds = read_mute_leds(root); });
  part([&] { read_ucm(root, state); });
  part([&] { state.chassis_type = read_chassis_type(sys); });  // after read_asound: the lookup needs the ALSA names
  // The tables themselves are root's; their names are readable by all.
  if (fs::is_directory(sys / "firmware/acpi/tables", error)) {
    const bool nhlt = fs::exists(sys / "firmware/acpi/tables/NHLT", error);
    if (!error) state.acpi_nhlt = nhlt;
  }
  return state;
}

}  // namespace micdoctor::linux_system
