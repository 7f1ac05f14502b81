// /proc/asound: the cards' ALSA driver and long name, and the HD-Audio codec pages.
#include <algorithm>
#include <system_error>

#include "kernel_text/asound_cards.hpp"
#include "kernel_text/codec_page.hpp"
#include "kernel_text/text_lines.hpp"
#include "platform/linux/bounded_file.hpp"
#include "platform/linux/kernel_readers.hpp"

namespace micdoctor::linux_system {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kMaxCardsFile = std::size_t{64} * 1024;
// A codec page is 10-60 KiB; a longer one is read as far as the bound.
constexpr std::size_t kMaxCodecPage = std::size_t{512} * 1024;
constexpr int kMaxCardDirs = 32;
constexpr int kMaxCodecsPerCard = 8;

// "codec#2" → 2.
std::optional<int> codec_address(const std::string& name) {
  if (name.rfind("codec#", 0) != 0) return std::nullopt;
  return kernel_text::parse_small_int(std::string_view(name).substr(6));
}

void read_codecs(const fs::path& asound, KernelState& state) {
  for (int card = 0; card < kMaxCardDirs; ++card) {
    const fs::path dir = asound / ("card" + std::to_string(card));
    std::error_code error;
    fs::directory_iterator it(dir, error);
    if (error) continue;
    std::vector<std::pair<int, fs::path>> pages;
    for (const fs::directory_entry& entry : it) {
      if (const auto address = codec_address(entry.path().filename().string())) pages.emplace_back(*address, entry.path());
      if (pages.size() >= static_cast<std::size_t>(kMaxCodecsPerCard)) break;
    }
    std::sort(pages.begin(), pages.end());
    for (const auto& [address, path] : pages) {
      const auto text = read_bounded_file(path, kMaxCodecPage);
      if (!text || text->empty()) continue;
      state.codecs.push_back(kernel_text::parse_codec_page(*text, card, address));
    }
  }
}

}  // namespace

void read_asound(const fs::path& root, KernelState& state) {
  const fs::path asound = root / "proc/asound";
  if (const auto cards = read_bounded_file(asound / "cards", kMaxCardsFile)) {
    for (const kernel_text::AsoundCard& listed : kernel_text::parse_asound_cards(*cards)) {
      for (KernelCard& card : state.cards) {
        if (card.number != listed.number) continue;
        card.alsa_driver = listed.alsa_driver;
        card.long_name = listed.long_name;
      }
    }
  }
  read_codecs(asound, state);
}

}  // namespace micdoctor::linux_system
