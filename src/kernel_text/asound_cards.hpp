#pragma once
// /proc/asound/cards, as the kernel's sound/core/init.c prints it (two lines a card):
//
//    0 [PCH            ]: HDA-Intel - HDA Intel PCH
//                         HDA Intel PCH at 0xf7f10000 irq 33
//
// ("%2i [%-15s]: %s - %s\n" with the card's number, id, driver and short
// name, then its long name indented). A system without cards prints
// "--- no soundcards ---".
#include <string>
#include <string_view>
#include <vector>

namespace micdoctor::kernel_text {

struct AsoundCard {
  int number = 0;
  std::string id;           // "PCH"
  std::string alsa_driver;  // "HDA-Intel", "USB-Audio", "sof-hda-dsp"
  std::string short_name;   // "HDA Intel PCH"
  std::string long_name;    // "HDA Intel PCH at 0xf7f10000 irq 33"; "" when the line is missing
};

// At most this many cards (the kernel allows 32; SNDRV_CARDS).
inline constexpr std::size_t kMaxAsoundCards = 64;

std::vector<AsoundCard> parse_asound_cards(std::string_view text);

}  // namespace micdoctor::kernel_text
