#include "platform/linux/sysfs_reader.hpp"

#include <algorithm>
#include <fstream>
#include <system_error>

namespace micdoctor::linux_system {
namespace {

namespace fs = std::filesystem;

// A sysfs attribute's first line, trimmed; "" when missing. Attributes are
// tiny; the read is bounded anyway.
std::string attribute(const fs::path& path) {
  std::ifstream in(path);
  if (!in) return "";
  std::string line(256, '\0');
  in.read(line.data(), static_cast<std::streamsize>(line.size()));
  line.resize(static_cast<std::size_t>(in.gcount()));
  const auto end = line.find_first_of("\r\n");
  if (end != std::string::npos) line.resize(end);
  while (!line.empty() && line.back() == ' ') line.pop_back();
  return line;
}

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

std::vector<fs::path> entries(const fs::path& dir) {
  std::vector<fs::path> out;
  std::error_code error;
  fs::directory_iterator it(dir, error);
  if (error) return out;
  for (const fs::directory_entry& entry : it) out.push_back(entry.path());
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

void read_pci(const fs::path& root, KernelState& state) {
  const std::vector<std::string> card_paths = card_device_paths(root);
  for (const fs::path& device : entries(root / "bus/pci/devices")) {
    const std::string kind = pci_audio_kind(attribute(device / "class"));
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
    if (has_driver(interface)) continue;
    const fs::path usb_device = resolved(interface).parent_path();
    state.unbound.push_back(UnboundAudioDevice{"usb", interface.filename().string(), attribute(usb_device / "idVendor"),
                                               attribute(usb_device / "idProduct"), "USB audio interface"});
  }
}

}  // namespace

KernelState read_kernel_state(const fs::path& sysfs_root) {
  KernelState state;
  std::error_code error;
  if (!fs::is_directory(sysfs_root / "bus", error)) return state;  // no sysfs here: not read
  state.read = true;
  try {
    state.cards = read_cards(sysfs_root);
    read_pci(sysfs_root, state);
    read_usb(sysfs_root, state);
  } catch (const std::exception&) {
    // A tree that changes under us (a device unplugged mid-read) is read as far as it went.
  }
  return state;
}

}  // namespace micdoctor::linux_system
