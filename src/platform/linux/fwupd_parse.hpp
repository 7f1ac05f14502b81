#pragma once
// fwupd's D-Bus replies (GetDevices, GetUpgrades, GetRemotes: arrays of a{sv})
// turned into the model, as pure functions over a decoded property map, so
// the rules (which keys, which flags, which device is audio, how old the
// metadata is) are tested without a bus. Keys and flag bits from fwupd's
// libfwupd (fwupd-enums.h, fwupd-remote.h of Debian 12's libfwupd-dev 2.0.20;
// the same bits in 1.8).
#include <cstdint>
#include <map>
#include <string>
#include <variant>
#include <vector>

#include "model/drivers.hpp"

namespace micdoctor::linux_system {

// One a{sv} value of the types fwupd uses; anything else is dropped while
// decoding (a wrong type never reaches the rules).
using FwupdValue = std::variant<std::string, std::uint64_t, bool, std::vector<std::string>>;
using FwupdProperties = std::map<std::string, FwupdValue>;

// Bounds on what a reply may hold; the rest is cut off.
inline constexpr std::size_t kFwupdMaxEntries = 512;       // devices, releases or remotes in one reply
inline constexpr std::size_t kFwupdMaxReleases = 16;       // upgrades kept per device
inline constexpr std::size_t kFwupdMaxStrings = 64;        // items of one string array
inline constexpr std::size_t kFwupdMaxStringBytes = 4096;  // one string value
inline constexpr std::size_t kFwupdMaxDescription = 1200;  // release notes kept, as plain text

// Device flags by name (FWUPD_DEVICE_FLAG_*), only the ones micdoctor shows.
std::vector<std::string> fwupd_device_flag_names(std::uint64_t flags);

// Whether fwupd's device is a headset, microphone, webcam, dock or audio
// controller: by its icons (audio-card, audio-headset, audio-headphones,
// audio-input-microphone, camera-web, camera-video, dock), its plugin
// (jabra, jabra_gnp, logitech_bulkcontroller, logitech_tap, synaptics_cxaudio,
// dell_dock, ...) or a vendor that makes only audio devices (Jabra USB:0x0B0E,
// Poly/Plantronics USB:0x047F, EPOS/Sennheiser USB:0x1395).
bool fwupd_is_audio(const std::vector<std::string>& icons, const std::string& plugin, const std::string& vendor_ids);

FirmwareDevice fwupd_device(const FwupdProperties& properties);
FirmwareRelease fwupd_release(const FwupdProperties& properties);

// The release notes (fwupd's XML-ish markup: <p>, <ul><li>, entities) as
// plain text, at most kFwupdMaxDescription bytes.
std::string fwupd_plain_text(const std::string& markup);

// The metadata's state from GetRemotes: "fresh", "stale" (> 30 days),
// "missing" (no enabled download remote has downloaded any), "" when no
// download remote is enabled. The age is the oldest enabled download
// remote's. `now_unix_s`: the time now.
void fwupd_metadata_state(const std::vector<FwupdProperties>& remotes, std::int64_t now_unix_s, FirmwareService& service);

}  // namespace micdoctor::linux_system
