#include "platform/linux/fwupd_parse.hpp"

#include <algorithm>
#include <array>
#include <optional>
#include <cctype>
#include <utility>

namespace micdoctor::linux_system {
namespace {

constexpr std::int64_t kStaleAfterDays = 30;
constexpr std::int64_t kSecondsPerDay = 86400;
// FWUPD_REMOTE_KIND_DOWNLOAD (fwupd-remote.h); FWUPD_REMOTE_FLAG_ENABLED.
constexpr std::uint64_t kRemoteKindDownload = 1;
constexpr std::uint64_t kRemoteFlagEnabled = 1;

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

std::string text_of(const FwupdProperties& p, const char* key) {
  const auto it = p.find(key);
  if (it == p.end()) return {};
  if (const auto* s = std::get_if<std::string>(&it->second)) return *s;
  return {};
}

std::uint64_t number_of(const FwupdProperties& p, const char* key) {
  const auto it = p.find(key);
  if (it == p.end()) return 0;
  if (const auto* n = std::get_if<std::uint64_t>(&it->second)) return *n;
  return 0;
}

std::vector<std::string> strings_of(const FwupdProperties& p, const char* key) {
  const auto it = p.find(key);
  if (it == p.end()) return {};
  if (const auto* v = std::get_if<std::vector<std::string>>(&it->second)) return *v;
  // A single string where a list is expected (an older daemon's "Guid"): one item.
  if (const auto* s = std::get_if<std::string>(&it->second)) return {*s};
  return {};
}

// fwupd's urgency (FWUPD_RELEASE_URGENCY_*: unknown, low, medium, high, critical).
std::string urgency_name(std::uint64_t urgency) {
  constexpr std::array<const char*, 5> names = {"", "low", "medium", "high", "critical"};
  return urgency < names.size() ? names.at(urgency) : "";
}

void append_unique(std::vector<std::string>& list, const std::string& item) {
  if (!item.empty() && std::find(list.begin(), list.end(), item) == list.end()) list.push_back(item);
}

// "&amp;" and friends, the only entities fwupd's AppStream markup carries.
std::string decode_entities(const std::string& text) {
  static const std::array<std::pair<const char*, const char*>, 5> entities = {
      {{"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&apos;", "'"}}};
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    bool replaced = false;
    for (const auto& [entity, plain] : entities) {
      const std::string_view e(entity);
      if (text.compare(i, e.size(), e) == 0) {
        out += plain;
        i += e.size();
        replaced = true;
        break;
      }
    }
    if (!replaced) out += text[i++];
  }
  return out;
}

}  // namespace

std::vector<std::string> fwupd_device_flag_names(std::uint64_t flags) {
  // FWUPD_DEVICE_FLAG_* bits (fwupd-enums.h), named as fwupd_device_flag_to_string does.
  static const std::array<std::pair<int, const char*>, 13> known = {{
      {0, "internal"},
      {1, "updatable"},
      {3, "require-ac"},
      {4, "locked"},
      {5, "supported"},
      {6, "needs-bootloader"},
      {8, "needs-reboot"},
      {13, "is-bootloader"},
      {14, "wait-for-replug"},
      {17, "needs-shutdown"},
      {29, "usable-during-update"},
      {37, "updatable-hidden"},
      {51, "only-explicit-updates"},
  }};
  std::vector<std::string> names;
  for (const auto& [bit, name] : known) {
    if ((flags >> bit) & 1u) names.emplace_back(name);
  }
  return names;
}

bool fwupd_is_audio(const std::vector<std::string>& icons, const std::string& plugin, const std::string& vendor_ids) {
  // Icons fwupd's plugins set for sound and video devices (fu_device_add_icon).
  static const std::array<const char*, 8> audio_icons = {"audio-card", "audio-headset", "audio-headphones",
                                                         "audio-input-microphone", "audio-speakers", "camera-web",
                                                         "camera-video", "dock"};
  for (const std::string& icon : icons) {
    const std::string i = lower(icon);
    if (std::any_of(audio_icons.begin(), audio_icons.end(), [&](const char* a) { return i == a; })) return true;
  }
  // Plugins that only update headsets, speakerphones, conference cameras,
  // audio codecs or docks (with their audio jacks).
  static const std::array<const char*, 9> audio_plugins = {
      "jabra", "jabra_gnp", "jabra_file", "logitech_bulkcontroller", "logitech_tap", "synaptics_cxaudio",
      "dell_dock", "poly_hid", "lenovo_dock"};
  const std::string p = lower(plugin);
  if (std::any_of(audio_plugins.begin(), audio_plugins.end(), [&](const char* a) { return p == a; })) return true;
  // Vendors whose USB devices are all headsets and speakerphones.
  const std::string v = lower(vendor_ids);
  return v.find("usb:0x0b0e") != std::string::npos || v.find("usb:0x047f") != std::string::npos ||
         v.find("usb:0x1395") != std::string::npos;
}

FirmwareDevice fwupd_device(const FwupdProperties& p) {
  FirmwareDevice d;
  d.id = text_of(p, "DeviceId");
  d.name = text_of(p, "Name");
  d.vendor = text_of(p, "Vendor");
  d.version = text_of(p, "Version");
  d.plugin = text_of(p, "Plugin");
  d.vendor_ids = text_of(p, "VendorId");
  if (d.vendor_ids.empty()) {
    // fwupd 2.0 also sends the list as VendorIds (as).
    for (const std::string& id : strings_of(p, "VendorIds")) d.vendor_ids += (d.vendor_ids.empty() ? "" : "|") + id;
  }
  for (const std::string& id : strings_of(p, "InstanceIds")) append_unique(d.instance_ids, id);
  if (d.instance_ids.empty()) {
    for (const std::string& guid : strings_of(p, "Guid")) append_unique(d.instance_ids, guid);
  }
  d.flags = fwupd_device_flag_names(number_of(p, "Flags"));
  d.is_audio = fwupd_is_audio(strings_of(p, "Icon"), d.plugin, d.vendor_ids);
  return d;
}

FirmwareRelease fwupd_release(const FwupdProperties& p) {
  FirmwareRelease r;
  r.version = text_of(p, "Version");
  r.summary = fwupd_plain_text(text_of(p, "Summary"));
  r.description = fwupd_plain_text(text_of(p, "Description"));
  r.remote = text_of(p, "RemoteId");
  r.urgency = urgency_name(number_of(p, "Urgency"));
  r.size_bytes = number_of(p, "Size");
  constexpr std::uint64_t kMaxDuration = 24ull * 3600ull;  // a day: anything longer is nonsense
  const std::uint64_t duration = number_of(p, "InstallDuration");
  r.install_duration_s = static_cast<int>(std::min(duration, kMaxDuration));
  return r;
}

std::string fwupd_plain_text(const std::string& markup) {
  std::string text;
  bool in_tag = false;
  std::string tag;
  for (const char c : markup) {
    if (in_tag) {
      if (c == '>') {
        in_tag = false;
        const std::string t = lower(tag);
        // A paragraph or a list item starts a new line; an item gets a dash.
        if (t == "li") text += "\n- ";
        else if (t == "/p" || t == "p" || t == "/ul" || t == "/ol" || t == "br" || t == "br/") text += '\n';
        tag.clear();
      } else if (tag.size() < 16) {
        tag += c;
      }
      continue;
    }
    if (c == '<') {
      in_tag = true;
      continue;
    }
    // Control characters (a terminal escape, a NUL) never reach the text.
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 && c != '\n') text += ' ';
    else if (u != 0x7f) text += c;
  }
  text = decode_entities(text);
  // Collapse runs of blanks, at most one empty line, trim.
  std::string out;
  int newlines = 0;
  for (const char c : text) {
    if (c == '\n') {
      ++newlines;
      continue;
    }
    if (c == ' ' && (out.empty() || out.back() == ' ' || newlines > 0)) continue;
    if (newlines > 0 && !out.empty()) {
      while (!out.empty() && out.back() == ' ') out.pop_back();
      out += '\n';
    }
    newlines = 0;
    out += c;
  }
  while (!out.empty() && (out.back() == ' ' || out.back() == '\n')) out.pop_back();
  if (out.size() > kFwupdMaxDescription) {
    std::size_t cut = kFwupdMaxDescription;
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0u) == 0x80u) --cut;  // not inside a UTF-8 character
    out = out.substr(0, cut) + "...";
  }
  return out;
}

void fwupd_metadata_state(const std::vector<FwupdProperties>& remotes, std::int64_t now_unix_s,
                          FirmwareService& service) {
  bool any_download = false;
  bool any_missing = false;
  std::optional<std::int64_t> oldest;
  for (const FwupdProperties& r : remotes) {
    if (number_of(r, "Type") != kRemoteKindDownload) continue;
    // fwupd 1.8 sends Enabled (b); 2.0 the flags (t) as well.
    const auto enabled = r.find("Enabled");
    const bool is_enabled = enabled != r.end() && std::holds_alternative<bool>(enabled->second)
                                ? std::get<bool>(enabled->second)
                                : (number_of(r, "Flags") & kRemoteFlagEnabled) != 0;
    if (!is_enabled) continue;
    any_download = true;
    const std::uint64_t modified = number_of(r, "ModificationTime");
    if (modified == 0) {
      any_missing = true;
      continue;
    }
    const std::int64_t age_s = std::max<std::int64_t>(0, now_unix_s - static_cast<std::int64_t>(modified));
    if (!oldest || age_s > *oldest) oldest = age_s;
  }
  if (!any_download) {
    service.metadata.clear();
    return;
  }
  if (!oldest) {
    service.metadata = "missing";
    return;
  }
  const std::int64_t days = *oldest / kSecondsPerDay;
  service.metadata_age_days = static_cast<int>(std::min<std::int64_t>(days, 100000));
  service.metadata = any_missing || days > kStaleAfterDays ? (any_missing ? "missing" : "stale") : "fresh";
}

}  // namespace micdoctor::linux_system
