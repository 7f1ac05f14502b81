#include "platform/alsa/alsa_mixer.hpp"

#include <alsa/asoundlib.h>

#include <memory>

namespace micdoctor::alsa {
namespace {

struct MixerClose {
  void operator()(snd_mixer_t* mixer) const { snd_mixer_close(mixer); }
};
using Mixer = std::unique_ptr<snd_mixer_t, MixerClose>;

// alsa-lib prints its own errors to stderr; the report says what matters.
void quiet(const char*, int, const char*, int, const char*, ...) {}

// Silences alsa-lib's error printing while micdoctor reads or writes a mixer
// (the report says what matters), and gives it back after: the handler is the
// whole process's.
class QuietAlsa {
 public:
  QuietAlsa() : previous_(snd_lib_error) { snd_lib_error_set_handler(quiet); }
  ~QuietAlsa() { snd_lib_error_set_handler(previous_); }
  QuietAlsa(const QuietAlsa&) = delete;
  QuietAlsa& operator=(const QuietAlsa&) = delete;

 private:
  snd_lib_error_handler_t previous_;
};

// The simple mixer of "hw:<card>", loaded; null with the reason.
Mixer open_mixer(const std::string& card, std::string& error, int& code) {
  snd_mixer_t* raw = nullptr;
  code = snd_mixer_open(&raw, 0);
  if (code < 0) {
    error = std::string("alsa-lib could not make a mixer: ") + snd_strerror(code);
    return nullptr;
  }
  Mixer mixer(raw);
  const std::string device = "hw:" + card;
  if ((code = snd_mixer_attach(mixer.get(), device.c_str())) < 0 ||
      (code = snd_mixer_selem_register(mixer.get(), nullptr, nullptr)) < 0 || (code = snd_mixer_load(mixer.get())) < 0) {
    error = "the mixer of " + device + " could not be opened: " + snd_strerror(code);
    return nullptr;
  }
  return mixer;
}

// The channels of an element's capture side (or of its direction-less
// volume, which alsa-lib reads through the playback calls).
std::vector<snd_mixer_selem_channel_id_t> channels(snd_mixer_elem_t* elem, bool capture) {
  std::vector<snd_mixer_selem_channel_id_t> list;
  for (int c = 0; c <= SND_MIXER_SCHN_LAST && list.size() < kMaxMixerChannels; ++c) {
    const auto channel = static_cast<snd_mixer_selem_channel_id_t>(c);
    if (capture ? snd_mixer_selem_has_capture_channel(elem, channel) : snd_mixer_selem_has_playback_channel(elem, channel)) {
      list.push_back(channel);
    }
    if (capture ? snd_mixer_selem_is_capture_mono(elem) : snd_mixer_selem_is_playback_mono(elem)) break;
  }
  return list;
}

// A direction-less volume ("Mic Boost": amixer's "volume" capability).
bool common_volume(snd_mixer_elem_t* elem) {
  return !snd_mixer_selem_has_capture_volume(elem) && snd_mixer_selem_has_common_volume(elem);
}

std::optional<MixerVolume> read_volume(snd_mixer_elem_t* elem) {
  const bool capture = snd_mixer_selem_has_capture_volume(elem) != 0;
  if (!capture && !common_volume(elem)) return std::nullopt;
  MixerVolume v;
  if ((capture ? snd_mixer_selem_get_capture_volume_range(elem, &v.min, &v.max)
               : snd_mixer_selem_get_playback_volume_range(elem, &v.min, &v.max)) < 0) {
    return std::nullopt;
  }
  long db_min = 0;
  long db_max = 0;
  const bool db = (capture ? snd_mixer_selem_get_capture_dB_range(elem, &db_min, &db_max)
                           : snd_mixer_selem_get_playback_dB_range(elem, &db_min, &db_max)) == 0;
  if (db) {
    v.db_min = static_cast<double>(db_min) / 100.0;
    v.db_max = static_cast<double>(db_max) / 100.0;
    long above_mute = 0;
    // The lowest step mutes (SOF volumes, HDA amps with min-mute): the gain starts at step min+1.
    if (is_mute_db(*v.db_min) && v.max > v.min + 1 &&
        (capture ? snd_mixer_selem_ask_capture_vol_dB(elem, v.min + 1, &above_mute)
                 : snd_mixer_selem_ask_playback_vol_dB(elem, v.min + 1, &above_mute)) == 0 &&
        !is_mute_db(static_cast<double>(above_mute) / 100.0)) {
      v.db_above_mute = static_cast<double>(above_mute) / 100.0;
    }
    if (is_mute_db(*v.db_min)) v.db_min = kMuteDb;
  }
  for (const auto channel : channels(elem, capture)) {
    long value = 0;
    if ((capture ? snd_mixer_selem_get_capture_volume(elem, channel, &value)
                 : snd_mixer_selem_get_playback_volume(elem, channel, &value)) < 0) {
      return std::nullopt;
    }
    v.values.push_back(value);
    long channel_db = 0;
    if (db && (capture ? snd_mixer_selem_get_capture_dB(elem, channel, &channel_db)
                       : snd_mixer_selem_get_playback_dB(elem, channel, &channel_db)) == 0) {
      const double channel_gain = static_cast<double>(channel_db) / 100.0;
      v.db.push_back(is_mute_db(channel_gain) ? kMuteDb : channel_gain);
    }
  }
  if (v.db.size() != v.values.size()) v.db.clear();
  return v;
}

bool capture_enum(snd_mixer_elem_t* elem) {
  return snd_mixer_selem_is_enumerated(elem) && snd_mixer_selem_is_enum_capture(elem);
}

std::string enum_item_name(snd_mixer_elem_t* elem, unsigned item) {
  char name[128] = {};
  if (snd_mixer_selem_get_enum_item_name(elem, item, sizeof name, name) < 0) return {};
  return name;
}

MixerElement read_element(snd_mixer_elem_t* elem) {
  MixerElement e;
  e.name = snd_mixer_selem_get_name(elem);
  e.index = static_cast<int>(snd_mixer_selem_get_index(elem));
  e.volume = read_volume(elem);
  // alsa-lib counts a direction-less volume as a capture volume too; amixer calls it "volume".
  e.volume_is_capture = snd_mixer_selem_has_capture_volume(elem) && !snd_mixer_selem_has_common_volume(elem);
  if (snd_mixer_selem_has_capture_switch(elem)) {
    e.capture_exclusive = snd_mixer_selem_has_capture_switch_exclusive(elem) != 0;
    for (const auto channel : channels(elem, true)) {
      int on = 0;
      if (snd_mixer_selem_get_capture_switch(elem, channel, &on) == 0) e.capture_switch.push_back(on != 0);
    }
  }
  if (capture_enum(elem)) {
    const int items = snd_mixer_selem_get_enum_items(elem);
    for (int i = 0; i < items && i < 64; ++i) e.enum_items.push_back(enum_item_name(elem, static_cast<unsigned>(i)));
    unsigned selected = 0;
    if (snd_mixer_selem_get_enum_item(elem, SND_MIXER_SCHN_MONO, &selected) == 0) {
      e.enum_selected = enum_item_name(elem, selected);
    }
  }
  return e;
}

bool touches_capture(const MixerElement& e) {
  return e.volume.has_value() || !e.capture_switch.empty() || !e.enum_items.empty();
}

// The element an id names in an open mixer, or null.
snd_mixer_elem_t* find_element(snd_mixer_t* mixer, const MixerElementId& id) {
  snd_mixer_selem_id_t* sid = nullptr;
  snd_mixer_selem_id_alloca(&sid);
  snd_mixer_selem_id_set_name(sid, id.name.c_str());
  snd_mixer_selem_id_set_index(sid, static_cast<unsigned>(id.index));
  return snd_mixer_find_selem(mixer, sid);
}

// Opens the card a target names and finds its element; `gone` when either is not there.
snd_mixer_elem_t* open_element(const ChangeTarget& target, Mixer& mixer, std::string& error, bool& gone) {
  MixerElementId id;
  if (!parse_mixer_element_id(target.name, id)) {
    error = "\"" + target.name + "\" does not name a mixer control";
    return nullptr;
  }
  int code = 0;
  mixer = open_mixer(id.card_id, error, code);
  if (!mixer) {
    gone = code == -ENODEV || code == -ENOENT;
    if (gone) error = "the sound card \"" + id.card_id + "\" is not there (unplugged?)";
    return nullptr;
  }
  snd_mixer_elem_t* elem = find_element(mixer.get(), id);
  if (elem == nullptr) {
    gone = true;
    error = "the sound card \"" + id.card_id + "\" has no mixer control \"" + id.name + "\"," + std::to_string(id.index);
  }
  return elem;
}

}  // namespace

AlsaMixer read_alsa_mixer(const std::string& card_id, int number) {
  const QuietAlsa quiet_alsa;
  AlsaMixer result;
  result.card = number;
  result.card_id = card_id;
  int code = 0;
  Mixer mixer = open_mixer(card_id, result.error, code);
  if (!mixer) {
    std::string second_error;
    mixer = open_mixer(std::to_string(number), second_error, code);
    if (!mixer) return result;
  }
  result.error.clear();
  result.read = true;
  for (snd_mixer_elem_t* elem = snd_mixer_first_elem(mixer.get());
       elem != nullptr && result.elements.size() < kMaxMixerElements; elem = snd_mixer_elem_next(elem)) {
    if (!snd_mixer_selem_is_active(elem)) continue;
    MixerElement element = read_element(elem);
    if (touches_capture(element)) result.elements.push_back(std::move(element));
  }
  return result;
}

std::vector<AlsaMixer> read_alsa_mixers(const std::vector<KernelCard>& cards) {
  std::vector<AlsaMixer> mixers;
  mixers.reserve(cards.size());
  for (const KernelCard& card : cards) {
    mixers.push_back(read_alsa_mixer(card.id.empty() ? std::to_string(card.number) : card.id, card.number));
  }
  return mixers;
}

CurrentValue read_mixer_setting(Setting setting, const ChangeTarget& target) {
  const QuietAlsa quiet_alsa;
  CurrentValue now;
  Mixer mixer;
  snd_mixer_elem_t* elem = open_element(target, mixer, now.error, now.gone);
  if (elem == nullptr) return now;
  const MixerElement element = read_element(elem);
  SettingValue value;
  if (setting == Setting::mixer_switch && !element.capture_switch.empty()) {
    for (const bool on : element.capture_switch) value.levels.push_back(on ? 1 : 0);
  } else if (setting == Setting::mixer_volume && element.volume && !element.volume->values.empty()) {
    value.levels = element.volume->values;
    value.db = element.volume->db;
  } else if (setting == Setting::mixer_enum && !element.enum_items.empty()) {
    value.name = element.enum_selected;
  } else {
    now.gone = true;
    now.error = "the mixer control " + target.name + " has no " +
                (setting == Setting::mixer_switch ? "capture switch" : setting == Setting::mixer_volume ? "volume" : "input items");
    return now;
  }
  now.value = std::move(value);
  return now;
}

bool write_mixer_setting(Setting setting, const ChangeTarget& target, const SettingValue& value, std::string& error) {
  const QuietAlsa quiet_alsa;
  Mixer mixer;
  bool gone = false;
  snd_mixer_elem_t* elem = open_element(target, mixer, error, gone);
  if (elem == nullptr) return false;
  if (setting == Setting::mixer_enum) {
    if (!capture_enum(elem)) {
      error = "the mixer control " + target.name + " is not an input selector";
      return false;
    }
    const int items = snd_mixer_selem_get_enum_items(elem);
    for (int i = 0; i < items; ++i) {
      if (enum_item_name(elem, static_cast<unsigned>(i)) != value.name) continue;
      const int code = snd_mixer_selem_set_enum_item(elem, SND_MIXER_SCHN_MONO, static_cast<unsigned>(i));
      if (code < 0) error = snd_strerror(code);
      return code >= 0;
    }
    error = "the input selector " + target.name + " has no item \"" + value.name + "\"";
    return false;
  }
  const bool is_switch = setting == Setting::mixer_switch;
  if (is_switch ? !snd_mixer_selem_has_capture_switch(elem)
                : !snd_mixer_selem_has_capture_volume(elem) && !common_volume(elem)) {
    error = "the mixer control " + target.name + " has no " + (is_switch ? "capture switch" : "volume");
    return false;
  }
  const bool capture = is_switch || snd_mixer_selem_has_capture_volume(elem);
  const auto list = channels(elem, capture);
  if (value.levels.empty() || (value.levels.size() != 1 && value.levels.size() != list.size())) {
    error = "the mixer control " + target.name + " has " + std::to_string(list.size()) + " channels, not " +
            std::to_string(value.levels.size());
    return false;
  }
  long min = 0;
  long max = 1;
  if (!is_switch) {
    if (capture) snd_mixer_selem_get_capture_volume_range(elem, &min, &max);
    else snd_mixer_selem_get_playback_volume_range(elem, &min, &max);
  }
  for (std::size_t i = 0; i < list.size(); ++i) {
    const long level = value.levels.size() == 1 ? value.levels[0] : value.levels[i];
    if (level < min || level > max) {
      error = "the value " + std::to_string(level) + " is outside " + std::to_string(min) + " - " + std::to_string(max);
      return false;
    }
    int code = 0;
    if (is_switch) code = snd_mixer_selem_set_capture_switch(elem, list[i], level != 0 ? 1 : 0);
    else if (capture) code = snd_mixer_selem_set_capture_volume(elem, list[i], level);
    else code = snd_mixer_selem_set_playback_volume(elem, list[i], level);
    if (code < 0) {
      error = snd_strerror(code);
      return false;
    }
  }
  return true;
}

}  // namespace micdoctor::alsa
