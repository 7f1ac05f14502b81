#include "kernel_text/os_release.hpp"

#include <string>

#include "kernel_text/text_lines.hpp"

namespace micdoctor::kernel_text {
namespace {

// The longest value kept: real ones are a few dozen characters.
constexpr std::size_t kMaxValue = 256;

// The value that starts `text` (right after "KEY="): quoted (with the
// shell's backslash escapes inside double quotes) or up to the next blank.
std::string value_at(std::string_view text) {
  std::string value;
  if (!text.empty() && (text.front() == '"' || text.front() == '\'')) {
    const char quote = text.front();
    for (std::size_t i = 1; i < text.size() && text[i] != quote && text[i] != '\n'; ++i) {
      if (quote == '"' && text[i] == '\\' && i + 1 < text.size()) ++i;
      if (value.size() < kMaxValue) value += text[i];
    }
    return value;
  }
  for (const char c : text) {
    if (is_blank(c) || value.size() >= kMaxValue) break;
    value += c;
  }
  return value;
}

// The value of the first `key=` that starts a token; "" when there is none.
std::string value_of(std::string_view text, std::string_view key) {
  const std::string needle = std::string(key) + "=";
  for (std::size_t at = text.find(needle); at != std::string_view::npos; at = text.find(needle, at + 1)) {
    if (at == 0 || is_blank(text[at - 1])) return value_at(text.substr(at + needle.size()));
  }
  return "";
}

}  // namespace

Distribution parse_os_release(std::string_view text) {
  Distribution distribution;
  distribution.id = value_of(text, "ID");
  distribution.id_like = value_of(text, "ID_LIKE");
  distribution.version_id = value_of(text, "VERSION_ID");
  distribution.pretty_name = value_of(text, "PRETTY_NAME");
  return distribution;
}

}  // namespace micdoctor::kernel_text
