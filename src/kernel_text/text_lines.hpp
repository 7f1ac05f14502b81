#pragma once
// Small helpers the kernel text parsers share: lines, trimming, hex numbers.
#include <cstdint>
#include <optional>
#include <string_view>

namespace micdoctor::kernel_text {

// Calls `on_line(line)` for each line (without "\n" or a trailing "\r").
template <typename OnLine>
void for_each_line(std::string_view text, OnLine&& on_line) {
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    on_line(line);
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
}

inline bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f'; }

inline std::string_view trimmed(std::string_view text) {
  while (!text.empty() && is_blank(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_blank(text.back())) text.remove_suffix(1);
  return text;
}

// "0x411111f0" or "411111f0" (up to 8 hex digits, ending the token: followed by
// nothing, a blank, ':', ',', ')' or ']') → the number; nullopt otherwise.
std::optional<std::uint32_t> parse_hex32(std::string_view text);

// A non-negative decimal number of at most 9 digits; nullopt otherwise.
std::optional<int> parse_small_int(std::string_view text);

}  // namespace micdoctor::kernel_text
