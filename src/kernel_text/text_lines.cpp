#include "kernel_text/text_lines.hpp"

namespace micdoctor::kernel_text {

namespace {
int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

std::optional<std::uint32_t> parse_hex32(std::string_view text) {
  if (text.starts_with("0x") || text.starts_with("0X")) text.remove_prefix(2);
  std::uint32_t value = 0;
  std::size_t digits = 0;
  for (const char c : text) {
    const int digit = hex_digit(c);
    if (digit < 0) break;
    if (++digits > 8) return std::nullopt;
    value = (value << 4) | static_cast<std::uint32_t>(digit);
  }
  if (digits == 0) return std::nullopt;
  // The number must end where the token does: "0x0000#3736" is mangled, not 0.
  if (digits < text.size()) {
    const char next = text[digits];
    if (!is_blank(next) && next != ':' && next != ',' && next != ')' && next != ']') return std::nullopt;
  }
  return value;
}

std::optional<int> parse_small_int(std::string_view text) {
  if (text.empty() || text.size() > 9) return std::nullopt;
  int value = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

}  // namespace micdoctor::kernel_text
