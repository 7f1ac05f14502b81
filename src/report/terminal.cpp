#include "report/terminal.hpp"

#include <cstdio>
#include <cstdlib>
#include <string>

#ifdef _WIN32
#include <io.h>
#define isatty _isatty
#else
#include <unistd.h>
#endif

namespace micdoctor {
namespace {

// Length of the valid UTF-8 sequence at text[i], or 0 when invalid.
std::size_t utf8_sequence_length(std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(i);
  std::size_t length = 0;
  unsigned int code = 0;
  if (lead < 0x80) return 1;
  if (lead >= 0xC2 && lead <= 0xDF) length = 2, code = lead & 0x1Fu;
  else if (lead >= 0xE0 && lead <= 0xEF) length = 3, code = lead & 0x0Fu;
  else if (lead >= 0xF0 && lead <= 0xF4) length = 4, code = lead & 0x07u;
  else return 0;
  if (i + length > text.size()) return 0;
  for (std::size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    code = (code << 6) | (byte(i + k) & 0x3Fu);
  }
  // Overlong forms, surrogates and code points past U+10FFFF are invalid.
  if ((length == 3 && code < 0x800) || (length == 4 && (code < 0x10000 || code > 0x10FFFF)) ||
      (code >= 0xD800 && code <= 0xDFFF)) {
    return 0;
  }
  return length;
}

void append_hex(std::string& out, unsigned char byte) {
  char text[8];
  std::snprintf(text, sizeof text, "\\x%02X", byte);
  out += text;
}

}  // namespace

std::string escape_for_terminal(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t length = utf8_sequence_length(text, i);
    const auto lead = static_cast<unsigned char>(text[i]);
    if (length == 0 || (length == 1 && (lead < 0x20 || lead == 0x7F))) {
      append_hex(out, lead);
      ++i;
      continue;
    }
    // C1 controls (U+0080-U+009F) are two-byte sequences starting with 0xC2.
    if (length == 2 && lead == 0xC2 && static_cast<unsigned char>(text[i + 1]) < 0xA0) {
      append_hex(out, lead);
      append_hex(out, static_cast<unsigned char>(text[i + 1]));
      i += 2;
      continue;
    }
    out.append(text.substr(i, length));
    i += length;
  }
  return out;
}

std::string to_valid_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t length = utf8_sequence_length(text, i);
    if (length == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
    } else {
      out.append(text.substr(i, length));
      i += length;
    }
  }
  return out;
}

TextStyle detect_text_style(int fd) {
  TextStyle style;
  const bool terminal = isatty(fd) != 0;
  const char* no_colour = std::getenv("NO_COLOR");
  style.colour = terminal && (no_colour == nullptr || no_colour[0] == '\0');
  std::string locale;
  for (const char* name : {"LC_ALL", "LC_CTYPE", "LANG"}) {
    const char* value = std::getenv(name);
    if (value && value[0]) {
      locale = value;
      break;
    }
  }
  for (char& c : locale) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  style.unicode = terminal && (locale.find("utf-8") != std::string::npos || locale.find("utf8") != std::string::npos);
  return style;
}

std::string coloured(const std::string& text, Severity severity, const TextStyle& style) {
  if (!style.colour) return text;
  const char* code = severity == Severity::error ? "\033[31m" : severity == Severity::warning ? "\033[33m" : "\033[32m";
  return code + text + "\033[0m";
}

std::string severity_mark(Severity severity, const TextStyle& style) {
  const char* mark = "";
  switch (severity) {
    case Severity::error: mark = style.unicode ? "\u2717" : "[x]"; break;
    case Severity::warning: mark = style.unicode ? "!" : "[!]"; break;
    case Severity::info: mark = style.unicode ? "\u2713" : "[ok]"; break;
  }
  return coloured(mark, severity, style);
}

}  // namespace micdoctor
