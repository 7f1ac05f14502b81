#pragma once
// amixer's text, as alsa-info.sh's "!!Amixer output" section holds it: for
// each card a heading ("!!-------Mixer controls for card PCH", in 0.4.x
// "!!-------Mixer controls for card 0 [PCH]"), `amixer -c CARD info`:
//
//   Card hw:0 'PCH'/'HDA Intel PCH at 0xf7f10000 irq 33'
//     Mixer name	: 'Realtek ALC256'
//     Components	: 'HDA:10ec0256,10280798,00100002'
//
// and `amixer -c CARD` (alsa-utils amixer/amixer.c, show_selem):
//
//   Simple mixer control 'Capture',0
//     Capabilities: cvolume cswitch
//     Capture channels: Front Left - Front Right
//     Limits: Capture 0 - 63
//     Front Left: Capture 39 [62%] [12.00dB] [on]
//     Front Right: Capture 39 [62%] [12.00dB] [on]
//
// amixer shows no dB range, only each channel's dB: db_min/db_max stay null
// (the alsa-info reader fills them from alsactl's dbmin/dbmax when the dump
// has them). Pure text in, model out.
#include <string>
#include <string_view>
#include <vector>

#include "model/below_server.hpp"

namespace micdoctor::alsainfo {

inline constexpr std::size_t kMaxMixerElements = 1024;  // per card
inline constexpr std::size_t kMaxMixerChannels = 32;    // per element
inline constexpr std::size_t kMaxEnumItems = 256;

struct AmixerCard {
  AlsaMixer mixer;             // card -1 when neither the info nor the heading gives its number
  std::string heading_card;    // what the heading names: "PCH" (0.5.x) or "0 [PCH]" (0.4.x)
  // The HD-Audio codecs of the card, from "Components": their vendor ids
  // without 0x ("10ec0256"); what ties a codec page to its card.
  std::vector<std::string> hda_codecs;
};

// The whole "Amixer output" section: one entry for each card heading.
std::vector<AmixerCard> parse_amixer_output(const std::vector<std::string>& lines);

// One simple mixer element from its lines, the first being
// "Simple mixer control 'NAME',INDEX". False when that first line is not.
bool parse_mixer_element(const std::vector<std::string>& lines, MixerElement& out);

}  // namespace micdoctor::alsainfo
