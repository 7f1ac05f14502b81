#include "kernel_text/asound_cards.hpp"

#include <optional>

#include "kernel_text/text_lines.hpp"

namespace micdoctor::kernel_text {
namespace {

// " 0 [PCH            ]: HDA-Intel - HDA Intel PCH" → a card without its long name.
std::optional<AsoundCard> card_line(std::string_view line) {
  line = trimmed(line);
  const std::size_t open = line.find(" [");
  const std::size_t close = line.find("]: ");
  if (open == std::string_view::npos || close == std::string_view::npos || close < open) return std::nullopt;
  const auto number = parse_small_int(trimmed(line.substr(0, open)));
  if (!number) return std::nullopt;
  AsoundCard card;
  card.number = *number;
  card.id = std::string(trimmed(line.substr(open + 2, close - open - 2)));
  const std::string_view names = line.substr(close + 3);
  const std::size_t dash = names.find(" - ");
  if (dash == std::string_view::npos) {
    card.alsa_driver = std::string(trimmed(names));
  } else {
    card.alsa_driver = std::string(trimmed(names.substr(0, dash)));
    card.short_name = std::string(trimmed(names.substr(dash + 3)));
  }
  return card;
}

}  // namespace

std::vector<AsoundCard> parse_asound_cards(std::string_view text) {
  std::vector<AsoundCard> cards;
  bool expect_long_name = false;
  for_each_line(text, [&](std::string_view line) {
    if (auto card = card_line(line)) {
      expect_long_name = cards.size() < kMaxAsoundCards;
      if (expect_long_name) cards.push_back(std::move(*card));
      return;
    }
    // The long name is the (indented) line right after its card's line. Forum
    // software may have eaten the indent, so any text line counts, but not
    // alsa-info's section markers ("!!...") or "--- no soundcards ---".
    const std::string_view text_line = trimmed(line);
    if (expect_long_name && !text_line.empty() && !text_line.starts_with("!!") && !text_line.starts_with("--")) {
      cards.back().long_name = std::string(text_line.substr(0, 512));
    }
    expect_long_name = false;
  });
  return cards;
}

}  // namespace micdoctor::kernel_text
