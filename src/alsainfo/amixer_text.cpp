#include "alsainfo/amixer_text.hpp"

#include <algorithm>
#include <charconv>
#include <optional>

#include "alsainfo/dump_text.hpp"

namespace micdoctor::alsainfo {
namespace {

constexpr std::string_view kElementStart = "Simple mixer control '";
constexpr std::string_view kHeading = "!!-------Mixer controls for card ";

std::optional<long> parse_long(std::string_view text) {
  long value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// "[12.00dB]" → 12.0 (amixer's print_dB: an optional '-', digits, '.', two digits).
std::optional<double> parse_db(std::string_view token) {
  if (token.size() < 5 || token.front() != '[' || token.substr(token.size() - 3) != "dB]") return std::nullopt;
  token = token.substr(1, token.size() - 4);
  const bool negative = !token.empty() && token.front() == '-';
  if (negative) token.remove_prefix(1);
  const std::size_t dot = token.find('.');
  const auto whole = parse_long(token.substr(0, dot));
  if (!whole) return std::nullopt;
  double value = static_cast<double>(*whole);
  if (dot != std::string_view::npos) {
    const std::string_view fraction = token.substr(dot + 1);
    const auto hundredths = parse_long(fraction);
    if (!hundredths || fraction.size() > 2 || *hundredths < 0) return std::nullopt;
    value += static_cast<double>(*hundredths) / (fraction.size() == 1 ? 10.0 : 100.0);
  }
  return negative ? -value : value;
}

std::vector<std::string_view> words(std::string_view text) {
  std::vector<std::string_view> out;
  while (true) {
    text = trimmed(text);
    if (text.empty()) return out;
    const std::size_t end = text.find_first_of(" \t");
    out.push_back(text.substr(0, end));
    if (end == std::string_view::npos) return out;
    text.remove_prefix(end);
  }
}

// What one direction of a channel line says: "39 [62%] [12.00dB] [on]".
struct ChannelPart {
  std::optional<long> value;
  std::optional<double> db;
  std::optional<bool> on;
};

ChannelPart parse_channel_part(std::string_view text) {
  ChannelPart part;
  for (const std::string_view word : words(text)) {
    if (word == "[on]") {
      part.on = true;
    } else if (word == "[off]") {
      part.on = false;
    } else if (const auto db = parse_db(word)) {
      part.db = db;
    } else if (const auto value = parse_long(word); value && !part.value) {
      part.value = value;
    }
  }
  return part;
}

// "Capture 0 - 63" or "0 - 3": the two numbers around " - " after `after`.
bool parse_limits(std::string_view text, std::string_view after, MixerVolume& volume) {
  if (!after.empty()) {
    const std::size_t at = text.find(after);
    if (at == std::string_view::npos) return false;
    text = text.substr(at + after.size());
  }
  const std::vector<std::string_view> w = words(text);
  if (w.size() < 3 || w[1] != "-") return false;
  const auto low = parse_long(w[0]);
  const auto high = parse_long(w[2]);
  if (!low || !high) return false;
  volume.min = *low;
  volume.max = *high;
  return true;
}

bool is_channel_name(std::string_view name) {
  for (const std::string_view known : {"Mono", "Front Left", "Front Right", "Rear Left", "Rear Right", "Front Center",
                                       "Woofer", "Side Left", "Side Right", "Rear Center", "Unknown"}) {
    if (name == known) return true;
  }
  return false;
}

// "'Mic' 'Line' 'Internal Mic'" → the items.
std::vector<std::string> quoted_items(std::string_view text) {
  std::vector<std::string> items;
  while (items.size() < kMaxEnumItems) {
    const std::size_t open = text.find('\'');
    if (open == std::string_view::npos) break;
    // An item ends at a quote followed by a space and a quote, or by the end.
    std::size_t close = text.find("' '", open + 1);
    if (close == std::string_view::npos) close = text.rfind('\'');
    if (close == std::string_view::npos || close <= open) break;
    items.emplace_back(text.substr(open + 1, close - open - 1));
    text.remove_prefix(close + 1);
  }
  return items;
}

struct Capabilities {
  bool common_volume = false;   // "volume": one volume for both directions
  bool capture_volume = false;  // "cvolume"
  bool common_switch = false;   // "switch"
  bool capture_switch = false;  // "cswitch"
  bool enumerated = false;      // "enum" or "cenum" (not "penum")
};

Capabilities parse_capabilities(std::string_view text) {
  Capabilities caps;
  for (const std::string_view word : words(text)) {
    if (word == "volume") caps.common_volume = true;
    if (word == "cvolume") caps.capture_volume = true;
    if (word == "switch") caps.common_switch = true;
    if (word == "cswitch") caps.capture_switch = true;
    if (word == "enum" || word == "cenum") caps.enumerated = true;
  }
  return caps;
}

}  // namespace

bool parse_mixer_element(const std::vector<std::string>& lines, MixerElement& out) {
  if (lines.empty() || !lines.front().starts_with(kElementStart)) return false;
  const std::string_view head = std::string_view(lines.front()).substr(kElementStart.size());
  const std::size_t name_end = head.rfind("',");
  if (name_end == std::string_view::npos) return false;
  MixerElement element;
  element.name = std::string(head.substr(0, name_end));
  element.index = static_cast<int>(parse_long(trimmed(head.substr(name_end + 2))).value_or(0));
  Capabilities caps;
  bool capture_channels = false;
  MixerVolume volume;
  bool db_everywhere = true;
  for (std::size_t i = 1; i < lines.size(); ++i) {
    const std::string_view line = trimmed(lines[i]);
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    const std::string_view key = line.substr(0, colon);
    const std::string_view value = line.substr(colon + 1);
    if (key == "Capabilities") {
      caps = parse_capabilities(value);
    } else if (key == "Capture channels") {
      capture_channels = true;
    } else if (key == "Limits") {
      if (caps.capture_volume || caps.common_volume) parse_limits(value, caps.capture_volume ? "Capture" : "", volume);
    } else if (key == "Items" && caps.enumerated) {
      element.enum_items = quoted_items(value);
    } else if (key == "Item0" && caps.enumerated) {
      const std::vector<std::string> selected = quoted_items(value);
      if (!selected.empty()) element.enum_selected = selected.front();
    } else if (is_channel_name(key) && volume.values.size() < kMaxMixerChannels) {
      const std::size_t capture_at = value.find("Capture");
      const bool has_capture = capture_at != std::string_view::npos;
      const std::string_view capture_text = has_capture ? value.substr(capture_at + 7) : std::string_view();
      const bool directed = has_capture || value.find("Playback") != std::string_view::npos;
      const ChannelPart common = directed ? ChannelPart{} : parse_channel_part(value);
      const ChannelPart capture = has_capture ? parse_channel_part(capture_text) : ChannelPart{};
      const ChannelPart& volume_part = caps.capture_volume ? capture : common;
      if ((caps.capture_volume || caps.common_volume) && volume_part.value) {
        volume.values.push_back(*volume_part.value);
        if (volume_part.db) {
          volume.db.push_back(*volume_part.db);
        } else {
          db_everywhere = false;
        }
      }
      if (caps.capture_switch && capture.on) {
        element.capture_switch.push_back(*capture.on);
      } else if (caps.common_switch && capture_channels && !directed && common.on) {
        element.capture_switch.push_back(*common.on);
      }
    }
  }
  if ((caps.capture_volume || caps.common_volume) && !volume.values.empty()) {
    if (!db_everywhere) volume.db.clear();
    element.volume = std::move(volume);
    element.volume_is_capture = caps.capture_volume;
  }
  if (!caps.enumerated) element.enum_items.clear();
  out = std::move(element);
  return true;
}

namespace {

// "Card hw:0 'PCH'/'HDA Intel PCH at ...'" (or sysdefault:0, default:0).
void read_card_line(std::string_view line, AlsaMixer& mixer) {
  const std::size_t colon = line.find(':');
  const std::size_t space = line.find(' ', 5);
  if (colon != std::string_view::npos && space != std::string_view::npos && colon < space) {
    if (const auto number = parse_long(line.substr(colon + 1, space - colon - 1)); number && *number >= 0 && *number < 1000) {
      mixer.card = static_cast<int>(*number);
    }
  }
  const std::size_t open = line.find('\'');
  const std::size_t close = open == std::string_view::npos ? open : line.find('\'', open + 1);
  if (close != std::string_view::npos) mixer.card_id = std::string(line.substr(open + 1, close - open - 1));
}

// "  Components	: 'HDA:10ec0256,10280798,00100002 HDA:8086280b,80860101,00100000'"
std::vector<std::string> hda_components(std::string_view value) {
  std::vector<std::string> out;
  for (std::size_t at = value.find("HDA:"); at != std::string_view::npos && out.size() < 16; at = value.find("HDA:", at + 4)) {
    out.emplace_back(value.substr(at + 4, 8));
  }
  return out;
}

void finish_element(std::vector<std::string>& element_lines, AmixerCard& card) {
  MixerElement element;
  if (card.mixer.elements.size() < kMaxMixerElements && parse_mixer_element(element_lines, element)) {
    card.mixer.elements.push_back(std::move(element));
  }
  element_lines.clear();
}

void finish_card(std::vector<std::string>& element_lines, std::vector<std::string>& errors, AmixerCard& card) {
  finish_element(element_lines, card);
  card.mixer.read = !card.mixer.elements.empty() || errors.empty();
  if (!card.mixer.read) {
    // amixer's own line says what failed; alsa-lib's lines before it say why.
    const auto amixer = std::find_if(errors.begin(), errors.end(), [](const std::string& e) { return e.starts_with("amixer:"); });
    card.mixer.error = "amixer could not read it: " + (amixer != errors.end() ? *amixer : errors.front());
  }
  errors.clear();
}

}  // namespace

std::vector<AmixerCard> parse_amixer_output(const std::vector<std::string>& section) {
  const std::vector<std::string> lines = join_wrapped(section, [](const std::string& line) {
    return line.front() == ' ' || line.front() == '\t' || line.starts_with("Simple mixer control") ||
           line.starts_with("Card ") || line.starts_with("!!") || line.starts_with("ALSA lib") ||
           line.starts_with("amixer:") || line.starts_with("XDG_");
  });
  std::vector<AmixerCard> cards;
  std::vector<std::string> element_lines;
  std::vector<std::string> errors;
  for (const std::string& line : lines) {
    if (line.starts_with(kHeading)) {
      if (!cards.empty()) finish_card(element_lines, errors, cards.back());
      if (cards.size() >= 64) break;
      AmixerCard card;
      card.mixer.card = -1;
      card.heading_card = std::string(trimmed(std::string_view(line).substr(kHeading.size())));
      // 0.4.x: "0 [PCH]"; 0.5.x: "PCH".
      const std::string_view heading = card.heading_card;
      const std::size_t open = heading.find(" [");
      if (open != std::string_view::npos && heading.back() == ']') {
        if (const auto number = parse_long(heading.substr(0, open)); number && *number >= 0 && *number < 1000) {
          card.mixer.card = static_cast<int>(*number);
        }
        card.mixer.card_id = std::string(heading.substr(open + 2, heading.size() - open - 3));
      } else {
        card.mixer.card_id = card.heading_card;
      }
      cards.push_back(std::move(card));
      continue;
    }
    if (cards.empty()) continue;
    AmixerCard& card = cards.back();
    if (line.starts_with("Card ")) {
      read_card_line(line, card.mixer);
    } else if (trimmed(line).starts_with("Components")) {
      card.hda_codecs = hda_components(line);
    } else if (line.starts_with(kElementStart)) {
      finish_element(element_lines, card);
      element_lines.push_back(line);
    } else if (!element_lines.empty() && !line.empty() && (line.front() == ' ' || line.front() == '\t')) {
      if (element_lines.size() < 4 * kMaxMixerChannels) element_lines.push_back(line);
    } else if ((line.starts_with("amixer:") || line.starts_with("ALSA lib")) && errors.size() < 8) {
      errors.push_back(std::string(trimmed(line)).substr(0, 200));
    }
  }
  if (!cards.empty()) finish_card(element_lines, errors, cards.back());
  return cards;
}

}  // namespace micdoctor::alsainfo
