#include "kernel_text/codec_page.hpp"

#include <string>

#include "kernel_text/text_lines.hpp"

namespace micdoctor::kernel_text {
namespace {

// Pin capability bits (HD-Audio spec 7.3.4.9; the kernel's AC_PINCAP_*).
constexpr std::uint32_t kPinCapPresenceDetect = 1u << 2;
constexpr std::uint32_t kPinCapInput = 1u << 5;

// "0x10ec0256": the form the kernel prints ids in, whatever case the text had.
std::string hex_id(std::uint32_t id) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out = "0x00000000";
  for (std::size_t i = 0; i < 8; ++i) out[9 - i] = kDigits[(id >> (4 * i)) & 0xfu];
  return out;
}

// The value after "Key: " on a header line, or nullopt when the line is not that key.
std::optional<std::string_view> header_value(std::string_view line, std::string_view key) {
  if (!line.starts_with(key)) return std::nullopt;
  return trimmed(line.substr(key.size()));
}

// "Node 0x19 [Pin Complex] wcaps ..." → 0x19; nullopt for other widgets.
std::optional<int> pin_widget(std::string_view line) {
  if (!line.starts_with("Node ")) return std::nullopt;
  if (line.find("[Pin Complex]") == std::string_view::npos) return std::nullopt;
  const auto nid = parse_hex32(line.substr(5));
  if (!nid || *nid > 0xffff) return std::nullopt;
  return static_cast<int>(*nid);
}

// "Pincap 0x0003373c: IN OUT HP EAPD Detect": the bits when the number is
// there, else the words (a page whose number was mangled).
void read_pin_caps(std::string_view rest, CodecPin& pin) {
  if (const auto caps = parse_hex32(rest)) {
    pin.input_capable = (*caps & kPinCapInput) != 0;
    pin.presence_detect = (*caps & kPinCapPresenceDetect) != 0;
    return;
  }
  const std::size_t colon = rest.find(':');
  std::string_view words = colon == std::string_view::npos ? std::string_view() : rest.substr(colon + 1);
  while (!words.empty()) {
    words = trimmed(words);
    const std::string_view word = words.substr(0, words.find(' '));
    if (word == "IN") pin.input_capable = true;
    if (word == "Detect") pin.presence_detect = true;
    words.remove_prefix(word.size());
  }
}

}  // namespace

Codec parse_codec_page(std::string_view text, int card, int address) {
  Codec codec;
  codec.card = card;
  codec.address = address;
  std::optional<CodecPin> pin;       // the pin widget being read
  bool pin_has_default = false;
  const auto finish_pin = [&] {
    if (pin && pin_has_default && codec.pins.size() < kMaxCodecPins) codec.pins.push_back(*pin);
    pin.reset();
    pin_has_default = false;
  };
  for_each_line(text, [&](std::string_view raw) {
    const std::string_view line = trimmed(raw);
    if (const auto value = header_value(line, "Codec:")) {
      if (codec.name.empty()) codec.name = std::string(value->substr(0, 256));
    } else if (const auto vendor = header_value(line, "Vendor Id:")) {
      if (const auto id = parse_hex32(*vendor); id && codec.vendor_id.empty()) codec.vendor_id = hex_id(*id);
    } else if (const auto subsystem = header_value(line, "Subsystem Id:")) {
      if (const auto id = parse_hex32(*subsystem); id && codec.subsystem_id.empty()) codec.subsystem_id = hex_id(*id);
    } else if (const auto page_address = header_value(line, "Address:")) {
      if (const auto number = parse_small_int(*page_address)) codec.address = *number;
    } else if (line.starts_with("Node ")) {
      finish_pin();
      if (const auto nid = pin_widget(line)) {
        pin = CodecPin{};
        pin->nid = *nid;
      }
    } else if (pin && line.starts_with("Pincap ")) {
      read_pin_caps(line.substr(7), *pin);
    } else if (pin && line.starts_with("Pin Default ")) {
      if (const auto pin_default = parse_hex32(line.substr(12))) {
        pin->pin_default = *pin_default;
        pin_has_default = true;
      }
    }
  });
  finish_pin();
  return codec;
}

}  // namespace micdoctor::kernel_text
