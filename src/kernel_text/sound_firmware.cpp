#include "kernel_text/sound_firmware.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>

namespace micdoctor {
namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}


bool is_sound_firmware_path(std::string_view path) {
  static const std::array<std::string_view, 11> kPrefixes = {
      "intel/sof", "intel/avs/", "amd/sof", "mediatek/sof", "imx/sof", "cirrus/",
      // The Skylake/Broadwell/Baytrail DSP drivers' images (sound/soc/intel/skylake, sound/soc/intel/atom).
      "intel/dsp_fw_", "intel/fw_sst_", "intel/intcsst", "intel/intcpm", "hda-jack-retask.fw"};
  const std::string name = lower(path);
  if (name.ends_with(".tplg") || name.ends_with("-tplg.bin")) return true;
  return std::any_of(kPrefixes.begin(), kPrefixes.end(), [&](std::string_view p) { return name.starts_with(p); });
}

// The words before the firmware message: "[ 6.52] snd_soc_skl 0000:00:1f.3: " or
// "sof-audio-pci-intel-tgl 0000:00:1f.3: error: ". The device prefix, not the
// file name, so "rtl_bt/..." asked for by "bluetooth hci0" does not count.
bool is_from_sound_driver(std::string_view line, std::string_view path) {
  const std::size_t at = line.find(path);
  const std::string prefix = lower(line.substr(0, at == std::string_view::npos ? line.size() : at));
  static const std::array<std::string_view, 6> kDrivers = {"snd_", "snd-", "sof-", "sof_", "soundwire", "avs "};
  return std::any_of(kDrivers.begin(), kDrivers.end(), [&](std::string_view d) {
    const std::size_t found = prefix.find(d);
    // A driver name starts a word: not "xsnd_" or "navs ".
    return found != std::string::npos && (found == 0 || prefix[found - 1] == ' ' || prefix[found - 1] == ']');
  });
}

}  // namespace

bool is_sound_firmware(std::string_view line, std::string_view path) {
  return is_sound_firmware_path(path) || is_from_sound_driver(line, path);
}

}  // namespace micdoctor
