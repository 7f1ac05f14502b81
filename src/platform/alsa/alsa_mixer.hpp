#pragma once
// The ALSA mixer of every card through alsa-lib's simple mixer (what amixer
// and alsamixer show), read without root, and single mixer settings for the
// fixes. Elements are named as findings and fixes name them:
// "<card id>:<element name>,<index>" (model's mixer_element_id()).
#include <string>
#include <vector>

#include "fixes/change.hpp"
#include "model/snapshot.hpp"

namespace micdoctor::alsa {

// At most this many elements per card and channels per element are read.
inline constexpr std::size_t kMaxMixerElements = 256;
inline constexpr std::size_t kMaxMixerChannels = 32;

// One AlsaMixer per card, in the cards' order: its simple mixer opened as
// "hw:<card id>" (else "hw:<number>"). Only elements that touch capture are
// kept: a capture volume or switch, a direction-less volume (HD-Audio's
// "Mic Boost"), an enumerated capture element (an input selector). A card
// that cannot be opened is AlsaMixer{read = false, error = why}.
std::vector<AlsaMixer> read_alsa_mixers(const std::vector<KernelCard>& cards);

// One card's mixer, by its id (the same rules).
AlsaMixer read_alsa_mixer(const std::string& card_id, int number);

// The exact value of a mixer setting (mixer_switch, mixer_volume, mixer_enum)
// of the element target.name names; gone when the card or element is not there.
CurrentValue read_mixer_setting(Setting setting, const ChangeTarget& target);

// Sets it: levels per channel (one level = every channel), or the item by
// name. False with the reason when the card, the element, a channel or the
// value does not fit.
bool write_mixer_setting(Setting setting, const ChangeTarget& target, const SettingValue& value, std::string& error);

}  // namespace micdoctor::alsa
