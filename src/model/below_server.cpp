#include "model/below_server.hpp"

#include <charconv>
#include <cstdio>

namespace micdoctor {

std::string pin_default_text(std::uint32_t pin_default) {
  char text[11];
  std::snprintf(text, sizeof text, "0x%08x", pin_default);
  return text;
}

std::string mixer_element_id(const MixerElementId& element) {
  return element.card_id + ":" + element.name + "," + std::to_string(element.index);
}

bool parse_mixer_element_id(const std::string& text, MixerElementId& out) {
  const std::size_t colon = text.find(':');
  const std::size_t comma = text.rfind(',');
  if (colon == std::string::npos || colon == 0 || comma == std::string::npos || comma <= colon + 1) return false;
  int index = 0;
  const char* begin = text.data() + comma + 1;
  const char* end = text.data() + text.size();
  const auto [ptr, error] = std::from_chars(begin, end, index);
  if (error != std::errc() || ptr != end || begin == end || index < 0) return false;
  out = MixerElementId{text.substr(0, colon), text.substr(colon + 1, comma - colon - 1), index};
  return true;
}

}  // namespace micdoctor
