// Whether alsa-ucm-conf has a configuration for each card, following the
// lookup of its top-level ucm2/ucm.conf (alsa-ucm-conf 1.2.4 and later):
//
//   ucm2/conf.d/${Driver}/${CardLongName}.conf
//   ucm2/conf.d/${Driver}/${Driver}.conf
//
// where Driver is the card's ALSA driver name (/proc/asound/cards: "sof-hda-dsp",
// "HDA-Intel", "USB-Audio"), or the kernel driver's name when that is empty;
// then the older layout (alsa-ucm-conf 1.2.1-1.2.3, "V2Name" paths):
//
//   ucm2/${CardDriver}/${CardLongName}.conf
//   ucm2/${CardDriver}/${CardDriver}.conf
//
// alsa-lib takes the first one it may read (parse_toplevel_path in its
// src/ucm/parser.c: access(R_OK), following symbolic links, which is how
// conf.d points into the per-vendor folders). A file that exists but then
// says "Error" for this exact device (USB-Audio.conf does for most USB
// devices) is not told apart: that needs alsa-lib's own evaluation.
#include <unistd.h>

#include <system_error>

#include "platform/linux/kernel_readers.hpp"

namespace micdoctor::linux_system {
namespace {

namespace fs = std::filesystem;

constexpr const char* kUcmDir = "/usr/share/alsa/ucm2";

bool readable(const fs::path& path) {
  std::error_code error;
  return fs::is_regular_file(path, error) && ::access(path.c_str(), R_OK) == 0;
}

// The candidate files for one card, as machine paths under ucm2, in lookup order.
std::vector<std::string> candidates(const KernelCard& card) {
  std::vector<std::string> out;
  const std::string driver = !card.alsa_driver.empty() ? card.alsa_driver : card.driver;
  if (driver.empty() || driver.find('/') != std::string::npos || driver.front() == '.') return out;
  // A long name with '/' would name another folder; alsa-lib would not find it either.
  const bool long_name_usable = !card.long_name.empty() && card.long_name.find('/') == std::string::npos;
  if (long_name_usable) out.push_back("conf.d/" + driver + "/" + card.long_name + ".conf");
  out.push_back("conf.d/" + driver + "/" + driver + ".conf");
  if (!card.alsa_driver.empty()) {
    if (long_name_usable) out.push_back(card.alsa_driver + "/" + card.long_name + ".conf");
    out.push_back(card.alsa_driver + "/" + card.alsa_driver + ".conf");
  }
  return out;
}

}  // namespace

void read_ucm(const fs::path& root, KernelState& state) {
  const fs::path ucm2 = root / fs::path(kUcmDir).relative_path();
  std::error_code error;
  state.ucm_installed = fs::is_directory(ucm2, error);
  if (!*state.ucm_installed) return;  // nothing to look in: each card's answer stays unknown
  for (KernelCard& card : state.cards) {
    card.ucm_config_found = false;
    card.ucm_config.clear();
    for (const std::string& candidate : candidates(card)) {
      if (!readable(ucm2 / candidate)) continue;
      card.ucm_config_found = true;
      card.ucm_config = std::string(kUcmDir) + "/" + candidate;
      break;
    }
  }
}

}  // namespace micdoctor::linux_system
