#include "checks/known_bad_versions.hpp"

#include <algorithm>
#include <array>
#include <set>

#include <nlohmann/json.hpp>

#include "checks/check_context.hpp"
#include "checks/version_compare.hpp"

namespace micdoctor {
namespace checks {
namespace {

using Json = nlohmann::json;

constexpr std::array kComponents = {"kernel", "alsa-ucm-conf", "sof-firmware", "pipewire", "wireplumber", "pulseaudio"};
constexpr std::array kHardwareKinds = {"sof", "module", "pci", "usb", "bluetooth_headset"};
constexpr std::size_t kMaxEntries = 500;
constexpr std::size_t kMaxText = 2000;

// Thrown inside the parser only, caught per entry: the reason in words.
struct Invalid {
  std::string reason;
};

std::string text_field(const Json& entry, const char* key, bool required) {
  const auto it = entry.find(key);
  if (it == entry.end() || it->is_null()) {
    if (required) throw Invalid{std::string("\"") + key + "\" is missing"};
    return "";
  }
  if (!it->is_string()) throw Invalid{std::string("\"") + key + "\" is not a string"};
  std::string value = it->get<std::string>();
  if (required && value.empty()) throw Invalid{std::string("\"") + key + "\" is empty"};
  if (value.size() > kMaxText) throw Invalid{std::string("\"") + key + "\" is longer than 2000 characters"};
  return value;
}

std::vector<std::string> text_list(const Json& entry, const char* key) {
  std::vector<std::string> values;
  const auto it = entry.find(key);
  if (it == entry.end()) return values;
  if (!it->is_array()) throw Invalid{std::string("\"") + key + "\" is not a list"};
  for (const Json& value : *it) {
    if (!value.is_string() || value.get<std::string>().empty()) {
      throw Invalid{std::string("\"") + key + "\" holds something other than a non-empty string"};
    }
    values.push_back(value.get<std::string>());
  }
  return values;
}

bool is_https(const std::string& url) {
  return url.starts_with("https://") && url.size() > 12 &&
         std::none_of(url.begin(), url.end(), [](char c) { return c == ' ' || c == '"' || c < 0x21; });
}

// Debian policy's package name characters (lower case, digits, + - .), which
// also cover Fedora's, Arch's and openSUSE's names of these packages.
bool is_package_name(const std::string& name) {
  return name.size() >= 2 && name.size() <= 100 && std::all_of(name.begin(), name.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.' || c == '_';
         });
}

std::string version_field(const Json& entry, const char* key, bool required) {
  std::string version = text_field(entry, key, required);
  if (!version.empty() && !is_valid_version(version)) {
    throw Invalid{std::string("\"") + key + "\" \"" + version + "\" is not a version"};
  }
  return version;
}

FamilyPackages packages_field(const Json& entry, bool required) {
  FamilyPackages packages;
  const auto it = entry.find("packages");
  if (it == entry.end()) {
    if (required) throw Invalid{"\"packages\" is missing (only a kernel entry has none)"};
    return packages;
  }
  if (!it->is_object()) throw Invalid{"\"packages\" is not an object"};
  for (const auto& [family, names] : it->items()) {
    std::vector<std::string>* list = family == "debian"   ? &packages.debian
                                     : family == "fedora" ? &packages.fedora
                                     : family == "arch"   ? &packages.arch
                                     : family == "suse"   ? &packages.suse
                                                          : nullptr;
    if (list == nullptr) throw Invalid{"\"packages\" names an unknown family \"" + family + "\""};
    const Json wrapper = Json{{"names", names}};
    *list = text_list(wrapper, "names");
    for (const std::string& name : *list) {
      if (!is_package_name(name)) throw Invalid{"\"" + name + "\" is not a package name"};
    }
  }
  if (required && packages.debian.empty() && packages.fedora.empty() && packages.arch.empty() && packages.suse.empty()) {
    throw Invalid{"\"packages\" names no package"};
  }
  return packages;
}

HardwareCondition hardware_field(const Json& entry) {
  HardwareCondition condition;
  const auto it = entry.find("hardware");
  if (it == entry.end() || it->is_null()) return condition;
  if (!it->is_object()) throw Invalid{"\"hardware\" is not an object"};
  condition.kind = text_field(*it, "kind", true);
  if (std::find(kHardwareKinds.begin(), kHardwareKinds.end(), condition.kind) == kHardwareKinds.end()) {
    throw Invalid{"\"hardware\" kind \"" + condition.kind + "\" is not one of sof, module, pci, usb, bluetooth_headset"};
  }
  condition.values = text_list(*it, "values");
  const bool needs_values = condition.kind == "module" || condition.kind == "pci" || condition.kind == "usb";
  if (needs_values && condition.values.empty()) throw Invalid{"\"hardware\" " + condition.kind + " names no values"};
  for (std::string& value : condition.values) value = lowercase(value);
  return condition;
}

KnownBadEntry parse_entry(const Json& json) {
  if (!json.is_object()) throw Invalid{"not an object"};
  KnownBadEntry entry;
  entry.id = text_field(json, "id", true);
  entry.component = text_field(json, "component", true);
  if (std::find(kComponents.begin(), kComponents.end(), entry.component) == kComponents.end()) {
    throw Invalid{"component \"" + entry.component + "\" is not one of kernel, alsa-ucm-conf, sof-firmware, pipewire, "
                  "wireplumber, pulseaudio"};
  }
  entry.packages = packages_field(json, entry.component != "kernel");
  entry.first_bad = version_field(json, "first_bad", true);
  entry.first_fixed = version_field(json, "first_fixed", true);
  entry.last_good = version_field(json, "last_good", false);
  if (compare_versions(entry.first_fixed, entry.first_bad) <= 0) {
    throw Invalid{"first_fixed \"" + entry.first_fixed + "\" is not after first_bad \"" + entry.first_bad + "\""};
  }
  if (!entry.last_good.empty() && compare_versions(entry.last_good, entry.first_bad) >= 0) {
    throw Invalid{"last_good \"" + entry.last_good + "\" is not before first_bad \"" + entry.first_bad + "\""};
  }
  entry.hardware = hardware_field(json);
  entry.breaks = text_field(json, "breaks", true);
  entry.source = text_field(json, "source", true);
  if (!is_https(entry.source)) throw Invalid{"source \"" + entry.source + "\" is not an https address"};
  entry.also = text_list(json, "also");
  for (const std::string& url : entry.also) {
    if (!is_https(url)) throw Invalid{"\"also\" holds \"" + url + "\", not an https address"};
  }
  text_field(json, "note", false);  // for reviewers; checked only for its type
  return entry;
}

}  // namespace

KnownBadTable parse_known_bad_table(std::string_view text) {
  KnownBadTable table;
  try {
    const Json root = Json::parse(text.begin(), text.end(), nullptr, false);
    if (root.is_discarded()) {
      table.error = "the known-bad table is not valid JSON";
      return table;
    }
    if (!root.is_object()) {
      table.error = "the known-bad table is not a JSON object";
      return table;
    }
    const auto schema = root.find("schema");
    if (schema == root.end() || !schema->is_string() || schema->get<std::string>() != kKnownBadSchema) {
      table.error = "the known-bad table's schema is not " + std::string(kKnownBadSchema);
      return table;
    }
    const auto entries = root.find("entries");
    if (entries == root.end() || !entries->is_array()) {
      table.error = "the known-bad table has no \"entries\" list";
      return table;
    }
    if (entries->size() > kMaxEntries) {
      table.error = "the known-bad table has more than 500 entries";
      return table;
    }
    std::set<std::string> ids;
    for (std::size_t i = 0; i < entries->size(); ++i) {
      const Json& json = (*entries)[i];
      std::string id;
      if (json.is_object()) {
        const auto it = json.find("id");
        if (it != json.end() && it->is_string()) id = it->get<std::string>();
      }
      try {
        KnownBadEntry entry = parse_entry(json);
        if (!ids.insert(entry.id).second) throw Invalid{"the id \"" + entry.id + "\" is used twice"};
        table.entries.push_back(std::move(entry));
      } catch (const Invalid& invalid) {
        table.rejected.push_back(RejectedEntry{i, id, invalid.reason});
      }
    }
  } catch (const std::exception& e) {  // nlohmann's type errors, allocation failures
    table.entries.clear();
    table.error = std::string("the known-bad table could not be read: ") + e.what();
  }
  return table;
}

const KnownBadTable& shipped_known_bad_table() {
  static const KnownBadTable table = parse_known_bad_table(shipped_known_bad_json());
  return table;
}

std::vector<std::string> names_for(const FamilyPackages& packages, PackageFamily family) {
  switch (family) {
    case PackageFamily::debian: return packages.debian;
    case PackageFamily::fedora: return packages.fedora;
    case PackageFamily::arch: return packages.arch;
    case PackageFamily::suse: return packages.suse;
    case PackageFamily::unknown: break;
  }
  std::vector<std::string> all;
  for (const auto* list : {&packages.debian, &packages.fedora, &packages.arch, &packages.suse}) {
    for (const std::string& name : *list) {
      if (std::find(all.begin(), all.end(), name) == all.end()) all.push_back(name);
    }
  }
  return all;
}

bool version_affected(const KnownBadEntry& entry, std::string_view installed) {
  const std::string_view version = without_epoch(installed);
  if (version.empty()) return false;
  return compare_versions(version, entry.first_bad) >= 0 && compare_versions(version, entry.first_fixed) < 0;
}

std::string package_manager_of(PackageFamily family) {
  switch (family) {
    case PackageFamily::debian: return "dpkg";
    case PackageFamily::fedora:
    case PackageFamily::suse: return "rpm";
    case PackageFamily::arch: return "pacman";
    case PackageFamily::unknown: break;
  }
  return "";
}

namespace {

// Debian: "Linux version 6.1.0-13-amd64 (debian-kernel@lists.debian.org) (...) #1 SMP
// PREEMPT_DYNAMIC Debian 6.1.55-1 (2023-09-29)": the release is an ABI name.
std::string debian_kernel_version(const std::string& version_text) {
  const std::size_t debian = version_text.rfind(" Debian ");
  if (debian == std::string::npos) return "";
  const std::size_t start = debian + 8;
  const std::size_t end = version_text.find_first_of(" \n", start);
  std::string version = version_text.substr(start, end == std::string::npos ? std::string::npos : end - start);
  return is_valid_version(version) ? version : "";
}

// Ubuntu: /proc/version_signature "Ubuntu 6.8.0-45.45-generic 6.8.12" (the
// reader keeps it on its own line after /proc/version's): the last field is
// the upstream version the ABI name 6.8.0-45-generic hides.
std::string ubuntu_kernel_version(const std::string& version_text) {
  std::size_t line = 0;
  while (line < version_text.size()) {
    std::size_t end = version_text.find('\n', line);
    if (end == std::string::npos) end = version_text.size();
    std::string_view text(version_text.data() + line, end - line);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\r')) text.remove_suffix(1);
    if (text.starts_with("Ubuntu ")) {
      const std::size_t last = text.rfind(' ');
      std::string version(text.substr(last + 1));
      if (last > 7 && is_valid_version(version) && version.find('-') == std::string::npos) return version;
    }
    line = end + 1;
  }
  return "";
}

// The leading numbers of the release: "6.5.6-300.fc39.x86_64" -> "6.5.6".
std::string release_version(const std::string& release) {
  std::string version;
  for (char c : release) {
    if ((c < '0' || c > '9') && c != '.') break;
    version += c;
  }
  while (!version.empty() && version.back() == '.') version.pop_back();
  return is_valid_version(version) ? version : "";
}

}  // namespace

std::string running_kernel_version(const KernelState& kernel) {
  std::string version = debian_kernel_version(kernel.version_text);
  if (version.empty()) version = ubuntu_kernel_version(kernel.version_text);
  // Elsewhere the release starts with the upstream version: "6.5.6-300.fc39.x86_64", "6.6.1-arch1-1".
  return version.empty() ? release_version(kernel.release) : version;
}

bool kernel_version_is_guessed(const KernelState& kernel) {
  if (!debian_kernel_version(kernel.version_text).empty() || !ubuntu_kernel_version(kernel.version_text).empty()) {
    return false;
  }
  // "x.y.0-<abi>": Debian's and Ubuntu's ABI names count from x.y.0 whatever
  // the point release; Fedora's and Arch's releases name the real version.
  const std::string version = release_version(kernel.release);
  return version.ends_with(".0") && std::count(version.begin(), version.end(), '.') == 2 &&
         kernel.release.size() > version.size() && kernel.release[version.size()] == '-';
}

namespace {

std::string underscored(std::string text) {
  std::replace(text.begin(), text.end(), '-', '_');
  return lowercase(text);
}

bool is_sof_name(const std::string& text) {
  const std::string lower = lowercase(text);
  return lower.starts_with("sof-") || lower.starts_with("sof_") || lower.starts_with("snd_sof") ||
         lower.starts_with("snd-sof");
}

bool module_present(const std::vector<std::string>& names, const KernelState& kernel) {
  const auto named = [&](const std::string& text) {
    if (text.empty()) return false;
    const std::string u = underscored(text);
    return std::any_of(names.begin(), names.end(), [&](const std::string& n) { return underscored(n) == u; });
  };
  for (const KernelCard& card : kernel.cards) {
    if (named(card.module) || named(card.driver)) return true;
  }
  for (const AudioController& c : kernel.controllers) {
    if (named(c.driver)) return true;
  }
  for (const CardlessAudioDevice& d : kernel.cardless) {
    if (named(d.driver)) return true;
  }
  return std::any_of(kernel.module_parameters.begin(), kernel.module_parameters.end(),
                     [&](const ModuleParameter& p) { return named(p.module); });
}

bool id_present(const std::vector<std::string>& ids, const std::string& bus, const KernelState& kernel) {
  const auto listed = [&](const std::string& vendor, const std::string& product) {
    const std::string id = lowercase(vendor + ":" + product);
    return std::find(ids.begin(), ids.end(), id) != ids.end();
  };
  for (const AudioController& c : kernel.controllers) {
    if (c.bus == bus && listed(c.vendor_id, c.product_id)) return true;
  }
  for (const KernelCard& card : kernel.cards) {
    if (card.bus == bus && listed(card.vendor_id, card.product_id)) return true;
  }
  return false;
}

// Hands-free (0x111e, 0x111f) and headset (0x1108, 0x1112, 0x1131) profiles.
bool is_headset_uuid(const std::string& uuid) {
  for (const char* short_id : {"0000111e", "0000111f", "00001108", "00001112", "00001131"}) {
    if (lowercase(uuid).starts_with(short_id)) return true;
  }
  return false;
}

}  // namespace

bool has_sof_audio(const KernelState& kernel) {
  for (const KernelCard& card : kernel.cards) {
    if (is_sof_name(card.alsa_driver) || is_sof_name(card.driver) || is_sof_name(card.module)) return true;
  }
  for (const AudioController& c : kernel.controllers) {
    if (is_sof_name(c.driver)) return true;
  }
  return std::any_of(kernel.cardless.begin(), kernel.cardless.end(),
                     [](const CardlessAudioDevice& d) { return is_sof_name(d.driver); });
}

const BluetoothDevice* bluetooth_headset(const BluetoothState& bluetooth) {
  for (const BluetoothDevice& device : bluetooth.devices) {
    if (!device.paired && !device.connected) continue;
    if (std::any_of(device.uuids.begin(), device.uuids.end(), is_headset_uuid)) return &device;
  }
  return nullptr;
}

bool hardware_matches(const HardwareCondition& condition, const SystemSnapshot& snapshot) {
  if (condition.kind.empty()) return true;
  if (condition.kind == "sof") return has_sof_audio(snapshot.kernel);
  if (condition.kind == "module") return module_present(condition.values, snapshot.kernel);
  if (condition.kind == "pci" || condition.kind == "usb") return id_present(condition.values, condition.kind, snapshot.kernel);
  if (condition.kind == "bluetooth_headset") return bluetooth_headset(snapshot.bluetooth) != nullptr;
  return false;
}

}  // namespace checks

std::vector<std::string> packages_of_interest() {
  std::vector<std::string> names;
  const auto add = [&](const std::string& name) {
    if (!name.empty() && std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  };
  for (const checks::KnownBadEntry& entry : checks::shipped_known_bad_table().entries) {
    for (const std::string& name : checks::names_for(entry.packages, checks::PackageFamily::unknown)) add(name);
  }
  for (const checks::PackageFamily family : {checks::PackageFamily::debian, checks::PackageFamily::fedora,
                                             checks::PackageFamily::arch, checks::PackageFamily::suse}) {
    for (const checks::SystemPackage package :
         {checks::SystemPackage::sof_firmware, checks::SystemPackage::ucm_conf,
          checks::SystemPackage::pipewire_bluetooth, checks::SystemPackage::pulseaudio_bluetooth}) {
      add(checks::package_name(family, package));
    }
  }
  return names;
}

}  // namespace micdoctor
